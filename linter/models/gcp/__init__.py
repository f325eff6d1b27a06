"""Google Cloud models, built from the google Terraform provider."""

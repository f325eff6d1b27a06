"""Microsoft Azure models (built from the azurerm Terraform provider)."""

"""Terraform's built-in functions, one module per family, over `linter.values` values.

Each family module exposes `FUNCTIONS`, a name -> callable table whose callables take
the evaluated argument list and return a value or a marker. `linter.resolve.hcl_functions`
joins the tables and is the only entry point the evaluator uses.
"""

"""Generated: see linter/dataclass_code.py."""

"""ephi-lint: keeps electronic protected health information encrypted and off plaintext channels."""

__version__ = "0.2.0"

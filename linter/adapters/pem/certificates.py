"""Certificates in PEM files: one model per CERTIFICATE block (a bundle is judged per
certificate). A file says nothing about who presents it, so none is taken to be a
server's leaf certificate."""

from __future__ import annotations

from linter.adapters.pem_values import certificate_model, file_identity
from linter.certificates import PemBlock, is_placeholder
from linter.models.certificates import Certificate


def build_certificates(path: str, blocks: list[PemBlock]) -> list[Certificate]:
    found = [block for block in blocks if block.is_certificate and not is_placeholder(block)]
    return [certificate_model(block, file_identity(path, block, index, len(found)),
                              f"{block.label} block", block.line)
            for index, block in enumerate(found)]


BUILDERS = {"certificate": build_certificates}

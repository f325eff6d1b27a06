"""Private keys in PEM files: one model per PRIVATE KEY block, pointing at its BEGIN line."""

from __future__ import annotations

from linter.adapters.pem_values import file_identity, private_key_model
from linter.certificates import PemBlock, is_placeholder
from linter.models.certificates import PrivateKey


def build_private_keys(path: str, blocks: list[PemBlock]) -> list[PrivateKey]:
    found = [block for block in blocks if block.is_private_key and not is_placeholder(block)]
    return [private_key_model(block, file_identity(path, block, index, len(found)),
                              f"{block.label} block", block.line)
            for index, block in enumerate(found)]


BUILDERS = {"private_key": build_private_keys}

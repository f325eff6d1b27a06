"""AWS Transfer Family servers."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Server(Resource):
    MODEL = "aws.transfer.Server"

    # Protocols the endpoint offers: a list of SFTP, FTPS, FTP, AS2 (default ["SFTP"]).
    protocols: Field
    # Name of the security policy (ciphers for SSH and TLS), e.g. TransferSecurityPolicy-2024-01.
    security_policy: Field

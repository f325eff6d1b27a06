"""AWS Transfer Family servers."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, FieldState, Resource
from linter.values import Branches


@dataclass(frozen=True, kw_only=True)
class Server(Resource):
    """A Transfer Family server: the protocols it offers, its security policy, whether it logs."""

    MODEL = "aws.transfer.Server"

    # Protocols the endpoint offers: a list of SFTP, FTPS, FTP, AS2 (default ["SFTP"]).
    protocols: Field
    # Name of the security policy (ciphers for SSH and TLS), e.g. TransferSecurityPolicy-2024-01.
    security_policy: Field
    # True when the server records sessions and file operations in CloudWatch Logs (a
    # logging role, or structured log destinations, is named); false: no transfer log.
    logging: Field


def transfer_logging(role: Field, destinations: Field) -> Field:
    """Whether the server logs, from its two settings (any format): a logging role
    (CloudWatch Logs through the role) or structured log destinations (log groups).

    Either written with a value is logging; one not known statically leaves it UNKNOWN
    unless the other is written; neither written: no logging (the service default).
    """
    written = [field for field in (role, destinations) if field.state is FieldState.SET]
    for field in written:
        if field.value and not isinstance(field.value, Branches):
            return Field.derived(True, field.attribute, field.line)
    unknown = [field for field in (role, destinations) if field.state is FieldState.UNKNOWN]
    if unknown:
        return unknown[0]
    if written:  # an empty list, or a conditional that may name no role
        first = written[0]
        if isinstance(first.value, Branches):
            return Field(Branches(tuple(bool(option) for option in first.value.options),
                                  first.value.labels), FieldState.SET, first.attribute,
                         first.line)
        return Field.derived(False, first.attribute, first.line)
    return Field(False, FieldState.DEFAULT, role.attribute, None,
                 "neither a logging role nor structured log destinations is named")

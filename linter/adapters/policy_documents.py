"""IAM-style policy documents (bucket and key policies) in one normalised form.

Terraform writes them as JSON strings, `jsonencode()` objects or
`data.aws_iam_policy_document` blocks; CloudFormation as mappings. All become
{"Statement": [{"Effect", "Principal", "Action", "Resource", "Condition"}, ...]}.
"""

from __future__ import annotations

import json
from typing import Any

from linter.adapters.fields import blocks
from linter.values import ConfigNode, PartialText, ResourceRef, Unknown, skeleton


def normalise(value: Any) -> Any:
    """A plain policy document, or Unknown with the reason it cannot be read."""
    if isinstance(value, PartialText):
        value = value.text  # placeholders sit inside JSON strings: the skeleton is readable
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError:
            return Unknown("policy is not valid JSON")
        return _statements(document)
    if isinstance(value, ConfigNode):
        return _statements(skeleton(value))
    if isinstance(value, ResourceRef) and value.resource_type == "data.aws_iam_policy_document":
        if isinstance(value.arguments, ConfigNode):
            return _from_policy_document_data(value.arguments)
    if isinstance(value, Unknown):
        return value
    return Unknown(f"policy from {value} is not readable statically")


def _statements(document: Any) -> Any:
    if not isinstance(document, dict):
        return Unknown("policy is not a JSON object")
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return Unknown("policy Statement is not a list")
    if not all(isinstance(item, dict) for item in statements):
        # Dropping a statement could drop the one that matters (a public Allow).
        return Unknown("policy has a statement that is not a JSON object")
    return {"Statement": statements}


def _from_policy_document_data(arguments: ConfigNode) -> Any:
    if isinstance(arguments.get("statement"), Unknown):
        return Unknown("the policy document's statements come from a dynamic block")
    statements = []
    for block, _ in blocks(arguments, "statement"):
        statement: dict[str, Any] = {"Effect": block.get("effect") or "Allow"}
        for source, target in (("actions", "Action"), ("not_actions", "NotAction"),
                               ("resources", "Resource")):
            if block.get(source) is not None:
                statement[target] = skeleton(block.get(source))
        principals: dict[str, list[Any]] = {}
        for principal, _ in blocks(block, "principals"):
            identifiers = skeleton(principal.get("identifiers")) or []
            principals.setdefault(str(principal.get("type")), []).extend(
                identifiers if isinstance(identifiers, list) else [identifiers])
        if principals:
            statement["Principal"] = ("*" if principals == {"*": ["*"]} else principals)
        conditions: dict[str, dict[str, Any]] = {}
        for condition, _ in blocks(block, "condition"):
            conditions.setdefault(str(condition.get("test")), {})[
                str(condition.get("variable"))] = skeleton(condition.get("values"))
        if conditions:
            statement["Condition"] = conditions
        statements.append(statement)
    return {"Statement": statements}

"""AWS::SSM::Document Session documents that hold Session Manager preferences
(sessionType Standard_Stream). Content is an object, or JSON or YAML text; it is read as
in Terraform (adapters/terraform/ssm.py)."""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.terraform.ssm import parsed_content, preference_fields
from linter.models.aws.ssm import SessionPreferences
from linter.resolve.cloudformation import ResolvedResource


def build_document(resource: ResolvedResource,
                   context: TemplateContext) -> list[SessionPreferences]:
    properties = resource.properties
    if properties.get("DocumentType") != "Session":
        return []
    line = properties.line_of("Content")
    content = parsed_content(properties.get("Content"), line)
    if content is None:
        return []
    return [SessionPreferences(**context.identity(resource),
                               **preference_fields(content, resource.type,
                                                   "Properties.Content.inputs", line))]


BUILDERS = {"AWS::SSM::Document": build_document}

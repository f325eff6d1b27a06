"""Evaluate a CloudFormation template's intrinsics into plain values.

Parameters resolve to their Default (or a value given on the command line), `Ref` and
`Fn::GetAtt` to another resource of the template become ResourceRefs, `Fn::If` follows
its condition or offers both branches, and what needs a deployed stack (pseudo
parameters, imports, AZ lists, SSM parameter types, dynamic references) stays Unknown
with a reason. SAM templates get their `Globals` merged into each serverless resource,
as the SAM transform does before CloudFormation sees the template (see cfn_sam_globals);
AWS::LanguageExtensions templates get their Fn::ForEach loops expanded first (see
cfn_foreach), and intrinsics inside Ref, Fn::GetAtt and a resource's Condition, which
that transform allows. Declarations CloudFormation rejects are listed by
cfn_template_errors.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from linter.resolve.cfn_foreach import LANGUAGE_EXTENSIONS, declared_transforms, expand_loops
from linter.resolve.cfn_sam_globals import merge_globals, sam_globals
from linter.resolve.cfn_template_errors import template_errors
from linter.values import (
    Branches,
    ConfigNode,
    MarkedList,
    PartialText,
    ResourceRef,
    Unknown,
    is_known,
    plain,
)

_PSEUDO = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region",
           "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
_SAM_PREFIX = "AWS::Serverless::"
# `{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`: read by CloudFormation at deploy.
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:[^}]*\}\}")


def cfn_text(value: Any) -> str | None:
    """A scalar as CloudFormation turns it into a string (None for anything else).

    Parameter values are always strings, while YAML reads `true` and `443` as a boolean
    and a number: CloudFormation compares and substitutes their text, `true` not `True`.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class _Removed:
    """`Ref: AWS::NoValue`: the property is treated as if it were not written."""


REMOVED = _Removed()


@dataclass
class ResolvedResource:
    """One CloudFormation resource with its intrinsic functions resolved where they can be."""

    logical_id: str
    type: str
    line: int
    end_line: int
    properties: ConfigNode
    properties_line: int
    metadata: ConfigNode | None


class TemplateScope:
    def __init__(self, template: ConfigNode, parameter_values: dict[str, Any] | None = None):
        self.template = template
        resources = template.get("Resources")
        self.resources: ConfigNode = resources if isinstance(resources, ConfigNode) \
            else ConfigNode(template.line)
        parameters = template.get("Parameters")
        self.parameters = parameters if isinstance(parameters, ConfigNode) else ConfigNode(0)
        conditions = template.get("Conditions")
        self.conditions = conditions if isinstance(conditions, ConfigNode) else ConfigNode(0)
        mappings = template.get("Mappings")
        self.mappings = mappings if isinstance(mappings, ConfigNode) else ConfigNode(0)
        self.parameter_values = dict(parameter_values or {})
        self.globals = sam_globals(template)
        self._properties: dict[str, ConfigNode] = {}
        self._in_progress: set[str] = set()
        self._condition_cache: dict[str, Any] = {}
        self.language_extensions = LANGUAGE_EXTENSIONS in declared_transforms(template)
        # Loops expand before anything else reads the sections, as the transform runs
        # before CloudFormation (and SAM) see the template. Warnings for the scan's report.
        expansion = expand_loops(template, self._loop_collection)
        self.problems: list[str] = expansion.problems
        self.conditions = expansion.sections.get("Conditions", self.conditions)
        self.resources = expansion.sections.get("Resources", self.resources)
        self._properties.clear()  # a collection may have read a resource before expansion
        self._condition_cache.clear()
        # Declarations CloudFormation itself rejects, as (line, reason): the scan reports
        # them as errors, since the resources involved are not judged.
        self.errors: list[tuple[int, str]] = template_errors(template, self.resources)
        self.crashed: list[tuple[int, str, BaseException]] = []

    def resolved_resources(self) -> list[ResolvedResource]:
        """The resources created under the parameters in force; declarations
        CloudFormation rejects (no string Type, Properties that are not a mapping) are
        left out: they are in `errors`, and judging what was not read would be a guess.
        A resource whose resolution crashes is left out too, and listed in `crashed`
        (line, logical id, exception): one resource never costs the template."""
        resolved = []
        for logical_id, body in self.resources.items():
            try:
                resource = self._resolved(logical_id, body)
            except Exception as error:  # reported as an internal error (crashed)
                self.crashed.append((self.resources.line_of(logical_id), logical_id, error))
                continue
            if resource is not None:
                resolved.append(resource)
        return resolved

    def _resolved(self, logical_id: str, body: Any) -> ResolvedResource | None:
        if not isinstance(body, ConfigNode) or (
                "Properties" in body and not isinstance(body.get("Properties"), ConfigNode)):
            return None
        condition = body.get("Condition")
        if isinstance(condition, ConfigNode) and self.language_extensions:
            condition = self.evaluate(condition)  # a name, NoValue (none) or unknown
        if isinstance(condition, str) and self.condition(condition) is False:
            return None  # not created under the parameters in force
        resource_type = body.get("Type")
        if not isinstance(resource_type, str):
            return None
        metadata = body.get("Metadata")
        return ResolvedResource(
            logical_id, resource_type, self.resources.line_of(logical_id), body.end_line,
            self.properties_of(logical_id), body.line_of("Properties"),
            metadata if isinstance(metadata, ConfigNode) else None)

    def properties_of(self, logical_id: str) -> ConfigNode:
        if logical_id in self._properties:
            return self._properties[logical_id]
        body = self.resources.get(logical_id)
        raw = body.get("Properties") if isinstance(body, ConfigNode) else None
        resource_type = body.get("Type") if isinstance(body, ConfigNode) else None
        if isinstance(resource_type, str) and resource_type.startswith(_SAM_PREFIX):
            inherited = self.globals.get(resource_type[len(_SAM_PREFIX):])
            if isinstance(inherited, ConfigNode):
                raw = merge_globals(inherited, raw if isinstance(raw, ConfigNode) else None)
        if not isinstance(raw, ConfigNode) or logical_id in self._in_progress:
            return ConfigNode(body.line if isinstance(body, ConfigNode) else 0)
        self._in_progress.add(logical_id)
        try:
            value = self.evaluate(raw)
        finally:
            self._in_progress.discard(logical_id)
        properties = value if isinstance(value, ConfigNode) else ConfigNode(raw.line)
        self._properties[logical_id] = properties
        return properties

    # --- intrinsics --------------------------------------------------------------------

    def evaluate(self, value: Any) -> Any:
        if isinstance(value, list):
            lines = value.lines if isinstance(value, MarkedList) else [0] * len(value)
            items = MarkedList(value.line if isinstance(value, MarkedList) else 0)
            for item, line in zip(value, lines):
                resolved = self.evaluate(item)
                if resolved is not REMOVED:
                    items.add(resolved, line)
            return items
        if not isinstance(value, ConfigNode):
            return self._leaf(value)
        keys = value.keys()
        if len(keys) == 1 and (keys[0] == "Ref" or keys[0].startswith("Fn::")):
            return self._intrinsic(keys[0], value.get(keys[0]))
        node = ConfigNode(value.line, value.end_line)
        for key, item in value.items():
            resolved = self.evaluate(item)
            if resolved is not REMOVED:
                node.set(key, resolved, value.line_of(key))
        return node

    def _intrinsic(self, name: str, argument: Any) -> Any:
        handler = getattr(self, "_fn_" + name.replace("Fn::", "").lower(), None)
        if handler is None:
            return Unknown(f"{name} needs a deployed stack")
        return handler(argument)

    def _fn_ref(self, argument: Any) -> Any:
        name = self._name(argument)
        if isinstance(name, Unknown):
            return name
        if name == "AWS::NoValue":
            return REMOVED
        if name in _PSEUDO:
            return Unknown(f"{name} is known only when deployed")
        if name in self.parameters:
            return self._parameter(name)
        if name in self.resources:
            return self._resource_ref(name, None)
        return Unknown(f"Ref to {name}, which the template does not declare")

    def _name(self, name: Any) -> str | Unknown:
        """The name Ref and Fn::GetAtt read: AWS::LanguageExtensions allows an intrinsic
        there (`!Ref {Fn::Sub: 'Key${Name}'}` in a loop) as long as it gives a string."""
        if isinstance(name, ConfigNode) and self.language_extensions:
            name = self.evaluate(name)
        if isinstance(name, PartialText):  # not the name's text: what it names is unknown
            return Unknown(f"a reference to {name.text}: {name.reason}")
        if isinstance(name, (str, Unknown)):
            return name
        return Unknown("a reference whose name is not a string")

    def _loop_collection(self, expression: Any) -> list[str] | Unknown:
        """A Fn::ForEach collection as the texts of its items, or why it is not known."""
        value = self.evaluate(expression)
        if isinstance(value, list):
            texts = [cfn_text(item) for item in value]
            if all(text is not None for text in texts):
                return [text for text in texts if text is not None]
            unknown = [item for item in value if isinstance(item, Unknown)]
            return unknown[0] if unknown else Unknown("its items are not all strings")
        return value if isinstance(value, Unknown) else Unknown("it is not a list")

    def _parameter(self, name: str) -> Any:
        """A parameter's value: given on the command line, else its Default.

        Values given for parameters the template does not declare are ignored (the same
        --cfn-param applies to every template of the scan).
        """
        declared = self.parameters.get(name)
        declared = declared if isinstance(declared, ConfigNode) else ConfigNode(0)
        parameter_type = declared.get("Type")
        if name in self.parameter_values:
            value = self.parameter_values[name]
        elif "Default" in declared:
            value = declared.get("Default")
        else:
            return Unknown(f"parameter {name} has no Default and no value was given")
        if isinstance(parameter_type, str) and parameter_type.startswith("AWS::SSM::Parameter"):
            # The value is the name of an SSM parameter; its content is read at deploy time.
            return Unknown(f"parameter {name} is read from SSM parameter {value} when deployed")
        if isinstance(value, (ConfigNode, list)):
            return Unknown(f"parameter {name} has a value that is not a string")
        text = cfn_text(value)
        if isinstance(parameter_type, str) and text is not None and (
                parameter_type == "CommaDelimitedList" or parameter_type.startswith("List<")):
            return [item.strip() for item in text.split(",")]
        return self._leaf(value)

    def _leaf(self, value: Any) -> Any:
        """A literal; strings holding a dynamic reference are read only when deployed."""
        if isinstance(value, str) and _DYNAMIC_REFERENCE.search(value):
            return PartialText("a dynamic reference is resolved only when deployed", value)
        return value

    def _resource_ref(self, logical_id: str, attribute: str | None) -> ResourceRef:
        body = self.resources.get(logical_id)
        resource_type = body.get("Type") if isinstance(body, ConfigNode) else None
        return ResourceRef(str(resource_type), logical_id, attribute,
                           self.properties_of(logical_id))

    def _fn_getatt(self, argument: Any) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("malformed Fn::GetAtt")
        logical_id, attribute = self._name(argument[0]), self.evaluate(argument[1])
        if isinstance(logical_id, Unknown):
            return logical_id
        if logical_id not in self.resources:
            return Unknown(f"Fn::GetAtt of {logical_id}, which the template does not declare")
        return self._resource_ref(str(logical_id), str(attribute))

    def _fn_if(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 3:
            return Unknown("malformed Fn::If")
        condition = self.condition(argument[0])
        if condition is True:
            return self.evaluate(argument[1])
        if condition is False:
            return self.evaluate(argument[2])
        if_true, if_false = self.evaluate(argument[1]), self.evaluate(argument[2])
        if if_true is REMOVED:
            if_true = None
        if if_false is REMOVED:
            if_false = None
        return Branches((if_true, if_false), (f"condition {argument[0]} true",
                                               f"condition {argument[0]} false"))

    def condition(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self.conditions:
            return Unknown(f"condition {name} is not declared")
        if name in self._condition_cache:
            return self._condition_cache[name]
        self._condition_cache[name] = Unknown(f"condition {name} refers to itself")
        value = self._condition_value(self.conditions.get(name))
        self._condition_cache[name] = value
        return value

    def _condition_value(self, expression: Any) -> Any:
        if isinstance(expression, ConfigNode) and len(expression.keys()) == 1:
            key = expression.keys()[0]
            argument = expression.get(key)
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::Equals" and isinstance(argument, list) and len(argument) == 2:
                left, right = self.evaluate(argument[0]), self.evaluate(argument[1])
                left_text, right_text = cfn_text(left), cfn_text(right)
                if left_text is not None and right_text is not None:
                    return left_text == right_text
                if is_known(left) and is_known(right) and not isinstance(left, ResourceRef) \
                        and not isinstance(right, ResourceRef):
                    return plain(left) == plain(right)  # lists (CommaDelimitedList values)
                return Unknown("Fn::Equals of unknown values")
            if key in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(argument, list) \
                    and argument:
                values = [self._condition_value(item) for item in argument]
                if key == "Fn::Not":
                    return (not values[0]) if isinstance(values[0], bool) else values[0]
                decisive = key == "Fn::Or"
                if decisive in values:
                    return decisive
                if all(isinstance(item, bool) for item in values):
                    return not decisive
                return Unknown(f"{key} of unknown conditions")
        return Unknown("condition is not evaluated")

    def _fn_sub(self, argument: Any) -> Any:
        variables: dict[str, Any] = {}
        if (isinstance(argument, list) and len(argument) == 2
                and isinstance(argument[1], ConfigNode)):
            text = argument[0]
            variables = {key: self.evaluate(item) for key, item in argument[1].items()}
        else:
            text = argument
        if not isinstance(text, str):
            return Unknown("malformed Fn::Sub")
        complete = True

        def replace(match: re.Match[str]) -> str:
            nonlocal complete
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = self._fn_getatt(name.split(".", 1))
            else:
                value = self._fn_ref(name)
            text = cfn_text(value)
            if text is not None:
                return text
            complete = False
            return "${" + (str(value) if isinstance(value, ResourceRef) else name) + "}"

        result = re.sub(r"\$\{([^}]+)\}", replace, text)
        return result if complete else PartialText("Fn::Sub of values known only when deployed",
                                                   result)

    def _fn_join(self, argument: Any) -> Any:
        if not isinstance(argument, list) or len(argument) != 2:
            return Unknown("malformed Fn::Join")
        separator, items = argument[0], self.evaluate(argument[1])
        if not isinstance(items, list) or not isinstance(separator, str):
            return Unknown("Fn::Join of an unknown list")
        texts = [cfn_text(item) if cfn_text(item) is not None else
                 (item.text if isinstance(item, PartialText) else "${" + str(item) + "}")
                 for item in items]
        joined = separator.join(texts)
        if all(cfn_text(item) is not None for item in items):
            return joined
        return PartialText("Fn::Join of values known only when deployed", joined)

    def _fn_select(self, argument: Any) -> Any:
        if isinstance(argument, list) and len(argument) == 2:
            index, items = self.evaluate(argument[0]), self.evaluate(argument[1])
            if isinstance(items, list) and str(index).isdigit() and int(index) < len(items):
                return items[int(index)]
        return Unknown("Fn::Select of unknown values")

    def _fn_split(self, argument: Any) -> Any:
        if isinstance(argument, list) and len(argument) == 2:
            separator, text = argument[0], self.evaluate(argument[1])
            if isinstance(separator, str) and isinstance(text, str):
                return text.split(separator)
        return Unknown("Fn::Split of unknown values")

    def _fn_findinmap(self, argument: Any) -> Any:
        if isinstance(argument, list) and len(argument) in (3, 4):
            keys = [cfn_text(self.evaluate(item)) for item in argument[:3]]
            value: Any = self.mappings
            for key in keys:
                if not (isinstance(value, ConfigNode) and key is not None and key in value):
                    if key is not None and len(argument) == 4:
                        return self._findinmap_default(argument[3])
                    return Unknown("Fn::FindInMap with unknown keys")
                value = value.get(key)
            return self.evaluate(value)
        return Unknown("malformed Fn::FindInMap")

    def _findinmap_default(self, options: Any) -> Any:
        """AWS::LanguageExtensions' `{DefaultValue: x}`: used when a known key is missing."""
        if isinstance(options, ConfigNode) and "DefaultValue" in options:
            return self.evaluate(options.get("DefaultValue"))
        return Unknown("malformed Fn::FindInMap")

    def _fn_base64(self, argument: Any) -> Any:
        value = self.evaluate(argument)
        if isinstance(value, str):
            return base64.b64encode(value.encode()).decode()
        return Unknown("Fn::Base64 of an unknown value")

    def _fn_importvalue(self, argument: Any) -> Any:
        return Unknown("Fn::ImportValue reads another stack's output")

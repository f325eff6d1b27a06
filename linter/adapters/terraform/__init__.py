"""Terraform resources (after resolution) to models."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from linter.adapters import built_or_reported, collect_builders
from linter.discover import FileProblem
from linter.models.base import Resource, SourceLocation
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef


def _by_type(blocks: list[ResolvedBlock]) -> dict[str, list[ResolvedBlock]]:
    found: dict[str, list[ResolvedBlock]] = defaultdict(list)
    for block in blocks:
        found[f"data.{block.type}" if block.mode == "data" else block.type].append(block)
    return found


class TerraformContext:
    """The other resources of the same module instance, for resources that configure
    another (each module call is its own context: `aws_s3_bucket.this` in two calls of
    one module are two buckets), and those of the whole root module evaluation, for
    relations that cross module calls (a bucket logging into another module's bucket)."""

    def __init__(self, blocks: list[ResolvedBlock],
                 root: TerraformContext | None = None) -> None:
        """`root`: the context of every block of the root module evaluation, shared by
        the contexts of its module instances (None: this context is the whole root)."""
        self.blocks = blocks
        self._by_type = _by_type(blocks)
        self._root = root
        # Indexes built on first use: a module of thousands of buckets must not compare
        # every bucket with every other (referencing() per bucket, log targets per root).
        self._indexes: dict[Any, Any] = {}

    def of_type(self, source_type: str) -> list[ResolvedBlock]:
        return self._by_type.get(source_type, [])

    def in_root(self, source_type: str) -> list[ResolvedBlock]:
        """Blocks of `source_type` in every module instance of the root module evaluation
        (this one's included). Their names are local to their module: match them by
        resolved identity (a reference carrying the block's configuration, a literal
        name), never by resource name alone."""
        return (self._root or self).of_type(source_type)

    def referencing(self, source_type: str, argument: str, target: ResolvedBlock,
                    names: tuple[Any, ...] = ()) -> list[ResolvedBlock]:
        """Blocks of `source_type` whose `argument` refers to `target`.

        A reference (`bucket = aws_s3_bucket.photos.id`) matches by address; a literal
        matches when it equals one of the target's `names` (its bucket name, say).
        """
        by_reference, by_literal = self._argument_index(source_type, argument)
        candidates = list(by_reference.get((target.type, target.name), ()))
        for name in names:
            key = _literal_key(name)  # a name of another type (a list) names nothing
            if key is not None:
                candidates += by_literal.get(key, ())
        if not candidates:  # most resources are configured by none of a kind
            return []
        # Declaration order, as a scan of every block would give; a block once.
        ordered = candidates if len(candidates) == 1 else sorted(dict(candidates).items())
        return [block for _, block in ordered
                if not isinstance(block.config.get(argument), ResourceRef)
                or _same_instance(block.config.get(argument), target)]

    def _argument_index(self, source_type: str, argument: str
                        ) -> tuple[dict[tuple[str, str], list[tuple[int, ResolvedBlock]]],
                                   dict[Any, list[tuple[int, ResolvedBlock]]]]:
        """Blocks of `source_type` by what their `argument` names: a reference by the
        referenced (type, name), a literal by its value."""
        key = ("argument", source_type, argument)
        if key not in self._indexes:
            by_reference: dict[tuple[str, str], list[tuple[int, ResolvedBlock]]] = {}
            by_literal: dict[Any, list[tuple[int, ResolvedBlock]]] = {}
            for position, block in enumerate(self.of_type(source_type)):
                value = block.config.get(argument)
                if isinstance(value, ResourceRef):
                    by_reference.setdefault((value.resource_type, value.name), []).append(
                        (position, block))
                elif value is not None and _literal_key(value) is not None:
                    by_literal.setdefault(_literal_key(value), []).append((position, block))
            self._indexes[key] = (by_reference, by_literal)
        return self._indexes[key]

    def memo(self, key: Any, compute: Any) -> Any:
        """`compute()` once per root module evaluation (an index several resources share)."""
        owner = self._root or self
        if key not in owner._indexes:
            owner._indexes[key] = compute()
        return owner._indexes[key]

    def own_memo(self, key: Any, compute: Any) -> Any:
        """`compute()` once per context (an index over this module instance's blocks)."""
        if key not in self._indexes:
            self._indexes[key] = compute()
        return self._indexes[key]

    @staticmethod
    def identity(block: ResolvedBlock) -> dict[str, Any]:
        """The address names the module call path and instance (`module.photos.
        aws_s3_bucket.this`, `aws_kms_key.phi["raw"]`); the scope is the root module, so
        two roots calling the same module keep distinct fingerprints. The location is
        the line inside the module's own file."""
        return {
            "address": block.address,
            "source_type": block.type,
            "source_format": "terraform",
            "location": SourceLocation(block.path, block.line, block.end_line),
            "scope": block.root_dir or block.module_dir,
        }


def _literal_key(value: Any) -> Any:
    """The literal itself when it can key a dict (equal values, equal keys, as `==`
    compares them); None for values that cannot name a resource (a list, a mapping)."""
    return value if isinstance(value, (str, int, float, bool)) else None


def _same_instance(reference: ResourceRef, target: ResolvedBlock) -> bool:
    """`aws_s3_bucket.photos["raw"].id` refers to that instance only: the reference
    carries the configuration of the instance it resolved to."""
    if target.key is None or not isinstance(reference.arguments, ConfigNode):
        return True
    return reference.arguments is target.config


def build_models(blocks: list[ResolvedBlock],
                 problems: list[FileProblem] | None = None) -> list[Resource]:
    """The models of every block. With `problems`, a builder that crashes is an error
    there for that resource alone (at its file and line), and the others are built;
    without, the exception propagates."""
    builders = collect_builders(__name__)
    # One context per root module and module call instance, in first-seen order.
    groups: dict[tuple[str, str, str], list[ResolvedBlock]] = {}
    roots: dict[str, list[ResolvedBlock]] = {}
    for block in blocks:
        groups.setdefault((block.root_dir, block.module_dir, block.module_address),
                          []).append(block)
        roots.setdefault(block.root_dir, []).append(block)
    root_contexts = {root_dir: TerraformContext(members) for root_dir, members in roots.items()}
    models: list[Resource] = []
    for (root_dir, _, _), group in groups.items():
        context = TerraformContext(group, root_contexts[root_dir])
        for block in group:
            key = f"data.{block.type}" if block.mode == "data" else block.type
            if key not in builders:  # most blocks (a miss in the lazy mapping's get raises)
                continue
            for builder in builders[key]:
                models.extend(built_or_reported(
                    builder, (block, context), problems, block.path, block.line,
                    f"building the model of {block.address}"))
    return models

"""The resolve and adapt stages of a scan: parsed files become the models rules judge.

Terraform root modules are evaluated with their module calls followed, plans judged with
the Terraform adapters (their judgement replacing the configuration's for the blocks
they cover), CloudFormation templates resolved, Kubernetes manifests and PEM files
adapted. Each failure is contained: a crash is a problem for that module, plan, template
or resource, and everything else is adapted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from linter.adapters import terraform as terraform_adapters
from linter.discover import FileProblem
from linter.models.base import Resource
from linter.resolve.terraform import ModuleScope
from linter.resolve.terraform_modules import ModuleLibrary, root_directories
from linter.resolve.variables import environment_layer, module_values
from linter.values import bound_numbers

# The other formats' adapters and resolvers load when a scan holds such a file: a
# pre-commit run over one .tf file imports none of them.
if TYPE_CHECKING:
    from linter.certificates import PemBlock
    from linter.parsers.documents import ParsedDocuments
    from linter.parsers.terraform import HclAttribute, TerraformFile
    from linter.parsers.tfplan import TerraformPlan
    from linter.pipeline import ScanRequest, ScanResult
    from linter.resolve.cloudformation import TemplateScope


@dataclass
class ParsedFiles:
    """The parse results of a scan's files, grouped by what the adapters build from them."""

    terraform: dict[str, list[TerraformFile]] = field(default_factory=lambda: defaultdict(list))
    # module dir -> auto-loaded variables file path -> values
    variables: dict[str, dict[str, dict[str, HclAttribute]]] = field(
        default_factory=lambda: defaultdict(dict))
    documents: list[tuple[str, ParsedDocuments]] = field(default_factory=list)
    plans: list[TerraformPlan] = field(default_factory=list)
    # (.tf path, line, scope) of resource blocks a scanned plan judged: see _drop_planned.
    planned_declarations: set[tuple[str, int, str]] = field(default_factory=set)
    # .pem/.crt/.cer/.key files: (path, the PEM blocks found in the file).
    pem_files: list[tuple[str, list[PemBlock]]] = field(default_factory=list)



def adapt(parsed: ParsedFiles, result: ScanResult, request: ScanRequest) -> list[Resource]:
    terraform = _adapt_terraform(parsed, result, request)
    plans = _adapt_plans(parsed, result, request)
    return [*_drop_planned(terraform, parsed), *plans, *_adapt_documents(parsed, result, request),
            *_adapt_pem(parsed, result)]


def _adapt_terraform(parsed: ParsedFiles, result: ScanResult,
                     request: ScanRequest) -> list[Resource]:
    """Each root module directory is evaluated with its module calls followed.

    A scanned directory that is the local source of a module call in the scan is judged
    only through its callers, once per call with the caller's arguments (see
    linter.resolve.terraform_modules); a module directory scanned alone is a root.
    """
    resources: list[Resource] = []
    environment = environment_layer(request.environment)
    library = ModuleLibrary(parsed.terraform, request.root, request.max_file_bytes)
    for module_dir in root_directories(parsed.terraform):
        resources.extend(root_models(module_dir, parsed.terraform[module_dir],
                                     parsed.variables.get(module_dir, {}), environment,
                                     request, library, result.problems))
    result.problems.extend(library.problems)
    return resources


def root_models(module_dir: str, files: list[Any], variable_files: Any, environment: Any,
                request: ScanRequest, library: ModuleLibrary,
                problems: list[FileProblem]) -> list[Resource]:
    """The models of one root module, its module calls followed. A crash reading its
    variables is an error for this root alone (the other roots go on)."""
    try:
        values = module_values(variable_files, environment, request.command_line_variables)
        scope = ModuleScope(module_dir, files, values, library=library)
    except Exception as error:
        problems.append(FileProblem.internal_error(
            module_dir, None, "reading the variables of this Terraform module", error))
        return []
    # Each resource instance and module call on its own: a crash is an error for that
    # resource (or call) alone, and the other resources are judged. The blocks no builder
    # reads are evaluated only if a builder asks for them (their numbers are bounded as
    # they are evaluated: ModuleScope.block_config).
    builders = terraform_adapters.collect_builders(terraform_adapters.__name__)
    blocks = scope.contained_blocks(problems, builders.__contains__)
    return terraform_adapters.build_models(blocks, problems)


def _adapt_plans(parsed: ParsedFiles, result: ScanResult, request: ScanRequest) -> list[Resource]:
    """Terraform plan JSON (`terraform show -json`), judged with the Terraform adapters.

    When the plan's configuration is scanned too, findings point at the .tf lines, and
    the plan's judgement replaces the configuration's for those resources (the plan
    knows every variable, module input and count): see _drop_planned.
    """
    resources: list[Resource] = []
    if not parsed.plans:
        return resources
    from linter.resolve.tfplan import PlanResolver, SourceIndex

    sources = SourceIndex(parsed.terraform) if parsed.terraform else None
    for plan in parsed.plans:
        try:
            resolver = PlanResolver(plan, sources)
            groups: dict[str, list[Any]] = defaultdict(list)
            for block in resolver.blocks():
                # One context per module instance, as for .tf files: names are per module.
                groups[block.module_address].append(block)
                if block.declared_at is not None:
                    parsed.planned_declarations.add(
                        (*block.declared_at, resolver.root_directory or ""))
            # build_models makes one context per module instance itself, and shares the
            # whole plan as the root (LOG-003 log targets across module calls).
            ordered = [block for address in sorted(groups) for block in groups[address]]
            for block in ordered:
                bound_numbers(block.config)
            resources.extend(terraform_adapters.build_models(ordered, result.problems))
        except Exception as error:  # one broken plan must not hide the rest of the scan
            result.problems.append(FileProblem.internal_error(
                plan.path, None, "reading this Terraform plan", error))
    return resources


def _drop_planned(resources: list[Resource], parsed: ParsedFiles) -> list[Resource]:
    """The configuration's own findings for resource blocks a scanned plan judged.

    A block is matched by its declaration (file and first line) within the plan's root
    module directory, or a module directory it calls: the plan's values are the real
    ones, so its findings win and the configuration's are not reported twice.
    """
    if not parsed.planned_declarations:
        return resources
    declared = {(path, line) for path, line, _ in parsed.planned_declarations}
    scopes = {scope for _, _, scope in parsed.planned_declarations}
    return [resource for resource in resources
            if resource.source_format != "terraform"
            or (resource.location.path, resource.location.start_line) not in declared
            or not (resource.scope in scopes
                    or resource.scope == str(PurePosixPath(resource.location.path).parent))]


def _adapt_documents(parsed: ParsedFiles, result: ScanResult,
                     request: ScanRequest) -> list[Resource]:
    resources: list[Resource] = []
    if not parsed.documents:
        return resources
    from linter.adapters import cloudformation as cloudformation_adapters
    from linter.adapters import kubernetes as kubernetes_adapters
    from linter.resolve.cloudformation import TemplateScope

    for path, documents in parsed.documents:
        for template in documents.cloudformation:
            try:
                bound_numbers(template)
                scope = TemplateScope(template, request.cloudformation_parameters)
                resolved = scope.resolved_resources()
            except Exception as error:  # this template; the file's others still count
                result.problems.append(FileProblem.internal_error(
                    path, template.line or None, "resolving this CloudFormation template",
                    error))
                continue
            resources.extend(cloudformation_adapters.build_models(path, resolved,
                                                                  result.problems))
            result.problems.extend(_rejected_declarations(path, scope))
            result.problems.extend(  # one resource's crash never costs the template
                FileProblem.internal_error(path, line, f"resolving {logical_id}", error)
                for line, logical_id, error in scope.crashed)
            # Templates CloudFormation would reject (a loop without its transform...)
            result.problems.extend(FileProblem(path, reason, "warning")
                                   for reason in scope.problems)
        if documents.kubernetes:
            for item in documents.kubernetes:
                bound_numbers(item.body)
            resources.extend(kubernetes_adapters.build_models(path, documents.kubernetes,
                                                              result.problems))
    return resources


def _rejected_declarations(path: str, scope: TemplateScope) -> list[FileProblem]:
    """Declarations CloudFormation rejects: errors (exit 2), since their resources are
    not judged. A loop left unexpanded (no LanguageExtensions transform) is already
    reported by the loop expansion, so its key is not reported twice."""
    from linter.resolve.cfn_foreach import LOOP_PREFIX

    loops = {scope.resources.line_of(key) for key in scope.resources.keys()
             if key.startswith(LOOP_PREFIX)}
    return [FileProblem(path, reason, "error", line) for line, reason in scope.errors
            if line not in loops]


def _adapt_pem(parsed: ParsedFiles, result: ScanResult) -> list[Resource]:
    """Certificates and private keys in PEM files (the CRT rules)."""
    resources: list[Resource] = []
    if not parsed.pem_files:
        return resources
    from linter.adapters import pem as pem_adapters

    for path, blocks in parsed.pem_files:
        resources.extend(pem_adapters.build_models(path, blocks, result.problems))
    return resources

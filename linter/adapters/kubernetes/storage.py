"""StorageClass objects to k8s.storage.StorageClass."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes._fields import annotations_table, go_bool
from linter.models.base import Field
from linter.models.k8s.storage import StorageClass
from linter.values import ConfigNode


def build_storage_class(body: ConfigNode, context: KubernetesContext) -> list[StorageClass]:
    identity = context.identity(body)
    source_type = identity["source_type"]
    provisioner = field_at(body, "provisioner", source_type)
    provisioners = annotations_table()["storage_provisioners"]
    known = provisioners.get(provisioner.value) if isinstance(provisioner.value, str) else None
    if known is None:
        # A provisioner the table does not describe: its encryption parameter (if any) is
        # unknown to us, so encryption is left absent rather than guessed.
        volume_service = Field.absent("provisioner")
        encrypted = Field.absent("parameters")
        kms_key = Field.absent("parameters")
    else:
        volume_service = Field.derived(known["service"], "provisioner",
                                       body.line_of("provisioner"))
        encrypted = go_bool(field_at(body, f"parameters.{known['encryption_parameter']}",
                                     source_type))
        kms_key = field_at(body, "parameters.kmsKeyId", source_type)
    return [StorageClass(**identity, provisioner=provisioner, volume_service=volume_service,
                         encrypted=encrypted, kms_key=kms_key)]


BUILDERS = {"StorageClass": build_storage_class}

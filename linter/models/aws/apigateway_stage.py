"""Amazon API Gateway REST API stages: the method settings that control the response cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class MethodSetting(Element):
    """The settings of one method path (`*/*` for every method) of a stage."""

    # True when responses of these methods are cached on the stage's cache cluster.
    caching_enabled: Field
    # True when cached responses are encrypted; false or absent: plaintext (the default).
    cache_data_encrypted: Field


@dataclass(frozen=True, kw_only=True)
class StageSettings(Resource):
    """A stage's method settings, declared on the stage or in a separate resource."""

    MODEL = "aws.apigateway_stage.StageSettings"
    ELEMENTS: ClassVar[dict[str, type]] = {"method_settings": MethodSetting}

    method_settings: tuple[MethodSetting, ...]

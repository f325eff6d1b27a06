"""Amazon CloudFront distributions, with their origins and cache behaviours."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, FieldState, Resource
from linter.values import Branches, Unknown

# The policy CloudFront forces on distributions that use the default certificate.
_FORCED_POLICY = "TLSv1"


@dataclass(frozen=True, kw_only=True)
class Origin(Element):
    """One origin of a distribution: the protocols CloudFront may use to fetch from it."""

    # True when the origin is reached as a custom (HTTP server) origin; S3 REST origins
    # have no custom origin settings and are always fetched over HTTPS.
    custom: Field
    # http-only, match-viewer or https-only (custom origins only).
    protocol_policy: Field
    # The protocols CloudFront may negotiate with a custom origin: SSLv3, TLSv1, TLSv1.1,
    # TLSv1.2 (a list).
    ssl_protocols: Field


@dataclass(frozen=True, kw_only=True)
class CacheBehavior(Element):
    """One cache behaviour of a distribution: whether viewers may use plain HTTP."""

    # The path pattern the behaviour serves; absent for the default behaviour.
    path_pattern: Field
    # allow-all (plain HTTP served), redirect-to-https or https-only.
    viewer_protocol_policy: Field


@dataclass(frozen=True, kw_only=True)
class Distribution(Resource):
    """A CloudFront distribution: its viewer TLS policy, origins and cache behaviours."""

    MODEL = "aws.cloudfront.Distribution"
    ELEMENTS: ClassVar[dict[str, type]] = {"origins": Origin, "cache_behaviors": CacheBehavior}

    # The viewer security policy in effect (TLSv1, TLSv1.2_2021, ...): TLSv1 whenever the
    # distribution uses the default *.cloudfront.net certificate, whatever is configured;
    # absent means the CloudFront default (tables/tls_policies.yaml cloudfront_viewer).
    viewer_minimum_protocol: Field
    origins: tuple[Origin, ...]
    # The default behaviour first, then the ordered behaviours.
    cache_behaviors: tuple[CacheBehavior, ...]


def effective_viewer_policy(default_certificate: Field, minimum_version: Field) -> Field:
    """The viewer security policy in force, from the certificate choice and the setting.

    CloudFront applies TLSv1 to every distribution on the *.cloudfront.net certificate
    and ignores minimum_protocol_version there (ViewerCertificate API reference).
    """
    if default_certificate.state is FieldState.UNKNOWN:
        return default_certificate
    uses_default = default_certificate.value
    if isinstance(uses_default, Branches):
        configured = minimum_version.value if minimum_version.is_known else \
            Unknown(minimum_version.reason)
        options = tuple(_FORCED_POLICY if option is True else configured
                        for option in uses_default.options)
        return Field(Branches(options, uses_default.labels), FieldState.SET,
                     default_certificate.attribute, default_certificate.line)
    if uses_default is True:
        return Field.derived(_FORCED_POLICY, default_certificate.attribute,
                             default_certificate.line)
    return minimum_version

"""The ingress-nginx controller's own settings, held in its ConfigMap.

Which ConfigMap the controller reads is a command-line flag (--configmap) the manifests
do not show, so a ConfigMap counts as the controller configuration when its name is one
the official manifests or Helm chart give it (`ingress-nginx-controller`,
`<release>-ingress-nginx-controller`, the older `nginx-configuration`), or when it carries
the chart's labels app.kubernetes.io/name=ingress-nginx and
app.kubernetes.io/component=controller (minus the chart's TCP/UDP port maps). The names
and labels live in tables/k8s_annotations.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ControllerConfig(Resource):
    """The ingress-nginx controller's ConfigMap: the TLS protocols and ciphers it accepts, and
    whether it redirects HTTP to HTTPS."""

    MODEL = "k8s.nginx.ControllerConfig"

    # data.ssl-protocols split into its tokens (["TLSv1.2", "TLSv1.3"], the default): the
    # protocols every TLS server of the controller accepts.
    ssl_protocols: Field
    # data.ssl-ciphers as written (an OpenSSL cipher string), absent when not set.
    ssl_ciphers: Field
    # data.ssl-redirect as a boolean: false turns off the HTTP-to-HTTPS redirect for every
    # Ingress that does not set its own annotation. Defaults to true.
    ssl_redirect: Field
    # data.force-ssl-redirect as a boolean: true redirects even Ingresses without spec.tls.
    # Defaults to false.
    force_ssl_redirect: Field

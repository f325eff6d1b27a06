"""Cloud Load Balancing HTTP front ends."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class HttpProxy(Resource):
    """A target HTTP proxy (global or regional): the plaintext front end of an
    Application Load Balancer."""

    MODEL = "gcp.load_balancing.HttpProxy"

    # True when the URL map the proxy uses answers every request with a redirect to HTTPS
    # (default_url_redirect.https_redirect = true); false when it serves content (the
    # default of https_redirect is false); UNKNOWN when the URL map is not in the scanned
    # files. Located at the proxy's url_map argument.
    https_redirect: Field

"""Client address ranges (CIDRs) that a data service admits: shared by the adapters,
models and checks that judge whether the whole internet may connect."""

from __future__ import annotations

import ipaddress
from typing import Any


def is_whole_internet(cidr: Any) -> bool:
    """True for any /0 range ("0.0.0.0/0", "::/0", "0.0.0.0/0 " written loosely)."""
    try:
        return ipaddress.ip_network(str(cidr).strip(), strict=False).prefixlen == 0
    except ValueError:
        return False

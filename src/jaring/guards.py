"""The guard every page and endpoint uses to refuse a request it may not serve.

What a role may do is decided by ``jaring.access.permissions``; this only turns a
"no" into Django's 403 with the message the officer reads.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require(allowed: bool, message) -> None:
    """Refuse with 403 and ``message`` (a text or a lazy translation) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(str(message))

"""The guard every page and endpoint uses to refuse a request it may not serve.

What a role may do is decided by ``jaring.access.permissions``; this only turns a
"no" into Django's 403 with the message the officer reads.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from jaring.formats import figures


def require(allowed: bool, message) -> None:
    """Refuse with 403 and ``message`` unless ``allowed``: a lazy translation, or a
    catalogue message (``N_``) read in the active language."""
    if not allowed:
        shown = str(message)  # a lazy translation is read now
        raise PermissionDenied(figures.text(shown))

"""What the management commands share about users."""

from __future__ import annotations

from django.core.management.base import CommandError

from jaring.accounts.models import User


def actor_from_option(username: str | None) -> User | None:
    """The user named by ``--as`` (an active one), or None: platform rights."""
    if not username:
        return None
    actor = User.objects.select_related("organization").filter(username=username).first()
    if actor is None or not actor.is_active:
        raise CommandError(f"not_found: Pengguna '{username}' tidak ditemukan atau tidak aktif.")
    return actor

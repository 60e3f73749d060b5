"""Marking texts for translation where Django may not be imported.

The pure rule modules (statuses, kinds, labels) are plain Python, so they cannot call
``gettext``. They wrap each label in ``N_``, which returns it unchanged; the project's
``makemessages`` (``web/management/commands/makemessages.py``) tells xgettext that
``N_`` marks a message, so the label lands in the catalogue. The Django side (models'
choices, template filters, views) translates the stored label with ``gettext`` /
``gettext_lazy`` where it is shown. Like ``gettext_noop``, without Django.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """``message`` itself: marks it for the catalogue, translates nothing."""
    return message

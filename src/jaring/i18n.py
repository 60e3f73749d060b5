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


# The translation of the running program. Plain Python does not know which language a
# request reads; Django installs its ``gettext`` and active language at start
# (``web/apps.py``), so a domain error raised deep in a rule module reads in the
# officer's language where it is shown. Without Django: Indonesian, untranslated.
_gettext = None
_language = None


def install(gettext, language) -> None:
    """Translate with ``gettext(message)``; ``language()`` names the active language."""
    global _gettext, _language
    _gettext, _language = gettext, language


def language() -> str:
    """The active language's code (``id``, ``en``); Indonesian without Django."""
    return _language() if _language is not None else "id"


def translated(message: str) -> tuple[str, str]:
    """``message`` in the active language, and that language's code (``id``, ``en``)."""
    if _gettext is None or _language is None:
        return message, "id"
    active = _language()
    return (_gettext(message) if message else message), active

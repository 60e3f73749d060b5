"""How the claims pages write multiples of income (4800 percent -> 48, 50 -> 0,5) and a
quote's lines and notes in the reader's language."""

from collections.abc import Mapping
from decimal import Decimal

from django import template
from django.utils.translation import gettext

from jaring.claims import benefits
from jaring.formats import active

register = template.Library()


@register.filter
def times_income(percent) -> str:
    """A percentage of income as a multiple: 4800 -> 48, 50 -> 0,5 (English 0.5)."""
    if percent in (None, ""):
        return active.number(None)
    return active.number((Decimal(int(percent)) / 100).normalize(), decimals=None)


@register.filter
def benefit_line_label(line) -> str:
    """A quote line's label in the active language, from its component (a line is a
    ``benefits.Line`` or the dict frozen on a verified claim)."""
    component = line["component"] if isinstance(line, dict) else line.component
    if component.startswith(f"{benefits.SCHOLARSHIP}_child_"):
        return gettext(benefits.CHILD_LINE) % {
            "benefit": gettext(benefits.COMPONENT_LABELS[benefits.SCHOLARSHIP]),
            "n": component.rsplit("_", 1)[1],
        }
    label = benefits.COMPONENT_LABELS.get(component) or (
        line["label"] if isinstance(line, dict) else line.label
    )
    return gettext(label)


def _shown(message: str, params: Mapping | None, text: str) -> str:
    """A quote text in the active language: its catalogue message translated, its figures
    written for the language (a string figure is a label: translated too). Without a
    message (a claim verified before quotes kept them), the text as it was frozen."""
    if not message:
        return text
    figures = {
        name: gettext(value) if isinstance(value, str) and value else value
        for name, value in (params or {}).items()
    }
    return benefits.written(gettext(message), figures, active.language())


@register.filter
def benefit_line_detail(line) -> str:
    """How a quote line was computed, in the active language (a ``benefits.Line`` or the
    dict frozen on a verified claim)."""
    if isinstance(line, dict):
        return _shown(line.get("message", ""), line.get("params"), line.get("detail", ""))
    return _shown(line.message, line.params, line.detail)


@register.filter
def benefit_notes(source) -> list[str]:
    """The notes of a quote (a ``benefits.BenefitQuote``) or of the quote frozen on a
    claim, in the active language."""
    if isinstance(source, benefits.BenefitQuote):
        return [_shown(note.message, note.params, note.text) for note in source.remarks]
    texts = list(source.quote_notes or [])
    kept = list(source.quote_note_messages or [])
    if not kept:  # verified before the notes were kept as messages: a label is still translated
        return [gettext(text) if text else text for text in texts]
    return [
        _shown(note.get("message", ""), note.get("params"), texts[i] if i < len(texts) else "")
        for i, note in enumerate(kept)
    ]

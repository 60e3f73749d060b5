"""``jaring.formats`` in the active language: what views, forms and commands call.

A request's language is the officer's choice (``ChosenLanguageMiddleware``); a management
command runs with no language activated and prints in ``LANGUAGE_CODE`` (Indonesian).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from jaring import formats


def language() -> str:
    return formats.base_language(translation.get_language() or settings.LANGUAGE_CODE)


def number(value, decimals: int | None = 0) -> str:
    return formats.number(value, language(), decimals)


def percent(value, decimals: int | None = 1) -> str:
    return formats.percent(value, language(), decimals)


def rupiah(amount) -> str:
    return formats.rupiah(amount, language())


def date(day) -> str:
    return formats.date(day, language())


def date_placeholder() -> str:
    return formats.date_placeholder(language())

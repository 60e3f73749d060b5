"""Form widgets every app's forms share."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.functional import lazy

from jaring import formats
from jaring.formats import active


class DateInput(forms.DateInput):
    """A date typed as officers write it, dd/mm/yyyy, in every language (``jaring.formats``).

    A text input, not ``<input type="date">``: a browser's date input shows the browser's
    locale (mm/dd/yyyy on an English phone), not the page's. The placeholder reads
    ``hh/bb/tttt`` (``dd/mm/yyyy`` in English), phones open the number pad, and the
    pattern takes dd/mm/yyyy or ISO yyyy-mm-dd, both of which the form reads
    (``DATE_INPUT_FORMATS`` in ``jaring/formats/locale``). A value typed as ISO comes back
    as dd/mm/yyyy when the form is shown again with an error."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": lazy(active.date_placeholder, str)(),
            "inputmode": "numeric",
            "pattern": formats.DATE_PATTERN,
            "autocomplete": "off",
        }
        super().__init__({**defaults, **(attrs or {})}, format=formats.DATE_FORMAT)

    def format_value(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = formats.parse_date(value)
            except ValueError:
                return value  # shown as typed, beside its error
        if isinstance(value, date):
            return formats.date(value)
        return super().format_value(value)

"""Form widgets every app's forms share."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """``<input type="date">`` whose value is ISO ``yyyy-mm-dd``: the only form a browser's
    date input accepts. Django would otherwise write the date in the active language's
    format ("3 Des. 2026"), which the browser drops, showing an empty field."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

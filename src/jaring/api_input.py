"""What the API accepts: bounded types for parameters and fields, and the guard that
refuses control characters, shared by every router.

A parameter typed ``int`` or ``str`` accepts anything a client can type: integers
beyond what SQLite and PostgreSQL store (a 500 from the database), a year Python's
``date`` cannot hold, a NUL byte PostgreSQL refuses in text, a malformed region
code. Routers declare their inputs with the types below instead, so a hostile or
mistaken request is a 4xx with the API's ``{"code", "message"}`` and the OpenAPI
schema states the bounds:

- integers: ``Id``, ``Cursor``, ``Limit``, ``Offset``, ``PageNumber``, ``Year``,
  ``Days``, ``Percent``, ``SmallNumber`` (out of range: 422 ``validation_error``);
  ``Months``, ``Count``, ``Rupiah``, ``Income`` are bounded in size only, their sign
  and range being domain rules the services refuse with their own codes;
- dates: ``Date`` (years 1900-2999, so date arithmetic in services never overflows);
- region codes: ``RegionCode`` and ``RegionFilter`` (blank allowed), parsed by
  ``jaring.codes`` (malformed: 422 with the reason in ``detail``);
- text: ``ControlCharacterGuard`` refuses C0/C1 control characters other than tab and
  line breaks, and lone surrogates, in the path, the query string, JSON bodies and
  form fields of every ``/api/`` request (400 ``control_character``), before any
  router sees them.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

from django.http import JsonResponse
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from jaring import codes
from jaring.formats import figures
from jaring.i18n import N_

# The largest integer both SQLite and PostgreSQL (bigint) store: every id is below it.
BIGINT_MAX = 2**63 - 1
LIMIT_MAX = 500
PAGE_MAX = 1_000_000
FIRST_YEAR, LAST_YEAR = 1900, 2999
DAYS_MAX = 36_600  # a hundred years
MONTHS_MAX = 1_200
COUNT_MAX = 1_000_000_000  # people, rows: more than Indonesia's population
RUPIAH_MAX = 10**15  # a thousand trillion rupiah: above any public budget, inside bigint
INCOME_MAX = 10**9  # a billion rupiah a month

Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
Cursor = Annotated[int, Field(ge=0, le=BIGINT_MAX, description="id after which the page starts; 0 = first")]
Limit = Annotated[int, Field(ge=1, le=LIMIT_MAX)]
Offset = Annotated[int, Field(ge=0, le=BIGINT_MAX // 2)]
PageNumber = Annotated[int, Field(ge=1, le=PAGE_MAX)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Days = Annotated[int, Field(ge=0, le=DAYS_MAX)]
Percent = Annotated[int, Field(ge=0, le=100)]
SmallNumber = Annotated[int, Field(ge=0, le=32_767)]  # fits a small integer column (stage, school year)
# Quantities whose sign and range are domain rules, refused by the services with their
# own codes (amount_not_positive, people_invalid, months_invalid, income_invalid...):
# the edge bounds only their size, so that no arithmetic or column overflows.
Months = Annotated[int, Field(ge=-MONTHS_MAX, le=MONTHS_MAX)]
Count = Annotated[int, Field(ge=-COUNT_MAX, le=COUNT_MAX)]
Rupiah = Annotated[int, Field(ge=-RUPIAH_MAX, le=RUPIAH_MAX)]
# A declared monthly income: people x months x the contribution on it stays inside bigint.
Income = Annotated[int, Field(ge=-INCOME_MAX, le=INCOME_MAX)]
Date = Annotated[date, Field(ge=date(FIRST_YEAR, 1, 1), le=date(LAST_YEAR, 12, 31))]

_CODE_FORMS = {
    "pattern": r"^[0-9]{2}([.]?[0-9]{2}([.]?[0-9]{2}([.]?[0-9]{4})?)?)?$",
    "examples": ["15", "15.04", "1504012003"],
}


def _region_code(raw: str) -> str:
    try:
        return codes.normalize(raw)
    except codes.InvalidRegionCode as exc:
        raise PydanticCustomError(exc.code, exc.message) from None


def _region_or_blank(raw: str) -> str:
    return _region_code(raw) if raw.strip() else ""


# Dotted or not on the way in (15.04 or 1504), canonical (1504) for the router.
RegionCode = Annotated[str, AfterValidator(_region_code), Field(json_schema_extra=_CODE_FORMS)]
RegionFilter = Annotated[
    str,
    AfterValidator(_region_or_blank),
    Field(json_schema_extra={**_CODE_FORMS, "pattern": f"^$|{_CODE_FORMS['pattern']}"}),
]


class ErrorOut(Schema):
    """The API's error shape (documented where an operation declares its 4xx)."""

    code: str
    message: str
    field: str | None = None
    detail: Any = None


class PageNumberPagination(NinjaPageNumberPagination):
    """Django Ninja's page-number pager with a bounded page number: the offset it
    computes stays inside what the database accepts."""

    class Input(Schema):
        page: PageNumber = 1
        page_size: Limit | None = None


# Control characters other than tab, line feed and carriage return (C0, DEL, C1),
# and lone surrogates (which no database encoding can store).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def has_control_character(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _first_bad(value: Any, name: str) -> str | None:
    """The name of the first string (key or value) in a decoded JSON document that
    holds a control character, or None."""
    if isinstance(value, str):
        return name if has_control_character(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if has_control_character(key):
                return key
            found = _first_bad(item, key)
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_bad(item, name)
            if found:
                return found
    return None


def _bad_field(request) -> str | None:
    if has_control_character(request.path_info):
        return "path"
    for key, values in request.GET.lists():
        if has_control_character(key) or any(has_control_character(v) for v in values):
            return key
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return None
    if content_type.startswith(_FORM_TYPES):
        for key, values in request.POST.lists():
            if has_control_character(key) or any(has_control_character(v) for v in values):
                return key
        for key, files in request.FILES.lists():
            if any(has_control_character(f.name or "") for f in files):
                return key
        return None
    try:
        document = json.loads(request.body) if request.body else None
    except ValueError:
        return None  # the router answers a body that is not JSON
    return _first_bad(document, "body")


class ControlCharacterGuard:
    """Refuse ``/api/`` requests with control characters anywhere in their text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            field = _bad_field(request)
            if field is not None:
                field = _CONTROL.sub("?", field)[:60]
                return JsonResponse(
                    {
                        "code": "control_character",
                        "message": figures.text(
                            N_(
                                "Teks tidak boleh berisi karakter kendali (mis. NUL): periksa isian "
                                "'%(field)s'."
                            ),
                            {"field": field},
                        ),
                        "field": field,
                    },
                    status=400,
                )
        return self.get_response(request)

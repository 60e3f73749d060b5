"""One way to write numbers, percentages, rupiah and dates (``jaring.formats``): Indonesian
``1.234.567``, ``50,3%``, ``Rp1.234.567``; English ``1,234,567``, ``50.3%``,
``Rp1,234,567``; dates dd/mm/yyyy in both."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import pytest

from jaring import formats

ID, EN = formats.INDONESIAN, formats.ENGLISH
DASH = "\u2013"


@pytest.mark.parametrize(
    ("value", "decimals", "indonesian", "english"),
    [
        (1234567, 0, "1.234.567", "1,234,567"),
        (7285, 0, "7.285", "7,285"),
        (999, 0, "999", "999"),
        (0, 0, "0", "0"),
        (-1234567, 0, "-1.234.567", "-1,234,567"),
        (10**15, 0, "1.000.000.000.000.000", "1,000,000,000,000,000"),
        (1234.5, 0, "1.235", "1,235"),  # half up
        (2.5, 0, "3", "3"),  # not banker's rounding
        (1234567.891, 2, "1.234.567,89", "1,234,567.89"),
        (0.125, 2, "0,13", "0.13"),
        (-0.04, 1, "0,0", "0.0"),  # never "-0,0"
        (Decimal("50.50"), -2, "50,5", "50.5"),  # trailing zeros dropped
        (Decimal("50.00"), -2, "50", "50"),
        (Decimal("39.50"), None, "39,50", "39.50"),  # the digits given
        ("1312370", 0, "1.312.370", "1,312,370"),
    ],
)
def test_numbers_group_thousands_and_round_half_up_in_each_language(value, decimals, indonesian, english):
    assert formats.number(value, ID, decimals) == indonesian
    assert formats.number(value, EN, decimals) == english


@pytest.mark.parametrize(
    ("value", "decimals", "indonesian", "english"),
    [
        (50.3, 1, "50,3%", "50.3%"),
        (50.25, 1, "50,3%", "50.3%"),  # half up; a float 50.25 is not 50.2499...
        (50.98, 2, "50,98%", "50.98%"),
        ("39.52", None, "39,52%", "39.52%"),  # a coverage figure keeps its two digits
        (0, 1, "0,0%", "0.0%"),
        (-4.92, 2, "-4,92%", "-4.92%"),
        (1234.5, 1, "1.234,5%", "1,234.5%"),
        (Decimal("2.5"), None, "2,5%", "2.5%"),
    ],
)
def test_percentages_in_each_language(value, decimals, indonesian, english):
    assert formats.percent(value, ID, decimals) == indonesian
    assert formats.percent(value, EN, decimals) == english


@pytest.mark.parametrize(
    ("amount", "indonesian", "english"),
    [
        (1234567, "Rp1.234.567", "Rp1,234,567"),
        (16212268800, "Rp16.212.268.800", "Rp16,212,268,800"),
        (0, "Rp0", "Rp0"),
        (-8400, "-Rp8.400", "-Rp8,400"),
        (999, "Rp999", "Rp999"),
    ],
)
def test_rupiah_in_each_language(amount, indonesian, english):
    assert formats.rupiah(amount, ID) == indonesian
    assert formats.rupiah(amount, EN) == english


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_no_value_reads_as_a_dash(blank):
    assert formats.number(blank, ID) == DASH
    assert formats.percent(blank, EN) == DASH
    assert formats.rupiah(blank, ID) == DASH
    assert formats.date(None, ID) == DASH


def test_a_regional_language_code_reads_as_its_language_and_an_unknown_one_as_indonesian():
    assert formats.number(1234567, "en-us") == "1,234,567"
    assert formats.number(1234567, "id-ID") == "1.234.567"
    assert formats.number(1234567, None) == "1.234.567"
    assert formats.number(1234567, "jv") == "1.234.567"


def test_booleans_are_not_numbers():
    with pytest.raises(TypeError):
        formats.number(True, ID)


def test_dates_read_day_first_in_both_languages():
    assert formats.date(date(2025, 12, 31), ID) == "31/12/2025"
    assert formats.date(date(2025, 1, 2), EN) == "02/01/2025"
    assert formats.date(datetime(2025, 3, 4, 15, 30), ID) == "04/03/2025"
    assert (formats.date_placeholder(ID), formats.date_placeholder(EN)) == ("hh/bb/tttt", "dd/mm/yyyy")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/12/2025", date(2025, 12, 31)),
        ("2/1/2025", date(2025, 1, 2)),  # day first: the second of January
        (" 02/01/2025 ", date(2025, 1, 2)),
        ("2025-12-31", date(2025, 12, 31)),  # ISO: links, the API, old bookmarks
    ],
)
def test_dates_are_read_day_first_or_iso(text, day):
    assert formats.parse_date(text) == day


@pytest.mark.parametrize("text", ["31/02/2025", "12/31/2025", "2025/12/31", "kemarin", "", "31-12-2025"])
def test_a_date_that_is_no_day_or_month_first_is_refused(text):
    with pytest.raises(ValueError, match="hh/bb/tttt"):
        formats.parse_date(text)


def test_the_pure_module_imports_no_django():
    code = "import sys, jaring.formats; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_old_formatters_write_what_the_module_writes():
    from jaring.claims import benefits
    from jaring.contributions import planning
    from jaring.monitoring import coverage
    from jaring.reports import tables

    assert planning.format_rupiah(-8400) == benefits.rupiah(-8400) == formats.rupiah(-8400, ID) == "-Rp8.400"
    assert coverage.format_people(1312370) == tables.thousands(1312370) == "1.312.370"
    assert tables.percent_text(50.25) == "50,3%" and tables.percent_text(None) == DASH


def test_the_template_filters_follow_the_active_language_and_fail_quietly():
    from django.template import engines
    from django.utils import translation

    page = engines["django"].from_string(
        "{{ n|number }} {{ share|percent }} {{ money|rupiah }} {{ day|day }} {{ junk|number }}"
    )
    values = {"n": 1234567, "share": 50.25, "money": -8400, "day": date(2025, 12, 31), "junk": "n/a"}
    with translation.override("id"):
        assert page.render(values) == "1.234.567 50,3% -Rp8.400 31/12/2025 n/a"
    with translation.override("en"):
        assert page.render(values) == "1,234,567 50.3% -Rp8,400 31/12/2025 n/a"

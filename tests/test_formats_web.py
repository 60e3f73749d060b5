"""Pages, forms and filters write and read figures and dates in the officer's language
(``jaring.formats``): Indonesian 50,3% and Rp1.234.567, English 50.3% and Rp1,234,567,
dates dd/mm/yyyy in both, typed as dd/mm/yyyy or ISO."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jaring.contributions.models import RateRule
from jaring.funds.services import allocation_set, transfer_post

from .coverage_files import JAMBI_AUG_2024, load
from .test_programs_services import bkbk

SENGKATI = "1504012003"


@pytest.fixture
def figures(tmp_path, demo):
    load(tmp_path, JAMBI_AUG_2024)


def _english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def money(demo):
    """A Jambi program of Rp1.000.000.000: Rp510.000.000 reached Sengkati Gedang's account
    (51,0% of the budget) and Rp503.000.000 of it was paid to BPJS (50,3%)."""
    program = bkbk(demo, budget_ceiling=1_000_000_000, quotas={})
    allocation_set(actor=None, program=program, region_code="15.04", amount=1_000_000_000)
    allocation_set(actor=None, program=program, region_code=SENGKATI, amount=1_000_000_000)
    for kind, region, amount, reference in [
        ("to_regency", "1504", 1_000_000_000, "SP2D/1"),
        ("to_village", SENGKATI, 510_000_000, "TRF/1"),
        ("to_bpjs", SENGKATI, 503_000_000, "IURAN/1"),
    ]:
        transfer_post(
            actor=None,
            program=program,
            kind=kind,
            region_code=region,
            transferred_on=date(2025, 3, 3),
            amount=amount,
            reference=reference,
        )
    return program


def _panel(html: str) -> str:
    return html[html.index('data-testid="programs-panel"') :]


@pytest.mark.parametrize("path", ["/", "/monev/"])
def test_the_programs_panel_writes_shares_and_money_in_indonesian(demo, money, path):
    panel = _panel(demo.client("jambi.viewer").get(path).content.decode())
    village = re.search(r'data-testid="panel-village-share">([^<]*)<', panel).group(1)
    assert village.strip() == "51,0%"
    assert "Rp1.000.000.000" in panel
    assert "51.0%" not in panel and "Rp1,000,000,000" not in panel


@pytest.mark.parametrize("path", ["/", "/monev/"])
def test_the_programs_panel_writes_shares_and_money_in_english(demo, money, path):
    panel = _panel(_english(demo.client("jambi.viewer")).get(path).content.decode())
    village = re.search(r'data-testid="panel-village-share">([^<]*)<', panel).group(1)
    assert village.strip() == "51.0%"
    assert "Rp1,000,000,000" in panel
    assert "51,0%" not in panel and "Rp1.000.000.000" not in panel


def test_the_coverage_dashboard_writes_people_and_percentages_in_english(figures, demo):
    html = _english(demo.client("jambi.viewer")).get("/monev/?tanggal=2024-08-12").content.decode()
    assert 'data-testid="coverage-pct">39.52%' in html
    assert "695,556" in html and "176,924" in html and "Rp35,667,878,400" in html
    assert "50.71%" in html[html.index('data-testid="coverage-ranking"') :]
    assert "39,52%" not in html and "695.556" not in html


def test_the_coverage_date_picker_reads_day_first_and_iso(figures, demo):
    client = demo.client("jambi.viewer")
    for typed in ("12/08/2024", "2024-08-12"):
        html = client.get("/monev/", {"tanggal": typed}).content.decode()
        assert 'data-testid="coverage-pct">39,52%' in html
        field = re.search(r'<input[^>]*name="tanggal"[^>]*>', html).group(0)
        assert 'value="12/08/2024"' in field and 'placeholder="hh/bb/tttt"' in field


def test_the_claims_inbox_filters_by_a_day_first_date(demo):
    html = demo.client("jambi.viewer").get("/klaim/", {"dari": "01/02/2025"}).content.decode()
    field = re.search(r'<input[^>]*name="dari"[^>]*>', html).group(0)
    assert 'value="01/02/2025"' in field


NEW_RULE = {"component": "DISCOUNT", "packages": ["JKK_JKM"], "sources": ["CSR"], "percent": "12"}


@pytest.mark.parametrize("english", [False, True])
def test_a_date_typed_day_first_is_read_as_that_day_in_either_language(demo, english):
    client = demo.client("admin")
    if english:
        _english(client)
    form = client.get("/anggaran/tarif/baru/").content.decode()
    field = re.search(r'<input[^>]*name="effective_from"[^>]*>', form).group(0)
    assert 'type="text"' in field and 'inputmode="numeric"' in field
    assert f'placeholder="{"dd/mm/yyyy" if english else "hh/bb/tttt"}"' in field
    response = client.post("/anggaran/tarif/baru/", {**NEW_RULE, "effective_from": "02/01/2034"})
    assert response.status_code == 302
    assert RateRule.objects.filter(
        component="DISCOUNT", effective_from=date(2034, 1, 2)
    ).exists()  # 2 January


def test_an_iso_date_is_still_read_and_comes_back_day_first_beside_an_error(demo):
    client = demo.client("admin")
    refused = client.post(
        "/anggaran/tarif/baru/", {**NEW_RULE, "percent": "", "effective_from": "2035-03-04"}
    )
    assert refused.status_code == 400
    field = re.search(r'<input[^>]*name="effective_from"[^>]*>', refused.content.decode()).group(0)
    assert 'value="04/03/2035"' in field
    assert (
        client.post("/anggaran/tarif/baru/", {**NEW_RULE, "effective_from": "2035-03-04"}).status_code == 302
    )
    assert RateRule.objects.filter(effective_from=date(2035, 3, 4)).exists()


def test_a_date_that_is_no_day_is_refused_with_the_field_kept(demo):
    response = demo.client("admin").post(
        "/anggaran/tarif/baru/", {**NEW_RULE, "effective_from": "31/02/2036"}
    )
    assert response.status_code == 400
    assert 'value="31/02/2036"' in response.content.decode()
    assert not RateRule.objects.filter(effective_from__year=2036).exists()

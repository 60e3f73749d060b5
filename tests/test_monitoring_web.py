"""The coverage dashboard, its map and charts, the import page and the scorecard."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from jaring.monitoring.models import CoverageFigure
from jaring.monitoring.summaries import summaries_refresh
from jaring.programs.services import agreement_create, program_create

from .coverage_files import JAMBI_AUG_2024, load

pytestmark = pytest.mark.django_db
JAMBI_REGENCIES = ["1501", "1502", "1503", "1504", "1505", "1506", "1507", "1508", "1509", "1571", "1572"]


@pytest.fixture
def figures(tmp_path, demo):
    load(tmp_path, JAMBI_AUG_2024)


def _paths(svg: str) -> dict[str, tuple[str, str | None]]:
    """code -> (colour class, link) of every regency path in the map."""
    found = {}
    for match in re.finditer(
        r'(?:<a href="([^"]*)">)?<path class="region ([\w-]+)[^"]*" data-code="(\d+)"', svg
    ):
        href, css, code = match.groups()
        found[code] = (css, href)
    return found


def test_provincial_officer_sees_the_seeds_figures_map_and_ranking(
    figures, demo, django_assert_max_num_queries
):
    client = demo.client("jambi.viewer")
    summaries_refresh()  # fresh: the page reads the kept summary and queues nothing
    # 16 for coverage, map and ranking; 11 for the programs panel (summary, money,
    # benefits, alerts) and the menu badge; 3 for the UCJ projection (rule, rates, one
    # grouped read): none of them grows with the rows.
    with django_assert_max_num_queries(16 + 11 + 3):
        page = client.get("/monev/?tanggal=2024-08-12")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="coverage-pct">39,52%' in html
    assert "695.556" in html and "176.924" in html and "Rp35.667.878.400" in html
    ranking = html[html.index('data-testid="coverage-ranking"') :]
    assert ranking.index("Kabupaten Batanghari") < ranking.index("Kota Jambi")
    assert "50,71%" in ranking
    paths = _paths(html[html.index("<svg") : html.index("</svg>")])
    assert sorted(paths) == JAMBI_REGENCIES  # one path per regency
    assert paths["1504"] == ("cov-4", "?wilayah=15.04&amp;tanggal=2024-08-12&amp;peta=cakupan")
    assert paths["1571"][0] == "cov-2"  # 38.61%
    assert paths["1501"][0] == "nodata"
    assert 'id="coverage-chart-data"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert "Kabupaten Kerinci" in html[html.index('data-testid="without-data"') :]


def test_drill_down_to_a_regency_keeps_the_province_map_and_highlights_it(figures, demo):
    html = demo.client("jambi.viewer").get("/monev/?wilayah=1504&tanggal=2024-08-12").content.decode()
    assert 'data-testid="coverage-pct">50,71%' in html
    assert 'class="region cov-4 current" data-code="1504"' in html
    assert "Belum ada wilayah di bawahnya" in html  # no district figures yet
    assert '<li class="breadcrumb-item"><a href="?wilayah=15&amp;' in html or "?wilayah=15&" in html


def test_funnel_colouring_uses_the_money_that_reached_villages(figures, demo):
    program = program_create(
        actor=None,
        code="BKBK-2024",
        name="BKBK",
        source="BKBK",
        payer=demo.org("pemprov-jambi"),
        fiscal_year=2024,
        starts_on=date(2024, 1, 1),
        coverage_months=12,
        budget_ceiling=10_000_000,
        target_region_codes=["15"],
    )
    from jaring.funds.services import allocation_set, transfer_post

    allocation_set(actor=None, program=program, region_code="1504", amount=1_000_000)
    allocation_set(actor=None, program=program, region_code="1504012003", amount=1_000_000)
    transfer_post(
        actor=None,
        program=program,
        kind="to_regency",
        region_code="1504",
        transferred_on=date(2024, 3, 1),
        amount=1_000_000,
        reference="A",
    )
    transfer_post(
        actor=None,
        program=program,
        kind="to_village",
        region_code="1504012003",
        transferred_on=date(2024, 4, 1),
        amount=700_000,
        reference="B",
    )
    html = demo.client("jambi.viewer").get("/monev/?tanggal=2024-08-12&peta=dana").content.decode()
    paths = _paths(html[html.index("<svg") : html.index("</svg>")])
    assert paths["1504"][0] == "fun-3"  # 70% reached the village accounts
    assert paths["1571"][0] == "nodata"
    assert "tahun anggaran 2024" in html
    # Money that reached the village later does not colour the map of 12 August.
    transfer_post(
        actor=None,
        program=program,
        kind="to_village",
        region_code="1504012003",
        transferred_on=date(2024, 10, 1),
        amount=300_000,
        reference="C",
    )
    html = demo.client("jambi.viewer").get("/monev/?tanggal=2024-08-12&peta=dana").content.decode()
    assert _paths(html[html.index("<svg") : html.index("</svg>")])["1504"][0] == "fun-3"


def test_a_disagreeing_province_shows_the_notice(tmp_path, demo):
    load(
        tmp_path, [["15", "2024-08-12", 518_632, 1_312_370, 53], ["15.04", "2024-08-12", 49_803, 98_206, ""]]
    )
    html = demo.client("jambi.viewer").get("/monev/?tanggal=2024-08-12").content.decode()
    assert 'data-testid="coverage-note"' in html and "angka yang diimpor dipakai" in html
    assert 'data-testid="coverage-pct">39,52%' in html


def test_empty_states(demo):
    html = demo.client("jambi.viewer").get("/monev/").content.decode()
    assert 'data-testid="coverage-empty"' in html and 'data-testid="ranking-empty"' in html
    assert "Belum ada angka untuk tren" in html
    card = demo.client("jambi.viewer").get("/monev/skor/").content.decode()
    assert 'data-testid="scorecard"' in card  # regencies are listed even without figures


def test_ranking_sorts_by_any_column(figures, demo):
    html = demo.client("jambi.viewer").get("/monev/?tanggal=2024-08-12&urut=-potensi").content.decode()
    table = html[html.index('data-testid="coverage-ranking"') :]
    assert table.index("Kota Jambi") < table.index("Kabupaten Batanghari")
    assert "urut=potensi" in table  # clicking again sorts the other way


def test_coverage_export_is_the_ranking_as_a_workbook(figures, demo):
    response = demo.client("jambi.viewer").get("/monev/cakupan.xlsx?tanggal=2024-08-12")
    rows = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[4][:3] == ["JUMLAH", "15", "Jambi"] and rows[4][6] == 39.52
    assert rows[5][:3] == [1, "15.04", "Kabupaten Batanghari"] and rows[5][4] == 49803


def test_upload_page_saves_a_good_file_and_shows_every_error_of_a_bad_one(demo):
    client = demo.client("jambi.operator")
    good = "KODE_WILAYAH,TANGGAL,PESERTA_AKTIF,POTENSI_PEKERJA\n15.04,12/08/2024,49803,98206\n"
    response = client.post("/monev/impor/", {"berkas": SimpleUploadedFile("c.csv", good.encode())})
    assert response.status_code == 302 and CoverageFigure.objects.count() == 1
    bad = "KODE_WILAYAH,TANGGAL,PESERTA_AKTIF,POTENSI_PEKERJA\n15.04,31/12/2024,-3,98206\n17,31/12/2024,1,2\n"
    response = client.post("/monev/impor/", {"berkas": SimpleUploadedFile("c.csv", bad.encode())})
    html = response.content.decode()
    assert response.status_code == 400 and "tidak ada yang disimpan" in html
    assert "Baris 2, kolom PESERTA_AKTIF" in html and "Baris 3, kolom KODE_WILAYAH" in html
    assert CoverageFigure.objects.count() == 1
    assert "c.csv" in client.get("/monev/impor/").content.decode()
    assert client.get("/monev/impor/templat.xlsx").status_code == 200


def test_scorecard_ranks_regencies_with_each_component(tmp_path, demo):
    load(
        tmp_path,
        [
            ["15", "2024-01-31", 500_000, 1_300_000, 53],
            ["15.04", "2023-08-31", 40_000, 98_206, ""],
            ["15.04", "2024-08-12", 49_803, 98_206, ""],
            ["15.71", "2024-08-12", 60_000, 200_000, ""],
        ],
    )
    program = program_create(
        actor=None,
        code="KAB-BH-2024",
        name="APBD Batanghari",
        source="APBD_KAB",
        payer=demo.org("pemkab-batanghari"),
        fiscal_year=2024,
        starts_on=date(2024, 1, 1),
        coverage_months=12,
        budget_ceiling=500_000_000,
        target_region_codes=["1504"],
    )
    agreement_create(
        actor=None,
        number="PKS/BH/2024",
        payer=demo.org("pemkab-batanghari"),
        bpjs_office=demo.org("bpjstk-kanwil-sumbagsel"),
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 12, 31),
        programs=[program],
    )
    client = demo.client("jambi.viewer")
    html = client.get("/monev/skor/?tanggal=2024-09-01&tahun=2024").content.decode()
    table = html[html.index('data-testid="scorecard"') :]
    assert table.index("Kabupaten Batanghari") < table.index("Kota Jambi")
    assert "PKS/BH/2024" in table and "Rp500.000.000" in table
    assert "kebijakan 25%, dana 25%, cakupan 25%, pertumbuhan 25%" in html
    data = client.get("/api/v1/scorecard?region=15&year=2024&date=2024-09-01").json()
    first = data["rows"][0]
    assert (first["region"], first["rank"]) == ("1504", 1)
    assert first["policy"] == {
        "score": "100.0",  # agreement in force + a budget above the gap (2,246 x Rp201,600)
        "agreements_in_force": ["PKS/BH/2024"],
        "budget_committed_rupiah": 500_000_000,
        "gap_budget_rupiah": 2_246 * 201_600,
    }
    assert first["coverage"]["coverage_pct"] == "50.71" and first["coverage"]["score"] == "95.7"
    assert first["growth"] == {"score": "99.8", "points": "9.98", "since": "2023-08-31"}  # 50.71 - 40.73
    assert first["money"]["score"] is None
    assert data["weights"] == {"policy": "25", "money": "25", "coverage": "25", "growth": "25"}
    export = client.get("/monev/skor.xlsx?provinsi=15&tahun=2024&tanggal=2024-09-01")
    rows = CalamineWorkbook.from_filelike(BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[4][1:3] == ["15.04", "Kabupaten Batanghari"]


def test_api_coverage_is_the_cli_json(figures, demo):
    client = demo.client("jambi.viewer")
    data = client.get("/api/v1/coverage?region=15&date=2024-08-12").json()
    assert data["coverage_pct"] == "39.52" and data["target_participants"] == 695_556
    assert "notes" not in data and [c["region"] for c in data["children"]] == ["1504", "1571"]
    assert client.get("/api/v1/coverage?region=17").status_code == 404
    assert demo.client("csr.viewer").get("/api/v1/coverage").json()["code"] == "region_required"


def test_breadcrumb_names_regions_above_the_jurisdiction_without_linking_them(figures, demo):
    client = demo.client("batanghari.operator")
    html = client.get("/monev/?wilayah=15.04&tanggal=2024-08-12").content.decode()
    crumbs = html[html.index('data-testid="coverage-breadcrumb"') : html.index("</ol>")]
    assert re.search(r'<li class="breadcrumb-item">Jambi</li>', crumbs)  # the province, as text
    links = re.findall(r'href="([^"]*)"', crumbs)
    assert links and not any("wilayah=15&" in link for link in links)
    for link in links:
        target = link.replace("&amp;", "&")
        assert client.get(target if target.startswith("/") else "/monev/" + target).status_code == 200
    # the province officer still climbs back to the province
    html = demo.client("jambi.viewer").get("/monev/?wilayah=15.04&tanggal=2024-08-12").content.decode()
    assert "?wilayah=15&amp;tanggal=2024-08-12" in html


def test_region_page_breadcrumb_links_only_regions_the_officer_may_open(demo):
    client = demo.client("desa.operator")  # Sengkati Gedang only
    html = client.get("/wilayah/1504012003/").content.decode()
    crumbs = html[html.index('data-testid="breadcrumb"') : html.index("</ol>")]
    assert "Jambi" in crumbs and "Batanghari" in crumbs  # named above the village
    links = re.findall(r'href="([^"]*)"', crumbs)
    assert links == ["/"]  # only home: the district, regency and province would be 404s
    assert all(client.get(link).status_code == 200 for link in links)

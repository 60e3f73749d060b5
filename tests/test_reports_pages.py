"""The monev PDF as the meeting reads it on paper, for the demo data (Jambi and one of
its regencies): every page rendered to PNG (test-artifacts/monev/), no table wider than
the page's content box and no cell's text running out of its column or broken inside a
word, "Halaman N dari M" on every page, the cover with the period and the headline
figures, the map on one page with its legend and its numbered key, and the trend chart.

The layout is read from WeasyPrint's own boxes (``monev_document``), the text and the
pictures from the PDF it writes (pypdfium2)."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from weasyprint.formatting_structure.boxes import TableBox, TableCellBox, TextBox

from jaring.monitoring import maps
from jaring.reports import charts
from jaring.reports.monev import monev_report
from jaring.reports.render import cell_text, column_widths, monev_document
from jaring.reports.tables import PERCENT2, RUPIAH, TEXT, Column, date_text, percent_text

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "monev"
PERIOD = date(2025, 10, 1)
REGIONS = {"15": "Jambi", "15.04": "Kabupaten Batanghari"}
DPI = 110
SLACK = 0.5  # CSS px: rounding in the layout


def _tables(document) -> list[tuple[int, str, TableBox, float, float]]:
    """(page number, table name, box, content left, content right) of every table laid out."""
    found = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        left, right = box.content_box_x(), box.content_box_x() + box.width
        for child in box.descendants():
            if isinstance(child, TableBox):
                name = child.element.get("data-table") if child.element is not None else None
                found.append((number, name or "tabel tanpa nama", child, left, right))
    return found


def _vocabulary(report) -> set[str]:
    """Every word a table of the report may show whole: cells, headers and the map's key."""
    texts = [c.label for t in report.tables for c in t.columns]
    texts += [
        cell_text(v, c.kind)
        for t in report.tables
        for row in t.rows
        for v, c in zip(row, t.columns, strict=True)
    ]
    texts += [k.name for k in report.map_key] + [str(k.number) for k in report.map_key]
    texts += [cell_text(k.coverage, PERCENT2) for k in report.map_key]
    return {word for text in texts for word in text.split()}


def _whole(token: str, words: set[str]) -> bool:
    """A line's token is a whole word, or a piece of one cut where a line may break
    (after a hyphen or a slash: BKBK-|JAMBI-|2025, kab/|kota)."""
    if token in words:
        return True
    for word in words:
        start = word.find(token)
        while start != -1:
            end = start + len(token)
            if (start == 0 or word[start - 1] in "-/") and (end == len(word) or token[-1] in "-/"):
                return True
            start = word.find(token, start + 1)
    return False


def _layout_problems(report, document) -> list[str]:
    words = _vocabulary(report)
    problems = []
    for page, name, table, left, right in _tables(document):
        table_left, table_right = table.position_x, table.position_x + table.margin_width()
        if table_left < left - SLACK or table_right > right + SLACK:
            problems.append(
                f"halaman {page}: tabel {name!r} {table_right - table_left:.0f}px lebar, "
                f"di luar kotak isi {left:.0f}-{right:.0f}px"
            )
        for cell in table.descendants():
            if not isinstance(cell, TableCellBox):
                continue
            cell_right = cell.position_x + cell.border_width()
            for text in cell.descendants():
                if not isinstance(text, TextBox) or not text.text.strip():
                    continue
                if text.position_x + text.width > cell_right + SLACK:
                    problems.append(f"halaman {page}: tabel {name!r}: {text.text!r} keluar dari kolomnya")
                broken = [t for t in text.text.split() if not _whole(t, words)]
                if broken:
                    problems.append(f"halaman {page}: tabel {name!r}: kata terpotong {broken}")
    return problems


def _save_pages(pdf: bytes, slug: str) -> tuple[list[str], list[Path]]:
    """Each page's text, and each page as a PNG under test-artifacts/monev/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"pages-{slug}-*.png"):
        old.unlink()
    (ARTIFACTS / f"pages-{slug}.pdf").write_bytes(pdf)
    document = pdfium.PdfDocument(pdf)
    texts, pictures = [], []
    try:
        for index in range(len(document)):
            page = document[index]
            texts.append(page.get_textpage().get_text_range())
            picture = page.render(scale=DPI / 72).to_pil()
            path = ARTIFACTS / f"pages-{slug}-{index + 1}.png"
            picture.save(path)
            assert picture.convert("L").getextrema()[0] < 128, f"{path.name} is blank"
            pictures.append(path)
    finally:
        document.close()
    return texts, pictures


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_page_of_the_monev_report_fits_is_numbered_and_saved_as_png(demo):
    from jaring.demo.seed import seed_demo

    seed_demo()
    viewer = demo.user("jambi.viewer")
    timings = []
    for code, name in REGIONS.items():
        started = time.perf_counter()
        report = monev_report(viewer, region_code=code, period=PERIOD)
        document = monev_document(report)
        pdf = document.write_pdf()
        seconds = time.perf_counter() - started
        slug = code.replace(".", "")
        texts, pictures = _save_pages(pdf, slug)
        total = len(texts)
        timings.append(f"{code} {name}: {total} halaman, {seconds:.1f} detik")
        assert total == len(document.pages) == len(pictures) >= 4, name

        assert _layout_problems(report, document) == [], name
        assert len(_tables(document)) >= len([t for t in report.tables if t.rows]) + 1  # and the key

        for number, text in enumerate(texts, start=1):
            assert f"Halaman {number} dari {total}" in _one_line(text), f"{name}, halaman {number}"

        cover = _one_line(texts[0])
        assert name in cover and "Oktober 2025" in cover and f"keadaan per {date_text(report.as_of)}" in cover
        headline = [f for f in report.figures if f.headline]
        assert {f.label for f in headline} >= {"Cakupan (UCJ)", "Target cakupan", "Pagu/alokasi program"}
        for figure in headline:
            assert figure.label in cover and cell_text(figure.value, figure.kind) in cover, figure.label

        # The map, its legend and its key on one page: the key names every regency drawn.
        (map_page,) = [i for i, text in enumerate(texts) if report.map_title in text]
        on_map_page = _one_line(texts[map_page])
        assert [label for _fill, label in report.map_legend] == [
            b.label for b in (*maps.COVERAGE.bins, maps.NO_DATA)
        ]
        for _fill, label in report.map_legend:
            assert label in on_map_page, f"legend {label!r} not beside the map"
        assert [k.number for k in report.map_key] == list(range(1, 12))  # Jambi's 11 regencies
        for key in report.map_key:
            assert key.name in on_map_page, f"{key.name} missing from the map's key"
            assert f">{key.number}</text>" in report.map_svg  # and its number drawn on it
        assert report.map_svg.count('class="map-label"') == len(report.map_key)
        batanghari = next(k for k in report.map_key if k.code == "1504")
        assert f"{batanghari.number} Kabupaten Batanghari {cell_text(batanghari.coverage, PERCENT2)}" in (
            on_map_page
        )

        # The trend: a point per month of the year up to the report's date, none after it.
        (trend,) = [t for t in report.tables if t.key == "Tren cakupan"]
        months = [row[1] for row in trend.rows]
        assert months == sorted(months) and months[-1] <= report.as_of and len(months) == 12
        assert (months[0].year, months[0].month) == (2024, 11)
        assert trend.chart_svg.count("<circle") == len(trend.rows)
        (trend_page,) = [i for i, text in enumerate(texts) if trend.title in _one_line(text)]
        assert percent_text(trend.rows[-1][4], 1) in _one_line(texts[trend_page])  # the last point's label
    (ARTIFACTS / "pages-summary.txt").write_text("\n".join(timings) + "\n")
    print("\n".join(timings))


def test_columns_are_as_wide_as_their_numbers_and_names_share_the_rest():
    columns = [Column("Wilayah"), Column("Anggaran", RUPIAH), Column("Catatan", TEXT)]
    rows = [
        [("Kabupaten Tanjung Jabung Barat", False), ("Rp23.965.200.000", True), ("singkat", False)],
        [("Kota Jambi", False), ("Rp0", True), ("catatan yang jauh lebih panjang " * 4, False)],
    ]
    widths = [float(w.rstrip("%")) for w in column_widths(columns, rows)]
    assert sum(widths) == pytest.approx(100, abs=0.05)
    # The long note takes the room left by the number, which keeps what it needs.
    assert widths[2] > widths[0] > widths[1] > 15
    alone = [float(w.rstrip("%")) for w in column_widths(columns[:2], rows)]
    assert alone[1] < alone[0]  # a name longer than a number gets more room


def test_the_trend_chart_labels_each_month_and_leaves_a_gap_without_data():
    points = [
        charts.Point(("Nov", "2024"), 43.9, 53.0),
        charts.Point(("Des",), None, 53.0),
        charts.Point(("Jan", "2025"), 42.3, 55.0),
    ]
    svg = charts.line_chart(
        points, title="Tren", series="Cakupan", reference="Target", value_text=str, axis_text=str
    )
    assert svg.count("<circle") == 2 and ">43.9<" in svg and ">42.3<" in svg
    assert ">Nov<" in svg and ">2025<" in svg and ">Cakupan<" in svg and ">Target<" in svg
    assert 'stroke-dasharray="6 4"' in svg  # the target
    assert charts.line_chart([], title="x", series="a", reference="b", value_text=str, axis_text=str) == ""
    escaped = charts.line_chart(
        [charts.Point(("<b>",), 1.0)], title='"x"', series="a", reference="b", value_text=str, axis_text=str
    )
    assert "<b>" not in escaped and "&lt;b&gt;" in escaped


def test_a_label_sits_inside_its_regency_even_a_crescent():
    # A C-shaped regency: its centroid lies in the gap, outside the shape.
    crescent = [(0, 0), (100, 0), (100, 20), (20, 20), (20, 80), (100, 80), (100, 100), (0, 100)]
    x, y = maps.label_point([crescent])
    assert 0 < x < 20 and 0 < y < 100  # in the C's back, not in its gap
    square = [(0, 0), (10, 0), (10, 10), (0, 10)]
    assert maps.label_point([square, [(50, 50), (51, 50), (51, 51)]]) == pytest.approx((5, 5), abs=0.6)
    projected = maps.project(
        [
            {
                "properties": {"code": "1501", "name": "A"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[101, -2], [102, -2], [102, -1], [101, -1]]],
                },
            }
        ]
    )
    default = maps.Paint("nodata", "#dee2e6", "")
    plain = maps.render_svg(projected, {}, title="Peta", default=default)
    labelled = maps.render_svg(projected, {}, title="Peta", default=default, labels={"1501": "<1>"})
    assert "map-label" not in plain  # the dashboard's map is drawn as before
    assert labelled.count('class="map-label"') == 1 and "&lt;1&gt;" in labelled

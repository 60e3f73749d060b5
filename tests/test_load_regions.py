import csv
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from jaring.audit.models import AuditEvent
from jaring.regions.models import Region
from jaring.regions.services import read_region_rows, regions_load


def _load_json(*args) -> dict:
    out = StringIO()
    call_command("load_regions", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_full_load_has_every_official_region_and_a_second_run_changes_nothing():
    first = _load_json()
    assert (first["provinces"], first["regencies"], first["districts"], first["villages"]) == (
        38,
        514,
        7285,
        83762,
    )
    second = _load_json()
    assert second["created"] == 0
    assert second["updated"] == 0
    assert second["unchanged"] == 38 + 514 + 7285 + 83762
    assert Region.objects.count() == 91599


@pytest.mark.django_db
def test_loaded_regions_carry_type_parent_and_counts():
    jambi = Region.objects.get(code="15")
    assert (jambi.name, jambi.level, jambi.district_count, jambi.village_count) == (
        "Jambi",
        "province",
        144,
        1585,
    )
    batanghari = Region.objects.get(code="1504")
    assert batanghari.kind == "kabupaten"
    assert batanghari.parent_id == "15"
    assert Region.objects.get(code="1571").kind == "kota"
    assert Region.objects.get(code="1504011001").kind == "kelurahan"
    village = Region.objects.get(code="1504012003")
    assert (village.name, village.kind, village.parent_id) == ("Sengkati Gedang", "desa", "150401")
    bengkulu = Region.objects.get(code="17")
    assert (bengkulu.district_count, bengkulu.village_count) == (129, 1513)


def _write_edition(directory, rows_by_file):
    directory.mkdir()
    for name, rows in rows_by_file.items():
        with open(directory / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["code", "parent_code", "name", "type"])
            writer.writerows(rows)


@pytest.mark.django_db
def test_a_later_edition_applies_renames_and_new_villages_as_updates(tmp_path):
    edition = {
        "provinces.csv": [["15", "", "Jambi", ""]],
        "regencies.csv": [["1504", "15", "Kabupaten Batanghari", "kabupaten"]],
        "districts.csv": [["150401", "1504", "Mersam", ""]],
        "villages.csv": [
            ["1504012003", "150401", "Sengkati Gedang Baru", "desa"],  # renamed
            ["1504012099", "150401", "Desa Pemekaran", "desa"],  # new
        ],
    }
    _write_edition(tmp_path / "v2", edition)
    before = Region.objects.count()
    result = _load_json("--source", str(tmp_path / "v2"))
    assert result["created"] == 1
    # the renamed village, plus the counts of its district, regency and province
    assert result["updated"] == 4
    assert Region.objects.count() == before + 1
    assert Region.objects.get(code="1504012003").name == "Sengkati Gedang Baru"
    assert Region.objects.get(code="1504012099").parent_id == "150401"
    assert Region.objects.filter(code="1504012003").count() == 1
    again = _load_json("--source", str(tmp_path / "v2"))
    assert (again["created"], again["updated"]) == (0, 0)


@pytest.mark.django_db
def test_a_load_that_changes_something_is_audited_and_one_that_does_not_is_not():
    loads = AuditEvent.objects.filter(action="regions.load")
    before = loads.count()
    regions_load(provinces={"15"})
    assert loads.count() == before
    regions_load(provinces={"11"})
    assert loads.count() == before + 1
    event = loads.first()
    assert event.changes["created"][1] == Region.objects.filter(code__startswith="11").count()


def test_bundled_edition_reads_without_shared_data():
    rows = read_region_rows()
    assert len(rows) == 91599
    assert rows[0].code == "11"


@pytest.mark.django_db
def test_orphan_rows_are_refused_before_anything_is_written(tmp_path):
    _write_edition(
        tmp_path / "bad",
        {
            "provinces.csv": [["15", "", "Jambi", ""]],
            "regencies.csv": [],
            "districts.csv": [],
            "villages.csv": [["1599012001", "159901", "Desa Tanpa Induk", "desa"]],
        },
    )
    before = Region.objects.count()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="region_orphan"):
        call_command("load_regions", "--source", str(tmp_path / "bad"))
    assert Region.objects.count() == before


@pytest.mark.django_db
def test_the_summary_is_printed_with_indonesian_thousands_or_in_the_language_set():
    out = StringIO()
    call_command("load_regions", stdout=out)
    text = out.getvalue()
    assert "38 provinsi, 514 kabupaten/kota, 7.285 kecamatan, 83.762 desa/kelurahan." in text
    assert re.search(r"\d\.\d{3} dibuat, 0 diperbarui, \d+\.\d{3} tidak berubah \(\d+,\d detik\)", text)
    assert "7,285" not in text
    again = StringIO()
    with translation.override("en"):
        call_command("load_regions", stdout=again)
    assert "7,285 kecamatan, 83,762 desa/kelurahan." in again.getvalue()
    assert "Tidak ada perubahan: 91,599 wilayah sudah mutakhir" in again.getvalue()

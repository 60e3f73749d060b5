"""Who should be protected and is not: the candidates of the DTSEN edition in force,
in the officer's jurisdiction, of working age, alive, desil 1-4, not protected on the
date; poorest first, working vulnerable people first within a decile, then the longest
listed (targeting/rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.billing.services import death_record
from jaring.programs.models import Enrolment
from jaring.programs.services import enrolment_end
from jaring.targeting.imports import import_dtsen
from jaring.targeting.selectors import candidates, targeting_counts

from . import claims_world as w
from .test_targeting_import import GOOD, HEADER

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 30)
AHMAD, SITI, RIZKI, NURHAYATI, BUJANG, MAIMUNAH = (row.split(",")[0] for row in GOOD)


def _edition(demo, tmp_path, rows, *, edition="2025-03", username="jambi.operator"):
    path = tmp_path / f"{username}-{edition}.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return import_dtsen(actor=demo.user(username), path=path, edition=edition, today=ON).saved


def _niks(user, on=ON, **kwargs) -> list[str]:
    return list(candidates(user, on, **kwargs).values_list("nik", flat=True))


def test_candidates_are_poorest_first_working_first_then_in_the_extracts_order(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    # Nurhayati (75) is past the age range; Rizki turned 15 in January 2025.
    assert _niks(demo.user("jambi.operator")) == [AHMAD, SITI, RIZKI, BUJANG, MAIMUNAH]
    assert _niks(demo.user("jambi.operator"), on=date(2024, 12, 31)) == []  # no edition yet then
    counts = targeting_counts(demo.user("jambi.operator"), ON)
    assert (counts.candidates, counts.already_protected) == (5, 0)


def test_within_a_decile_whoever_has_been_listed_longest_comes_first(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    newcomer = "1504012007900009,Juned,20/07/1990,L,1504012003,KK-0009,3,nelayan,bekerja"
    _edition(demo, tmp_path, [newcomer, *GOOD], edition="2025-05")  # first in the file, newest on the list
    assert _niks(demo.user("jambi.operator"))[-3:] == [BUJANG, MAIMUNAH, "1504012007900009"]


def test_a_protected_person_is_counted_as_such_and_a_dead_one_not_at_all(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    program = w.program(demo.org("pemprov-jambi"))
    ahmad, siti = w.person(1), w.person(2, nik=SITI, birth_date=date(1987, 6, 15), sex="P")
    bujang = w.person(5, nik=BUJANG, birth_date=date(1980, 5, 5))
    w.enrol(program, [ahmad, bujang])
    # Bujang's months are paid to December; his enrolment ended in May: still protected in June.
    w.pay(program, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-DTSEN")
    enrolment_end(
        actor=None,
        enrolment=Enrolment.objects.get(participant=bujang),
        ends_on=date(2025, 5, 31),
        reason="pindah",
    )
    death_record(actor=None, participant=siti, died_on=date(2025, 4, 2), reason="meninggal")
    officer = demo.user("jambi.operator")
    assert _niks(officer) == [RIZKI, MAIMUNAH]
    counts = targeting_counts(officer, ON)
    assert (counts.candidates, counts.already_protected) == (2, 2)
    # On 31 March Siti was alive (a candidate); Ahmad and Bujang were enrolled from January.
    assert _niks(officer, on=date(2025, 3, 31)) == [SITI, RIZKI, MAIMUNAH]


def test_each_officer_sees_only_the_candidates_of_their_jurisdiction(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    assert len(_niks(demo.user("batanghari.operator"))) == 5
    assert _niks(demo.user("kotajambi.operator")) == []
    assert _niks(demo.user("bengkulu.admin")) == []
    assert _niks(demo.user("jambi.operator"), region="15.04.01") == _niks(demo.user("jambi.operator"))
    assert _niks(demo.user("jambi.operator"), region="15.71") == []


def test_a_regency_edition_newer_than_the_provinces_is_in_force_in_its_villages(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    _edition(demo, tmp_path, GOOD[:2], edition="2025-05", username="batanghari.operator")
    assert _niks(demo.user("jambi.operator")) == [AHMAD, SITI]
    assert _niks(demo.user("jambi.operator"), on=date(2025, 4, 30)) == [AHMAD, SITI, RIZKI, BUJANG, MAIMUNAH]


def _active_list(demo, tmp_path, rows, *, listed_on=date(2025, 6, 1), username="jambi.operator"):
    from jaring.targeting.imports import import_bpjs_active

    path = tmp_path / f"aktif-{listed_on}.csv"
    path.write_text("\n".join(["NIK,TANGGAL_AKTIF", *rows]) + "\n", encoding="utf-8")
    return import_bpjs_active(actor=demo.user(username), path=path, listed_on=listed_on, today=ON)


def test_people_bpjs_lists_as_active_are_not_proposed_again_from_the_lists_date(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    listed = _active_list(
        demo, tmp_path, [f"{AHMAD},15/05/2025", f"{BUJANG},2025-06-15"], listed_on=date(2025, 6, 20)
    )
    assert listed.saved is not None and listed.saved.people == 2
    officer = demo.user("jambi.operator")
    assert _niks(officer) == [SITI, RIZKI, MAIMUNAH]
    counts = targeting_counts(officer, ON)
    assert (counts.candidates, counts.already_protected) == (3, 2)
    # A figure is true as of its date: before the list was dated, it did not count.
    assert _niks(officer, on=date(2025, 6, 10)) == [AHMAD, SITI, RIZKI, BUJANG, MAIMUNAH]


@pytest.mark.parametrize(
    ("row", "column", "code"),
    [
        ("12345,01/05/2025", "NIK", "nik_length"),
        ("1504011203850001,", "TANGGAL_AKTIF", "required"),
        ("1504011203850001,02/06/2025", "TANGGAL_AKTIF", "active_after_list"),
        ("1504015506870002,01/05/2025", "NIK", "nik_twice"),
    ],
)
def test_a_bad_row_of_the_active_list_saves_nothing(demo, tmp_path, row, column, code):
    from jaring.targeting.models import BpjsActiveList, BpjsActivePerson

    result = _active_list(demo, tmp_path, ["1504015506870002,01/05/2025", row])
    assert result.saved is None and result.rejected == 1
    (error,) = result.errors
    assert (error.row, error.column, error.code) == (3, column, code)
    assert not BpjsActiveList.objects.exists() and not BpjsActivePerson.objects.exists()


def test_the_active_list_command_prints_json(demo, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "aktif.csv"
    path.write_text(f"NIK,TANGGAL_AKTIF\n{AHMAD},01/05/2025\n", encoding="utf-8")
    out = StringIO()
    call_command(
        "import_bpjs_active",
        str(path),
        "--date",
        "2025-06-01",
        "--json",
        "--as",
        "jambi.operator",
        stdout=out,
    )
    answer = json.loads(out.getvalue())
    assert answer == {
        "date": "2025-06-01",
        "rows": 1,
        "accepted": 1,
        "rejected": 0,
        "errors": [],
        "saved": True,
    }

"""The DTSEN edition and BPJS active-list pages: an operator uploads an extract through the
browser and it is saved whole, or refused whole with every bad row named by row, column
and fix; only operators and admins upload; everyone reads the editions of their
jurisdiction (kept for a region inside it or containing it) with the people who left the
list, their NIKs masked for the roles that see NIKs masked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from jaring.audit.models import AuditEvent
from jaring.targeting.imports import import_bpjs_active, import_dtsen
from jaring.targeting.models import BpjsActiveList, BpjsActivePerson, DtsenEdition, DtsenLeaver, DtsenPerson

from .access import CASES, client_for, matrix_user
from .test_form_labels import unlabelled
from .test_targeting_import import GOOD, HEADER

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BUJANG, BUJANG_MASKED = "1504010505800005", "1504********0005"
EDITORS = {"admin", "operator"}
# Kinds whose jurisdiction lies inside the province of Jambi (15) or contains it.
SEES_JAMBI = {"province", "regency", "village", "bpjs_branch", "bpjs_regional", "donor"}
# Kinds whose jurisdiction holds Sengkati Gedang (15.04.01.2003), where the leaver lived.
HOLDS_THE_VILLAGE = {"province", "regency", "village", "bpjs_regional", "donor"}
BAD = [
    "1504010909900007,Tono,09/09/1990,L,1504012003,KK-0003,0,petani,bekerja",  # row 8: desil 0
    "1504014909900008,Tini,09/09/1990,P,1504012003,KK-0003,11,petani,bekerja",  # row 9: desil 11
    "1704010909900009,Tomo,09/09/1990,L,1704012001,KK-0004,2,petani,bekerja",  # row 10: Bengkulu
    GOOD[0],  # row 11: Ahmad Yani again
]


def _csv(rows, header=HEADER, name="dtsen.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode(), content_type="text/csv")


def _upload(client, rows, *, edition="2025-03", name="dtsen.csv"):
    return client.post("/sasaran/dtsen/impor/", {"file": _csv(rows, name=name), "edition": edition})


def _edition(demo, tmp_path, rows, *, edition="2025-03", username="jambi.operator"):
    path = tmp_path / f"dtsen-{edition}.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return import_dtsen(actor=demo.user(username), path=path, edition=edition).saved


def _errors(page) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in page.context["errors"]]


def test_a_good_extract_uploaded_is_saved_whole_and_shown_with_its_counts(demo):
    answer = _upload(demo.client("jambi.operator"), GOOD, name="dtsen-jambi.csv")
    edition = DtsenEdition.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/sasaran/dtsen/{edition.pk}/"
    assert (edition.scope_code, edition.people, edition.file_name) == ("15", 6, "dtsen-jambi.csv")
    assert DtsenPerson.objects.filter(edition=edition).count() == 6
    assert AuditEvent.objects.filter(action="dtsen.import", target_id=str(edition.pk)).exists()
    page = demo.client("jambi.operator").get(answer["Location"])
    assert page.status_code == 200
    assert b'data-testid="edition-people">6<' in page.content
    listed = demo.client("jambi.operator").get("/sasaran/dtsen/")
    assert b"2025-03" in listed.content and "Jambi" in listed.content.decode()


def test_a_bad_extract_is_refused_whole_naming_each_row_column_and_fix(demo):
    answer = _upload(demo.client("jambi.operator"), [*GOOD, *BAD])
    assert answer.status_code == 400
    result = answer.context["result"]
    assert (result.rows, result.accepted, result.rejected) == (10, 6, 4)
    errors = _errors(answer)
    assert [(row, column) for row, column, _message in errors] == [
        (8, "DESIL"),
        (9, "DESIL"),
        (10, "KODE_DESA"),
        (11, "NIK"),
    ]
    messages = dict(((row, column), message) for row, column, message in errors)
    assert "harus angka 1 sampai 10" in messages[(8, "DESIL")]  # the fix: what to write
    assert "'11'" in messages[(9, "DESIL")]
    assert "di luar wilayah kerja Anda" in messages[(10, "KODE_DESA")]
    assert "baris 2" in messages[(11, "NIK")]  # where the NIK was first
    shown = answer.content.decode()
    assert 'data-testid="import-errors"' in shown and 'data-testid="count-rejected">4<' in shown
    assert not DtsenEdition.objects.exists() and not DtsenPerson.objects.exists()
    assert not AuditEvent.objects.filter(action="dtsen.import").exists()


def test_a_nik_in_a_row_error_is_masked_for_a_role_that_sees_nik_masked(demo):
    province = _upload(demo.client("jambi.operator"), [*GOOD, GOOD[0]])  # a province sees NIKs masked
    (message,) = [m for _r, _c, m in _errors(province)]
    assert "1504011203850001" not in message and "1504********0001" in message
    regency = _upload(demo.client("batanghari.operator"), [*GOOD, GOOD[0]])
    (message,) = [m for _r, _c, m in _errors(regency)]
    assert "1504011203850001" in message


@pytest.mark.parametrize(
    ("edition", "words"),
    [
        ("03/2025", "tidak sah"),
        ("2025-13", "tidak sah"),
        (f"{TODAY + timedelta(days=40):%Y-%m}", "belum terbit"),
    ],
)
def test_a_wrong_edition_month_is_shown_under_its_field(demo, edition, words):
    answer = _upload(demo.client("jambi.operator"), GOOD, edition=edition)
    assert answer.status_code == 400
    assert any(words in e for e in answer.context["form"].errors["edition"])
    assert not DtsenEdition.objects.exists()


def test_an_edition_not_newer_than_the_saved_one_is_refused_on_the_page(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    answer = _upload(demo.client("jambi.operator"), GOOD, edition="2025-03")
    assert answer.status_code == 400
    assert "2025-03 sudah tersimpan" in " ".join(answer.context["form"].errors["edition"])
    assert DtsenEdition.objects.count() == 1


def test_a_file_without_the_columns_is_refused_above_the_form(demo):
    answer = demo.client("jambi.operator").post(
        "/sasaran/dtsen/impor/",
        {"file": _csv(["1504011203850001,Ahmad"], header="NIK,NAMA"), "edition": "2025-03"},
    )
    assert answer.status_code == 400
    assert "Baris judul tidak sesuai" in " ".join(answer.context["form"].non_field_errors())
    answer = demo.client("jambi.operator").post("/sasaran/dtsen/impor/", {"edition": "2025-03"})
    assert answer.status_code == 400 and answer.context["form"].errors["file"]
    assert not DtsenEdition.objects.exists()


def test_a_newer_edition_lists_who_left_paginated(demo, tmp_path, settings):
    _edition(demo, tmp_path, GOOD)
    newer = _edition(demo, tmp_path, GOOD[:4] + GOOD[5:], edition="2025-06")
    page = demo.client("batanghari.operator").get(f"/sasaran/dtsen/{newer.pk}/")
    assert page.status_code == 200
    assert [leaver.nik for leaver, _nik in page.context["rows"]] == [BUJANG]
    assert BUJANG.encode() in page.content  # a regency operator sees NIKs whole
    assert b"2025-03" in page.content  # the edition before
    masked = demo.client("jambi.viewer").get(f"/sasaran/dtsen/{newer.pk}/")
    assert BUJANG.encode() not in masked.content and BUJANG_MASKED.encode() in masked.content
    assert masked.context["page"].paginator.per_page == 50


def test_the_list_is_newest_first_and_reads_a_constant_number_of_queries(
    demo, tmp_path, django_assert_max_num_queries
):
    for month in ("2024-09", "2024-12", "2025-03"):
        _edition(demo, tmp_path, GOOD, edition=month)
    client = demo.client("jambi.viewer")
    with django_assert_max_num_queries(11):
        page = client.get("/sasaran/dtsen/")
    assert [e.label for e, _scope in page.context["rows"]] == ["2025-03", "2024-12", "2024-09"]
    assert [e.previous.label if e.previous else None for e, _scope in page.context["rows"]] == [
        "2024-12",
        "2024-09",
        None,
    ]


def test_an_empty_list_explains_dtsen_and_how_to_upload(demo):
    operator = demo.client("jambi.operator").get("/sasaran/dtsen/")
    text = operator.content.decode()
    assert 'data-testid="editions-empty"' in text and "Data Tunggal Sosial dan Ekonomi Nasional" in text
    assert 'href="/sasaran/dtsen/impor/"' in text
    viewer = demo.client("jambi.viewer").get("/sasaran/dtsen/").content.decode()
    assert 'data-testid="editions-empty"' in viewer and 'href="/sasaran/dtsen/impor/"' not in viewer


def test_the_demo_edition_of_jambi_is_shown(demo):
    from jaring.demo.dtsen import edition_month, seed_dtsen

    seed_dtsen()
    page = demo.client("batanghari.operator").get("/sasaran/dtsen/")
    (edition, scope), *_ = page.context["rows"]
    assert (edition.scope_code, edition.edition) == ("15", edition_month()) and edition.people > 0
    assert "Jambi" in scope
    assert demo.client("batanghari.operator").get(f"/sasaran/dtsen/{edition.pk}/").status_code == 200


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_every_role_reads_the_editions_of_its_jurisdiction_and_only_editors_upload(
    demo, tmp_path, kind, role
):
    province = _edition(demo, tmp_path, GOOD)
    newer = _edition(demo, tmp_path, GOOD[:4] + GOOD[5:], edition="2025-06")
    regency = _edition(demo, tmp_path, GOOD, username="batanghari.operator")
    bengkulu = DtsenEdition.objects.create(
        edition=province.edition, scope_code="17", file_name="b.csv", file_sha256="0" * 64
    )
    client = client_for(matrix_user(kind, role))

    listed = client.get("/sasaran/dtsen/")
    assert listed.status_code == 200
    seen = {e.pk for e, _scope in listed.context["rows"]}
    assert (province.pk in seen) == (kind in SEES_JAMBI), kind
    assert (regency.pk in seen) == (kind in HOLDS_THE_VILLAGE), kind
    assert (bengkulu.pk in seen) == (kind == "bpjs_regional"), kind  # the regional office covers 15-19

    detail = client.get(f"/sasaran/dtsen/{newer.pk}/")
    assert detail.status_code == (200 if kind in SEES_JAMBI else 404)
    if detail.status_code == 200:
        leavers = [leaver.nik for leaver, _nik in detail.context["rows"]]
        assert leavers == ([BUJANG] if kind in HOLDS_THE_VILLAGE else []), kind

    form = client.get("/sasaran/dtsen/impor/")
    posted = _upload(client, GOOD, edition="2025-09")
    if role in EDITORS:
        assert form.status_code == 200 and posted.status_code in (302, 400)
    else:
        assert form.status_code == 403 and posted.status_code == 403
        assert DtsenEdition.objects.count() == 4


# -- BPJS's active lists ---------------------------------------------------------------------

ACTIVE_HEADER = "NIK,TANGGAL_AKTIF"
ACTIVE = ["1504011203850001,02/01/2025", "1504010505800005,2025-03-01"]


def _active(client, rows, *, date="", header=ACTIVE_HEADER):
    return client.post(
        "/sasaran/aktif-bpjs/impor/", {"file": _csv(rows, header=header, name="aktif.csv"), "date": date}
    )


def test_a_good_active_list_uploaded_with_its_date_is_saved(demo):
    answer = _active(demo.client("batanghari.operator"), ACTIVE, date="30/06/2025")
    assert answer.status_code == 302 and answer["Location"] == "/sasaran/aktif-bpjs/"
    saved = BpjsActiveList.objects.get()
    assert (saved.scope_code, saved.people, f"{saved.listed_on:%Y-%m-%d}") == ("1504", 2, "2025-06-30")
    page = demo.client("batanghari.operator").get(answer["Location"])
    assert [x.pk for x, _scope in page.context["rows"]] == [saved.pk]
    assert "30/06/2025" in page.content.decode()


def test_an_active_list_without_a_date_is_of_today(demo):
    assert _active(demo.client("batanghari.operator"), ACTIVE).status_code == 302
    assert BpjsActiveList.objects.get().listed_on == TODAY


def test_a_bad_active_list_is_refused_whole_naming_each_row_and_column(demo):
    rows = [*ACTIVE, "1504010505800005,01/04/2025", "1504014202500004,01/07/2025"]
    answer = _active(demo.client("batanghari.operator"), rows, date="30/06/2025")
    assert answer.status_code == 400
    assert [(row, column) for row, column, _m in _errors(answer)] == [(4, "NIK"), (5, "TANGGAL_AKTIF")]
    assert "sesudah tanggal daftar 30/06/2025" in _errors(answer)[1][2]
    assert not BpjsActiveList.objects.exists() and not BpjsActivePerson.objects.exists()


def test_an_active_list_dated_in_the_future_is_refused_under_the_date(demo):
    answer = _active(demo.client("batanghari.operator"), ACTIVE, date=f"{TODAY + timedelta(days=2):%d/%m/%Y}")
    assert answer.status_code == 400 and answer.context["form"].errors["date"]
    assert not BpjsActiveList.objects.exists()


@pytest.mark.parametrize(("kind", "role"), CASES)
def test_every_role_reads_the_active_lists_of_its_jurisdiction_and_only_editors_upload(
    demo, tmp_path, kind, role
):
    path = tmp_path / "aktif.csv"
    path.write_text("\n".join([ACTIVE_HEADER, *ACTIVE]) + "\n", encoding="utf-8")
    regency = import_bpjs_active(actor=demo.user("batanghari.operator"), path=path).saved
    client = client_for(matrix_user(kind, role))
    listed = client.get("/sasaran/aktif-bpjs/")
    assert listed.status_code == 200
    seen = [x.pk for x, _scope in listed.context["rows"]]
    assert seen == ([regency.pk] if kind in HOLDS_THE_VILLAGE else []), kind
    form = client.get("/sasaran/aktif-bpjs/impor/")
    posted = _active(client, ACTIVE)
    if role in EDITORS:
        assert form.status_code == 200 and posted.status_code in (302, 400)
    else:
        assert form.status_code == 403 and posted.status_code == 403
        assert BpjsActiveList.objects.count() == 1


@pytest.mark.parametrize("url", ["/sasaran/dtsen/impor/", "/sasaran/aktif-bpjs/impor/"])
def test_every_input_of_the_upload_pages_has_a_visible_label(demo, url):
    assert unlabelled(demo.client("jambi.operator"), url) == []


def test_the_pages_link_to_each_other_from_the_targeting_tabs(demo):
    page = demo.client("jambi.viewer").get("/sasaran/aktif-bpjs/").content.decode()
    assert 'href="/sasaran/dtsen/"' in page and 'href="/sasaran/usulan/"' in page


# -- PostgreSQL, the real HTTP stack, committed data ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the live stack runs on PostgreSQL")
def test_an_extract_uploaded_over_http_is_committed_and_a_bad_one_is_not_on_postgresql(tmp_path):
    from .live_stack import Officer, csrf_of, live_stack

    count = (
        "from jaring.targeting.models import DtsenEdition as E, DtsenPerson as P; "
        "print(E.objects.count(), P.objects.count(), E.objects.filter(people=6).count())"
    )
    with live_stack(tmp_path) as stack:

        def committed() -> list[str]:  # the shell's last line (it first names what it imported)
            return stack.jaring_ok("shell", "-c", count).strip().splitlines()[-1].split()

        province = Officer(stack, "jambi.operator")
        province.log_in()
        bad = "\n".join([HEADER, *GOOD, *BAD]) + "\n"
        form = province.page("/sasaran/dtsen/impor/")
        refused = province.browser.post(
            province.url("/sasaran/dtsen/impor/"),
            data={"csrfmiddlewaretoken": csrf_of(form.text), "edition": "2025-03"},
            files={"file": ("dtsen.csv", bad.encode(), "text/csv")},
            headers={"Referer": province.url("/sasaran/dtsen/impor/")},
            timeout=60,
        )
        assert refused.status_code == 400
        assert re.search(r"<td>10</td><td class=\"code\">KODE_DESA</td>", refused.text)
        assert committed() == ["0", "0", "0"]

        good = "\n".join([HEADER, *GOOD]) + "\n"
        shown = province.submit(
            "/sasaran/dtsen/impor/",
            {"edition": "2025-03"},
            files={"file": ("dtsen.csv", good.encode(), "text/csv")},
        )
        assert 'data-testid="edition-people">6<' in shown.text
        assert committed() == ["1", "6", "1"]

        regency = Officer(stack, "batanghari.operator")
        regency.log_in()
        listed = regency.page("/sasaran/dtsen/")
        assert "2025-03" in listed.text and "jambi" in listed.text.lower()


def test_leavers_of_another_regency_are_not_listed(demo, tmp_path):
    _edition(demo, tmp_path, GOOD)
    newer = _edition(demo, tmp_path, GOOD[:4] + GOOD[5:], edition="2025-06")
    page = demo.client("kotajambi.operator").get(f"/sasaran/dtsen/{newer.pk}/")
    assert page.status_code == 200 and page.context["rows"] == []
    assert DtsenLeaver.objects.filter(edition=newer).count() == 1


def test_the_targeting_menu_leads_to_the_editions_and_the_active_lists(demo):
    """Sasaran in the menu opens the proposal page, whose tabs lead here."""
    page = demo.client("desa.operator").get("/sasaran/usulan/").content.decode()
    assert 'href="/sasaran/dtsen/"' in page and 'href="/sasaran/aktif-bpjs/"' in page

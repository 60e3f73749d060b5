"""Every input an officer fills in has a visible label: a ``<label for=...>`` naming it
or a label wrapped around it. ``aria-label`` alone counts only for a control that has no
room for a visible label (a checkbox in a table row, a reply field in a list row)."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest

from jaring.accounts.services import user_create
from jaring.claims import services as claims
from jaring.claims.models import Claim

from . import claims_world as w

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Controls inside a table row: a visible label per row would repeat the column header.
ROW_CONTROLS = {"participants", "s", "acknowledgement", "pertahankan"}


class Controls(HTMLParser):
    """The form controls of a page and the labels that name them."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in CONTROLS and attributes.get("type", "") not in UNLABELLED_TYPES:
            self.controls.append({**attributes, "tag": tag, "wrapped": self.open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"<{c['tag']} name={c.get('name')!r} id={c.get('id')!r}>"
            for c in self.controls
            if not c["wrapped"]
            and c.get("id") not in self.label_for
            and not (c.get("name") in ROW_CONTROLS and c.get("aria-label"))
            and "data-check-all" not in c
        ]


def unlabelled(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = Controls()
    parser.feed(response.content.decode())
    assert parser.controls, f"{url} has no form control to check"
    return parser.unlabelled()


def test_the_parser_finds_a_control_with_only_an_aria_label():
    parser = Controls()
    parser.feed(
        '<label for="a">A</label><input id="a" name="a">'
        '<label>B <select name="b"></select></label>'
        '<input name="c" aria-label="C"><input type="hidden" name="d">'
    )
    assert parser.unlabelled() == ["<input name='c' id=None>"]


@pytest.fixture
def world(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    prog = w.program(demo.org("pemprov-jambi"))
    farmer = w.person(1)
    w.enrol(prog, [farmer])
    bill, _payment = w.pay(prog, date(2025, 1, 1), 12, paid_on=date(2025, 1, 10), reference="IURAN-L")
    claim = claims.claim_report(
        actor=None,
        participant=farmer,
        kind="jkm",
        event_date=date(2025, 6, 14),
        event_place="Rumah",
        description="Sakit.",
        reported_on=date(2025, 6, 16),
        heirs=[w.heir()],
        documents=w.required_documents("jkm"),
    )
    return {"program": prog, "bill": bill, "claim": claim}


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("jambi.operator", "/klaim/"),
        ("jambi.operator", "/klaim/laporan/"),
        ("jambi.operator", "/program/{program}/"),
        ("jambi.operator", "/program/{program}/pilih-peserta/"),
        ("jambi.operator", "/program/"),
        ("jambi.operator", "/peserta/"),
        ("desa.operator", "/peserta/"),
        ("jambi.operator", "/dana/"),
        ("jambi.operator", "/dana/transfer/"),
        ("jambi.operator", "/dana/transfer/baru/"),
        ("jambi.operator", "/dana/alokasi/{program}/"),
        ("jambi.operator", "/iuran/"),
        ("jambi.operator", "/iuran/tagihan/{bill}/"),
        ("jambi.operator", "/iuran/pembayaran/"),
        ("jambi.operator", "/iuran/perlindungan/"),
        ("jambi.operator", "/iuran/peringatan/"),
        ("jambi.operator", "/peringatan/"),
        ("jambi.operator", "/wilayah/"),
        ("auditor", "/audit/"),
        ("batanghari.operator", "/monev/"),
        ("jambi.operator", "/monev/impor/"),
        ("jambi.viewer", "/monev/skor/"),
        ("jambi.operator", "/anggaran/"),
        ("jambi.operator", "/peserta/impor/"),
        ("jambi.operator", "/program/baru/"),
        ("jambi.operator", "/pks/baru/"),
        ("jambi.operator", "/iuran/tagihan/baru/"),
        ("jambi.operator", "/iuran/pembayaran/baru/"),
        ("jambi.operator", "/iuran/pembayaran/impor/"),
        ("jambi.operator", "/anggaran/skenario/baru/"),
        ("jambi.operator", "/anggaran/pekerja-rentan/"),
        ("admin", "/organisasi/baru/"),
        ("jambi.operator", "/akun/"),
    ],
)
def test_every_input_of_the_page_has_a_visible_label(world, demo, username, url):
    page = url.format(program=world["program"].pk, bill=world["bill"].pk)
    assert unlabelled(demo.client(username), page) == []


def test_the_claim_forms_have_visible_labels(world, demo):
    claim = world["claim"]
    village = demo.client("desa.operator")
    assert unlabelled(village, f"/klaim/{claim.pk}/") == []
    assert unlabelled(village, "/klaim/baru/") == []
    claims.claim_documents_complete(actor=demo.user("desa.operator"), claim=claim, on=date(2025, 6, 17))
    officer = user_create(
        actor=None,
        organization=demo.org("bpjstk-kanwil-sumbagsel"),
        username="bpjs.klaim",
        password="Labels-Web-2026!",
        role="operator",
    )
    claims.claim_verify(actor=officer, claim=Claim.objects.get(), on=date(2025, 6, 20))
    bpjs = demo.client("bpjs.klaim")
    assert unlabelled(bpjs, f"/klaim/{claim.pk}/bayar/") == []

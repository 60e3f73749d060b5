"""From a DTSEN extract to enrolled people over HTTP, on PostgreSQL, with committed data
(``tests/live_stack.py``): the province sets up a program and imports an edition with
the command line, the regency opens the proposal of a village, enrols the ticked people
in one action, and a refusal changes nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.utils import timezone

from .live_stack import Officer, csrf_of, live_stack
from .test_targeting_import import GOOD, HEADER

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the live stack runs on PostgreSQL"),
]

TODAY = timezone.localdate()
CODE = f"BKBK-DTSEN-{TODAY.year}"
VILLAGE = "1504012003"
_TICKED = re.compile(r'name="orang" value="(\d+)" checked')
_BOX = re.compile(r'name="orang" value="(\d+)"')


def _proposal(stack) -> dict:
    return json.loads(stack.jaring_ok("targeting", "--program", CODE, "--region", VILLAGE, "--json"))


def test_a_regency_enrols_a_villages_proposal_over_http(tmp_path):
    with live_stack(tmp_path) as stack:
        province, regency = Officer(stack, "jambi.operator"), Officer(stack, "batanghari.operator")
        province.log_in()
        province.create_token_on_account_page()
        made = province.post(
            "/programs",
            {
                "code": CODE,
                "name": "BKBK dari DTSEN (uji)",
                "source": "BKBK",
                "payer": "pemprov-jambi",
                "fiscal_year": TODAY.year,
                "starts_on": f"{TODAY.year}-01-01",
                "coverage_months": 12,
                "budget_ceiling": 1_000_000_000,
                "target_regions": ["15.04"],
                "quotas": {"miskin_ekstrem": 1, "pekerja_rentan": 1},
            },
        )
        extract = tmp_path / "dtsen.csv"
        extract.write_text("\n".join([HEADER, *GOOD]) + "\n", encoding="utf-8")
        stack.jaring_ok(
            "import_dtsen", str(extract), "--edition", f"{TODAY.year}-01", "--as", "jambi.operator"
        )
        assert (_proposal(stack)["candidates"], _proposal(stack)["proposed"]) == (5, 2)

        regency.log_in()
        page = f"/sasaran/usulan/?program={made['id']}&wilayah={VILLAGE}"
        shown = regency.page(page).text
        ticked, boxes = _TICKED.findall(shown), _BOX.findall(shown)
        assert len(ticked) == 2 and len(boxes) == 5  # Ahmad (extreme poor) and Bujang (fisherman)
        action = re.search(r'action="(/sasaran/usulan/\d+/daftarkan/[^"]*)"', shown).group(1)
        after = regency.submit(page, {"orang": ticked}, action=action)
        assert "2 orang didaftarkan" in after.text
        assert (_proposal(stack)["already_protected"], _proposal(stack)["proposed"]) == (2, 0)

        # The village's places are taken: one more person is refused by name, nothing saved.
        siti = _BOX.findall(after.text)[:1]
        answer = regency.browser.post(
            regency.url(action),
            data={"csrfmiddlewaretoken": csrf_of(after.text), "orang": siti},
            headers={"Referer": regency.url(page)},
            timeout=60,
        )
        assert answer.status_code == 200 and "proposal-refusals" in answer.text and "penuh" in answer.text
        assert _proposal(stack)["already_protected"] == 2

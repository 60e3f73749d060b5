"""A village operator's daily jobs are one tap from the home page, and each answers."""

import re

import pytest

TASKS = {
    "register": "/peserta/impor/",
    "lapsing": "/iuran/peringatan/?jenis=berakhir",
    "received": "/dana/transfer/baru/?jenis=to_village",
    "paid": "/dana/transfer/baru/?jenis=to_bpjs",
    "death": "/klaim/baru/",
}


def _task_links(html: str) -> dict[str, str]:
    block = re.search(r'data-testid="daily-tasks">(.*?)</section>', html, re.S)
    assert block is not None, "the home page has no daily tasks block"
    return dict(
        (key, href.replace("&amp;", "&"))
        for href, key in re.findall(r'href="([^"]+)" data-testid="task-([a-z]+)"', block.group(1))
    )


def test_village_operator_reaches_each_daily_job_from_home(demo):
    client = demo.client("desa.operator")
    home = client.get("/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Tugas harian" in html
    links = _task_links(html)
    assert links == TASKS
    for key, href in links.items():
        response = client.get(href)
        assert response.status_code == 200, f"{key}: {href} answered {response.status_code}"


@pytest.mark.parametrize(("task", "kind"), [("received", "to_village"), ("paid", "to_bpjs")])
def test_the_money_jobs_open_the_form_on_their_kind_and_the_village(demo, task, kind):
    form = demo.client("desa.operator").get(TASKS[task]).context["form"]
    assert form["kind"].value() == kind
    assert form["region"].value() == "15.04.01.2003"  # Sengkati Gedang records its own money


def test_an_officer_above_the_village_chooses_the_region_and_kind_itself(demo):
    form = demo.client("batanghari.operator").get("/dana/transfer/baru/").context["form"]
    assert form["region"].value() in (None, "") and form["kind"].value() in (None, "")


def test_the_lapse_job_lists_whose_payment_ends_soon(demo):
    html = demo.client("desa.operator").get(TASKS["lapsing"]).content.decode()
    assert "Masa bayar berakhir dalam 30 hari" in html


@pytest.mark.parametrize("username", ["jambi.operator", "batanghari.operator", "csr.viewer", "admin"])
def test_others_see_no_village_task_block(demo, username):
    html = demo.client(username).get("/").content.decode()
    assert 'data-testid="daily-tasks"' not in html

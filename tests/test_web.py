import re

import pytest
from django.test import Client

from jaring.accounts.models import Organization
from jaring.audit.models import AuditEvent
from jaring.monitoring.summaries import summaries_refresh


def test_village_operator_lands_on_their_village_with_breadcrumb(demo):
    html = demo.client("desa.operator").get("/").content.decode()
    breadcrumb = re.search(r'data-testid="breadcrumb">(.*?)</ol>', html, re.S).group(1)
    for name in ("Jambi", "Kabupaten Batanghari", "Mersam", "Sengkati Gedang"):
        assert name in breadcrumb
    assert "Desa/kelurahan adalah tingkat wilayah terendah" in html


def test_province_officer_sees_its_regencies_with_district_and_village_counts(
    demo, django_assert_max_num_queries
):
    client = demo.client("jambi.viewer")
    summaries_refresh()  # fresh: the page reads the kept summary and queues nothing
    # 12 for the page and its regions; 10 for the programs panel (summary, money,
    # benefits, alerts) and the menu's alert badge: none grows with the rows.
    with django_assert_max_num_queries(12 + 10):
        html = client.get("/").content.decode()
    table = re.search(r'data-testid="region-children">(.*?)</table>', html, re.S).group(1)
    assert table.count("<tr>") == 1 + 11  # header + 9 regencies and 2 cities
    row = re.search(r"15\.04</td>.*?</tr>", table, re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == ["8", "124"]  # Batanghari per Kepmendagri 2025: 8 kecamatan, 124 desa/kelurahan
    assert "Kabupaten Bengkulu" not in html


def test_region_pages_accept_dotted_codes_and_drill_down(demo):
    client = demo.client("jambi.viewer")
    regency = client.get("/wilayah/15.04/")
    assert regency.status_code == 200
    assert "Mersam" in regency.content.decode()
    district = client.get("/wilayah/150401/").content.decode()
    assert "Sengkati Gedang" in district
    assert 'href="/wilayah/1504/"' in district  # breadcrumb link up


def test_region_page_query_count_does_not_grow_with_children(demo, django_assert_max_num_queries):
    client = demo.client("jambi.viewer")
    with django_assert_max_num_queries(12):
        client.get("/wilayah/15/")
    with django_assert_max_num_queries(12):
        client.get("/wilayah/150401/")


def test_region_children_sort_by_name(demo):
    html = demo.client("jambi.viewer").get("/wilayah/15/?urut=nama").content.decode()
    names = re.findall(r'<td><a href="/wilayah/\d+/">([^<]+)</a>', html)
    assert names == sorted(names)


@pytest.mark.parametrize("query", ["Sengkati Gedang", "15.04.01.2003", "1504012003", "sengkati gedang"])
def test_find_a_region_by_name_or_code(demo, query):
    html = demo.client("jambi.viewer").get("/wilayah/", {"q": query}).content.decode()
    assert 'href="/wilayah/1504012003/"' in html


def test_search_explains_an_empty_result(demo):
    html = demo.client("desa.operator").get("/wilayah/", {"q": "Kota Jambi"}).content.decode()
    assert "Tidak ada wilayah" in html


def test_language_can_be_switched_to_english(demo):
    client = demo.client("jambi.viewer")
    assert "Keluar" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Log out" in html
    assert 'lang="en"' in html


def test_admin_creates_an_organization_and_a_user_from_the_web(demo):
    client = demo.client("jambi.admin")
    bad = client.post(
        "/organisasi/baru/",
        {"code": "desa-x", "name": "Desa X", "kind": "village", "regions": "15.04.01.9999"},
    )
    assert bad.status_code == 200
    assert "15.04.01.9999 tidak terdaftar" in bad.content.decode()
    assert not Organization.objects.filter(code="desa-x").exists()
    ok = client.post(
        "/organisasi/baru/",
        {
            "code": "desa-x",
            "name": "Desa Sengkati Kecil",
            "kind": "village",
            "regions": "15.04.01.2002",
        },
    )
    org = Organization.objects.get(code="desa-x")
    assert ok["Location"] == f"/organisasi/{org.pk}/"
    created = client.post(
        f"/organisasi/{org.pk}/pengguna/baru/",
        {
            "username": "op.kecil",
            "role": "operator",
            "password1": "Desa-Kecil-2026",
            "password2": "Desa-Kecil-2026",
        },
    )
    assert created.status_code == 302
    assert org.users.get().username == "op.kecil"
    assert AuditEvent.objects.filter(action="user.create", actor_username="jambi.admin").exists()


def test_province_admin_may_not_offer_bpjs_kinds(demo):
    html = demo.client("jambi.admin").get("/organisasi/baru/").content.decode()
    assert 'value="village"' in html
    assert 'value="bpjs_branch"' not in html


def test_user_form_shows_service_errors_on_the_field(demo):
    client = demo.client("jambi.admin")
    org = demo.org("pemprov-jambi")
    response = client.post(
        f"/organisasi/{org.pk}/pengguna/baru/",
        {
            "username": "x1",
            "role": "operator",
            "can_audit": "on",
            "password1": "Desa-Kecil-2026",
            "password2": "Desa-Kecil-2026",
        },
    )
    assert "hanya untuk peran pemantau" in response.content.decode()


def test_account_page_shows_a_new_token_once(demo):
    client = demo.client("jambi.viewer")
    response = client.post("/akun/", {"tok-name": "sinkron"})
    html = response.content.decode()
    token = re.search(r"(jrg_[A-Za-z0-9_\-]+)", html).group(1)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert token not in client.get("/akun/").content.decode()


def test_user_can_change_own_password(demo):
    client = demo.client("jambi.viewer")
    client.post(
        "/akun/",
        {
            "pw-old_password": demo.password,
            "pw-password1": "Baru-Sekali-2026",
            "pw-password2": "Baru-Sekali-2026",
        },
    )
    assert demo.user("jambi.viewer").check_password("Baru-Sekali-2026")
    assert client.get("/").status_code == 200  # still logged in


def test_anonymous_home_redirects_to_login():
    assert Client().get("/")["Location"].startswith("/masuk/")


def test_indonesian_is_the_default_even_for_an_english_browser(demo):
    client = demo.client("jambi.viewer")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in html
    assert "Keluar" in html


def test_count_columns_are_plural_in_english(demo):
    client = demo.client("jambi.viewer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<th class="num">Districts</th>' in html


def test_mismatched_passwords_are_refused_on_the_second_field(demo):
    client = demo.client("jambi.admin")
    org = demo.org("pemprov-jambi")
    response = client.post(
        f"/organisasi/{org.pk}/pengguna/baru/",
        {
            "username": "x2",
            "role": "operator",
            "password1": "Desa-Kecil-2026",
            "password2": "Desa-Kecil-2027",
        },
    )
    assert "Kedua kata sandi tidak sama" in response.content.decode()
    assert not org.users.filter(username="x2").exists()


def test_admin_resets_a_users_password_from_the_web(demo):
    target = demo.user("jambi.viewer")
    response = demo.client("jambi.admin").post(
        f"/pengguna/{target.pk}/kata-sandi/",
        {"pw-password1": "Reset-Oleh-Admin-1", "pw-password2": "Reset-Oleh-Admin-1"},
    )
    assert response.status_code == 302
    assert demo.user("jambi.viewer").check_password("Reset-Oleh-Admin-1")


def test_every_date_input_of_every_form_shows_and_reads_day_first():
    """Every date field of every app's forms shows its date as dd/mm/yyyy in either
    language (a text input with the hh/bb/tttt placeholder: a browser's own date input
    would follow the browser's locale), reads dd/mm/yyyy first in either language (so
    02/01/2026 is 2 January in English too) and still reads ISO yyyy-mm-dd."""
    import importlib
    import inspect
    from datetime import date
    from pathlib import Path

    from django import forms
    from django.utils import translation

    import jaring
    from jaring.widgets import DateInput

    checked = []
    for module_file in sorted(Path(jaring.__file__).parent.glob("*/forms.py")):
        module = importlib.import_module(f"jaring.{module_file.parent.name}.forms")
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if not isinstance(field, forms.DateField):
                    continue
                where = (module.__name__, name, field_name)
                assert isinstance(field.widget, DateInput), where
                for language, placeholder in (("id", "hh/bb/tttt"), ("en", "dd/mm/yyyy")):
                    with translation.override(language):
                        html = field.widget.render(field_name, date(2026, 12, 3))
                        assert 'value="03/12/2026"' in html and 'type="text"' in html, (*where, html)
                        assert f'placeholder="{placeholder}"' in html, (*where, html)
                        assert field.clean("02/01/2026") == date(2026, 1, 2), where
                        assert field.clean("2026-01-02") == date(2026, 1, 2), where
                checked.append((name, field_name))
    assert ("ReverseForm", "on") in checked and len(checked) > 20

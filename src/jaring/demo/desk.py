"""Work on the officers' desks: what a newcomer finds half done and can open.

- Two budget scenarios of the Jambi province for next year's BKBK (75 people in every
  village and ward, for 12 months and for 6), saved by ``jambi.operator``: the planning
  page lists them and compares them side by side.
- A participant list uploaded by the Sengkati Gedang operator (``desa.operator``): the
  village's officials (perangkat desa), to be covered from the village fund; five
  accepted, two rows refused with their reasons (a NIK one digit short, a birth date in
  the future), so the import history and its rejected-rows workbook show what an
  officer meets.

Through the services (so audited). Idempotent: a scenario is saved once by name, the
list is imported once by its file name.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from django.utils import timezone

from jaring.accounts.models import User
from jaring.contributions import planning
from jaring.contributions.models import BudgetScenario
from jaring.contributions.services import scenario_create
from jaring.contributions.vocab import FundingSource, Package
from jaring.registry.imports import import_participants
from jaring.registry.models import ImportRun

PLANNER = "jambi.operator"
VILLAGE_OPERATOR = "desa.operator"
IMPORT_FILE = "warga-baru-sengkati-gedang.csv"
VILLAGE = "1504012003"  # Sengkati Gedang, Mersam, Batanghari

# The file as the operator uploaded it. NIK: district 15.04.01, birth day (+40 for
# women), month, year, serial 07xx (the demo's people use 0001-0099 and 0999), so the
# first five are new to the registry; Mardiana's NIK is one digit short and Herman's
# birth year is a typo (2091 for 1991).
UPLOADED = f"""NIK,NAMA,TANGGAL_LAHIR,JENIS_KELAMIN,KODE_DESA,ALAMAT,NO_HP,PEKERJAAN,KATEGORI
1504011203850701,Arif Rahman,12/03/1985,L,{VILLAGE},RT 003 Dusun II,081266650101,perangkat_desa,perangkat_desa
1504014707900702,Salmah,07/07/1990,P,{VILLAGE},RT 005 Dusun I,081266650102,perangkat_desa,perangkat_desa
1504012501780703,Usman Efendi,25/01/1978,L,{VILLAGE},RT 001 Dusun III,,perangkat_desa,perangkat_desa
1504016111820704,Rohani,21/11/1982,P,{VILLAGE},RT 002 Dusun IV,081266650104,perangkat_desa,perangkat_desa
1504010306950705,Zulkifli,03/06/1995,L,{VILLAGE},RT 004 Dusun II,081266650105,perangkat_desa,perangkat_desa
15040148098,Mardiana,08/09/1988,P,{VILLAGE},RT 006 Dusun I,,petani,pekerja_rentan
1504011505910707,Herman,15/05/2091,L,{VILLAGE},RT 002 Dusun III,,nelayan,pekerja_rentan
"""


def seed_desk() -> None:
    _scenarios()
    _village_import()


def _scenarios() -> None:
    actor = User.objects.get(username=PLANNER)
    year = timezone.localdate().year + 1
    for months in (12, 6):
        name = f"BKBK {year} Provinsi Jambi: 75 orang per desa, {months} bulan"
        if BudgetScenario.objects.filter(name=name).exists():
            continue
        scenario_create(
            actor=actor,
            name=name,
            region_code="15",
            year=year,
            kind=planning.PER_VILLAGE,
            per_village=75,
            package=Package.JKK_JKM,
            source=FundingSource.BKBK,
            months=months,
            rate_date=date(year, 1, 1),
        )


def _village_import() -> None:
    if ImportRun.objects.filter(file_name=IMPORT_FILE).exists():
        return
    actor = User.objects.get(username=VILLAGE_OPERATOR)
    with tempfile.TemporaryDirectory(prefix="jaring-demo-") as work:
        path = Path(work) / IMPORT_FILE
        path.write_text(UPLOADED, encoding="utf-8")
        import_participants(actor=actor, path=path, file_name=IMPORT_FILE)

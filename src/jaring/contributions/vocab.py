"""The contributions' vocabularies: funding sources (DOMAIN.md s.6), contribution
packages and the components of a monthly contribution.

Only Django's ``TextChoices`` and lazy translation are imported (no ORM, no
settings), so any app may import these, the programs app included. The pure
``rates`` module uses the same values as plain strings.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class FundingSource(TextChoices):
    APBD_PROV = "APBD_PROV", _("APBD provinsi")
    APBD_KAB = "APBD_KAB", _("APBD kabupaten/kota")
    BKBK = "BKBK", _("Bantuan Keuangan Bersifat Khusus (BKBK)")
    DBH_SAWIT = "DBH_SAWIT", _("DBH sawit")
    APBDES = "APBDES", _("APBDes (dana desa/ADD)")
    CSR = "CSR", _("CSR/donatur")


# Money of a regional government budget (APBD). PP 50/2025 excludes participants paid
# from APBN/APBD from its discount; the seeded discount rules list the other sources.
APBD_SOURCES = frozenset(
    {FundingSource.APBD_PROV, FundingSource.APBD_KAB, FundingSource.BKBK, FundingSource.DBH_SAWIT}
)


class Package(TextChoices):
    JKK_JKM = "JKK_JKM", _("JKK + JKM")
    JKK_JKM_JHT = "JKK_JKM_JHT", _("JKK + JKM + JHT")


class Component(TextChoices):
    JKK = "JKK", _("JKK (kecelakaan kerja)")
    JKM = "JKM", _("JKM (kematian)")
    JHT = "JHT", _("JHT (hari tua)")
    DISCOUNT = "DISCOUNT", _("Diskon JKK + JKM")

"""Seed the BPU contribution rules of DOMAIN.md s.4, so a freshly migrated database
can plan and bill.

- JKK 1% of declared income, JKM Rp6,800 a month (PP 44/2015); JHT 2% of declared
  income, only in the JKK + JKM + JHT package (PP 46/2015).
- PP 50/2025: 50% off JKK + JKM for transport workers (ojek) January 2026 - March 2027
  and for every other non-wage earner April - December 2026, except participants paid
  from APBN/APBD: the discount rules list the only non-APBD payers, APBDES and CSR.

The occupation codes are written out as they are today (registry.vocab.Occupation);
an occupation added later is not discounted until an admin adds it to a rule.
"""

from datetime import date

from django.db import migrations

BOTH = ["JKK_JKM", "JKK_JKM_JHT"]
NON_APBD = ["APBDES", "CSR"]
OTHER_BPU = [
    "buruh_harian",
    "ketua_rt_rw",
    "lainnya",
    "marbot_guru_ngaji",
    "nelayan",
    "pedagang",
    "pekebun",
    "perangkat_desa",
    "petani",
]
RULES = [
    {
        "component": "JKK",
        "packages": BOTH,
        "rate_bp": 100,
        "effective_from": date(2015, 7, 1),
        "basis": "PP 44/2015",
    },
    {
        "component": "JKM",
        "packages": BOTH,
        "amount_rupiah": 6_800,
        "effective_from": date(2015, 7, 1),
        "basis": "PP 44/2015",
    },
    {
        "component": "JHT",
        "packages": ["JKK_JKM_JHT"],
        "rate_bp": 200,
        "effective_from": date(2015, 7, 1),
        "basis": "PP 46/2015",
    },
    {
        "component": "DISCOUNT",
        "packages": BOTH,
        "sources": NON_APBD,
        "occupations": ["ojek_pengemudi"],
        "rate_bp": 5_000,
        "effective_from": date(2026, 1, 1),
        "effective_to": date(2027, 3, 31),
        "basis": "PP 50/2025 (pekerja transportasi)",
    },
    {
        "component": "DISCOUNT",
        "packages": BOTH,
        "sources": NON_APBD,
        "occupations": OTHER_BPU,
        "rate_bp": 5_000,
        "effective_from": date(2026, 4, 1),
        "effective_to": date(2026, 12, 31),
        "basis": "PP 50/2025 (BPU lainnya)",
    },
]


def seed(apps, schema_editor):
    RateRule = apps.get_model("contributions", "RateRule")
    for rule in RULES:
        RateRule.objects.get_or_create(
            component=rule["component"],
            effective_from=rule["effective_from"],
            basis=rule["basis"],
            defaults=rule,
        )


def unseed(apps, schema_editor):
    RateRule = apps.get_model("contributions", "RateRule")
    for rule in RULES:
        RateRule.objects.filter(
            component=rule["component"], effective_from=rule["effective_from"], basis=rule["basis"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("contributions", "0001_rate_rules_worker_counts_scenarios")]

    operations = [migrations.RunPython(seed, unseed)]

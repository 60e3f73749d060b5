"""Seed the benefit rules of DOMAIN.md s.5, so a freshly migrated database can quote.

The figures are those of PP 82/2019 (amending PP 44/2015), in force from its
promulgation on 2 December 2019 (our reading: DOMAIN.md gives the figures, not the
date; an admin ends these rules and adds new ones when a regulation changes them):

- JKM (death not caused by work): Rp20,000,000 lump sum + Rp12,000,000 periodic
  benefit (24 months, paid at once) + Rp10,000,000 funeral = Rp42,000,000, no
  waiting period; a scholarship after at least 3 years (36 months) of paid membership.
- JKK death: 48 x declared income, at least the JKM lump sum (Rp20,000,000), + the
  Rp12,000,000 periodic benefit + Rp10,000,000 funeral; a scholarship with no minimum.
- JKK total permanent disability: 56 x declared income; a scholarship with no minimum.
- JKK partial disability: percentage x 80 x declared income.
- JKK temporary incapacity: 100% of declared income for months 1-12, then 50%.
- Scholarship: up to 2 children, at most Rp174,000,000 in total, per child per year:
  TK Rp1,500,000 (2 years), SD Rp1,500,000 (6), SMP Rp2,000,000 (3), SMA Rp3,000,000 (3),
  S1 or training Rp12,000,000 (5): 87,000,000 per child, 174,000,000 for two.
"""

from datetime import date

from django.db import migrations

PP_82_2019 = date(2019, 12, 2)
BASIS = "PP 82/2019"
SCHOLARSHIP = {
    "component": "scholarship",
    "calculation": "scholarship",
    "amount_rupiah": 174_000_000,
    "max_children": 2,
}
RULES = [
    {"kind": "jkm", "component": "lump_sum", "calculation": "fixed", "amount_rupiah": 20_000_000},
    {"kind": "jkm", "component": "periodic", "calculation": "fixed", "amount_rupiah": 12_000_000},
    {"kind": "jkm", "component": "funeral", "calculation": "fixed", "amount_rupiah": 10_000_000},
    {"kind": "jkm", **SCHOLARSHIP, "min_membership_months": 36},
    {
        "kind": "jkk_death",
        "component": "death_benefit",
        "calculation": "income_multiple",
        "income_percent": 4_800,
        "minimum_rupiah": 20_000_000,
    },
    {"kind": "jkk_death", "component": "periodic", "calculation": "fixed", "amount_rupiah": 12_000_000},
    {"kind": "jkk_death", "component": "funeral", "calculation": "fixed", "amount_rupiah": 10_000_000},
    {"kind": "jkk_death", **SCHOLARSHIP, "min_membership_months": 0},
    {
        "kind": "jkk_total_disability",
        "component": "disability",
        "calculation": "income_multiple",
        "income_percent": 5_600,
    },
    {"kind": "jkk_total_disability", **SCHOLARSHIP, "min_membership_months": 0},
    {
        "kind": "jkk_partial_disability",
        "component": "disability",
        "calculation": "disability_scaled",
        "income_percent": 8_000,
    },
    {
        "kind": "jkk_injury",
        "component": "temporary_incapacity",
        "calculation": "per_month",
        "income_percent": 100,
        "months_from": 1,
        "months_to": 12,
    },
    {
        "kind": "jkk_injury",
        "component": "temporary_incapacity_reduced",
        "calculation": "per_month",
        "income_percent": 50,
        "months_from": 13,
    },
]
LEVELS = [
    {"level": "TK", "order": 1, "annual_rupiah": 1_500_000, "years": 2},
    {"level": "SD", "order": 2, "annual_rupiah": 1_500_000, "years": 6},
    {"level": "SMP", "order": 3, "annual_rupiah": 2_000_000, "years": 3},
    {"level": "SMA", "order": 4, "annual_rupiah": 3_000_000, "years": 3},
    {"level": "S1", "order": 5, "annual_rupiah": 12_000_000, "years": 5},
]


def seed(apps, schema_editor):
    BenefitRule = apps.get_model("claims", "BenefitRule")
    ScholarshipLevel = apps.get_model("claims", "ScholarshipLevel")
    for rule in RULES:
        BenefitRule.objects.get_or_create(
            kind=rule["kind"],
            component=rule["component"],
            effective_from=PP_82_2019,
            defaults={**rule, "basis": BASIS},
        )
    for level in LEVELS:
        ScholarshipLevel.objects.get_or_create(
            level=level["level"], effective_from=PP_82_2019, defaults={**level, "basis": BASIS}
        )


def unseed(apps, schema_editor):
    apps.get_model("claims", "BenefitRule").objects.filter(effective_from=PP_82_2019, basis=BASIS).delete()
    apps.get_model("claims", "ScholarshipLevel").objects.filter(
        effective_from=PP_82_2019, basis=BASIS
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_benefit_rules_and_claims")]

    operations = [migrations.RunPython(seed, unseed)]

"""PP 50/2025 discounts every BPU occupation from April to December 2026 (DOMAIN.md s.4),
so a quote for an unknown occupation in those months is the discounted one. Migration
0002 listed the occupations of the day instead, which left every quote without an
occupation (the budget calculator, scenarios, a person whose occupation code is not in
today's vocabulary) at the full Rp16,800.

The discount rules become ``DISCOUNTS``, which give every occupation 0002 listed the same
50% on the same days as before, and every other occupation (or none) the 50% from April
to December 2026:

- transport workers, 1 January - 31 March 2026: the seeded transport rule, ended on
  31 March (from April the rule for every occupation covers them too);
- every BPU occupation, 1 April - 31 December 2026: the seeded rule of the other
  occupations, its list emptied (an empty list is every occupation, known or not). It is
  corrected in place rather than ended and replaced: a rule cannot end before it begins,
  and no figure it gave changes; saved scenarios and bills keep their frozen amounts;
- transport workers, 1 January - 31 March 2027: a new rule, the rest of their period.

Like 0002, the migration is the record of the change (no audit rows: the platform
itself, at installation). A table whose discount rules are no longer the two 0002 seeded
(an admin has changed or added one) is left as it is: the admin adjusts it under
Anggaran > Tarif iuran.
"""

import importlib
from datetime import date

from django.db import migrations

SEED = importlib.import_module("jaring.contributions.migrations.0002_seed_bpu_contribution_rates")
TRANSPORT_BASIS = "PP 50/2025 (pekerja transportasi)"
EVERY_BPU_BASIS = "PP 50/2025 (semua BPU)"
FIELDS = (
    "component",
    "packages",
    "sources",
    "occupations",
    "rate_bp",
    "amount_rupiah",
    "effective_from",
    "effective_to",
    "basis",
)


def _discount(occupations: list[str], starts: date, ends: date, basis: str) -> dict:
    return {
        "component": "DISCOUNT",
        "packages": SEED.BOTH,
        "sources": SEED.NON_APBD,
        "occupations": occupations,
        "rate_bp": 5_000,
        "amount_rupiah": None,
        "effective_from": starts,
        "effective_to": ends,
        "basis": basis,
    }


SEEDED = [{"amount_rupiah": None, **r} for r in SEED.RULES if r["component"] == "DISCOUNT"]
DISCOUNTS = [
    _discount(["ojek_pengemudi"], date(2026, 1, 1), date(2026, 3, 31), TRANSPORT_BASIS),
    _discount([], date(2026, 4, 1), date(2026, 12, 31), EVERY_BPU_BASIS),
    _discount(["ojek_pengemudi"], date(2027, 1, 1), date(2027, 3, 31), TRANSPORT_BASIS),
]


def _plain(value):
    if isinstance(value, list):
        return sorted(value)
    return value.isoformat() if isinstance(value, date) else value


def _key(values) -> tuple:
    """A rule's values, hashable: equal for the same rule as a row or as a dict."""
    return tuple((name, str(_plain(values(name)))) for name in FIELDS)


def _matching(rows, wanted: list[dict]) -> list | None:
    """The rows in the order of ``wanted`` when they are exactly those rules, else None."""
    by_key = {_key(lambda name, row=row: getattr(row, name)): row for row in rows}
    found = [by_key.get(_key(rule.get)) for rule in wanted]
    return found if len(rows) == len(wanted) and all(found) else None


def _make_like(apps, before: list[dict | None], after: list[dict | None]) -> None:
    """Turn the discount rules ``before`` into ``after``, pair by pair (None: no rule)."""
    RateRule = apps.get_model("contributions", "RateRule")
    rows = _matching(list(RateRule.objects.filter(component="DISCOUNT")), [r for r in before if r])
    if rows is None:
        return
    rows = iter(rows)
    for old, new in zip(before, after, strict=True):
        row = next(rows) if old is not None else RateRule()
        if new is None:
            row.delete()
            continue
        for name, value in new.items():
            setattr(row, name, value)
        row.save()


def forwards(apps, schema_editor):
    _make_like(apps, [*SEEDED, None], DISCOUNTS)


def backwards(apps, schema_editor):
    _make_like(apps, DISCOUNTS, [*SEEDED, None])


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0002_seed_bpu_contribution_rates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

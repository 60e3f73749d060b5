"""Monthly BPU contributions from a dated rule table (DOMAIN.md s.4). Pure: no Django.

A rule prices one component of the monthly contribution (JKK, JKM, JHT, or a
discount on JKK + JKM) for a date range, for the packages, funding sources and
occupations it lists (an empty list of sources or occupations means every one).
A rule is either a percentage in basis points (1% = 100) or a fixed rupiah amount.

Rounding: a percentage of the declared income is ``income x bp / 10,000`` rounded
half up to whole rupiah, in integers only: ``(income * bp + 5_000) // 10_000``. The
discount is a percentage of the JKK + JKM subtotal rounded the same way, computed
once and shown as one negative line, so the lines of a quote always sum to its total.

An occupation of ``None`` means "not known": a rule restricted to listed occupations
(such as the PP 50/2025 discount for transport workers) does not apply to it, a rule for
every occupation (an empty list, such as that discount for every BPU from April to
December 2026) does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jaring import formats, i18n
from jaring.errors import DomainError, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_

# The same values as jaring.contributions.vocab (which imports Django).
JKK, JKM, JHT, DISCOUNT = "JKK", "JKM", "JHT", "DISCOUNT"
COMPONENTS = (JKK, JKM, JHT, DISCOUNT)
PACKAGE_COMPONENTS = {
    "JKK_JKM": (JKK, JKM),
    "JKK_JKM_JHT": (JKK, JKM, JHT),
}
SOURCES = ("APBD_PROV", "APBD_KAB", "BKBK", "DBH_SAWIT", "APBDES", "CSR")
COMPONENT_NAMES = {JKK: "JKK", JKM: "JKM", JHT: "JHT", DISCOUNT: N_("diskon JKK + JKM")}
PACKAGE_NAMES = {"JKK_JKM": "JKK + JKM", "JKK_JKM_JHT": "JKK + JKM + JHT"}
BASIS_POINTS = 10_000  # 100%


class RateMissing(DomainError):
    code = "rate_missing"
    http_status = 422


class RateAmbiguous(DomainError):
    code = "rate_ambiguous"
    http_status = 422


def percent_of(amount: int, bp: int) -> int:
    """``amount x bp / 10,000`` rounded half up to whole rupiah (integers only)."""
    if amount < 0 or bp < 0:
        raise ValueError("amount and basis points must not be negative")
    return (amount * bp + BASIS_POINTS // 2) // BASIS_POINTS


@dataclass(frozen=True)
class RateRule:
    component: str
    effective_from: date
    packages: frozenset[str]
    effective_to: date | None = None  # inclusive; None: until further notice
    sources: frozenset[str] = frozenset()  # empty: every funding source
    occupations: frozenset[str] = frozenset()  # empty: every occupation, known or not
    rate_bp: int | None = None
    amount: int | None = None
    basis: str = ""  # legal basis, e.g. "PP 50/2025"
    id: int | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def applies(self, *, on: date, package: str, source: str, occupation: str | None) -> bool:
        return (
            self.in_force(on)
            and package in self.packages
            and (not self.sources or source in self.sources)
            and (not self.occupations or occupation in self.occupations)
        )

    def overlaps(self, other: RateRule) -> bool:
        """Both could price the same component for the same case on the same day."""

        def meet(a: frozenset[str], b: frozenset[str]) -> bool:
            return not a or not b or bool(a & b)

        starts = max(self.effective_from, other.effective_from)
        ends = min(self.effective_to or date.max, other.effective_to or date.max)
        return (
            self.component == other.component
            and starts <= ends
            and bool(self.packages & other.packages)
            and meet(self.sources, other.sources)
            and meet(self.occupations, other.occupations)
        )

    def describe(self) -> str:
        """The rule as an error names it, in the active language: JKM 0,3% (01/01/2025 - seterusnya)."""
        language = i18n.language()
        if self.rate_bp is not None:
            value = formats.percent((Decimal(self.rate_bp) / 100).normalize(), language, None)
        else:
            value = formats.rupiah(self.amount, language)
        until = formats.date(self.effective_to) if self.effective_to else figures.text(N_("seterusnya"))
        name = figures.text(COMPONENT_NAMES[self.component])
        return f"{name} {value} ({formats.date(self.effective_from)} - {until})"


@dataclass(frozen=True)
class QuoteLine:
    component: str
    rupiah: int  # negative for a discount
    rule_id: int | None = None
    basis: str = ""


@dataclass(frozen=True)
class Quote:
    """A monthly contribution per person: its lines and their sum."""

    on: date
    package: str
    source: str
    occupation: str | None
    income: int
    lines: tuple[QuoteLine, ...] = field(default_factory=tuple)

    @property
    def total(self) -> int:
        return sum(line.rupiah for line in self.lines)

    def rupiah(self, component: str) -> int:
        return sum(line.rupiah for line in self.lines if line.component == component)

    @property
    def rule_ids(self) -> list[int]:
        return [line.rule_id for line in self.lines if line.rule_id is not None]


def validate_rule(rule: RateRule) -> None:
    """Refuse a rule that cannot price anything sensibly (each problem names its field)."""
    if rule.component not in COMPONENTS:
        raise InvalidInput(
            N_("Komponen '%(component)s' tidak dikenal."),
            params={"component": str(rule.component)},
            field="component",
        )
    if not rule.packages or not rule.packages <= set(PACKAGE_COMPONENTS):
        raise InvalidInput(
            N_("Pilih minimal satu paket iuran."), code="rate_packages_empty", field="packages"
        )
    if rule.component != DISCOUNT:
        wrong = sorted(p for p in rule.packages if rule.component not in PACKAGE_COMPONENTS[p])
        if wrong:
            raise InvalidInput(
                N_("Paket %(packages)s tidak memuat komponen %(component)s."),
                params={
                    "packages": ", ".join(PACKAGE_NAMES[p] for p in wrong),
                    "component": figures.text(COMPONENT_NAMES[rule.component]),
                },
                code="rate_package_mismatch",
                field="packages",
            )
    if not rule.sources <= set(SOURCES):
        raise InvalidInput(N_("Sumber dana tidak dikenal."), field="sources")
    if (rule.rate_bp is None) == (rule.amount is None):
        raise InvalidInput(
            N_("Isi salah satu saja: persentase atau nominal rupiah."),
            code="rate_value_required",
            field="rate",
        )
    if rule.rate_bp is not None and not 0 < rule.rate_bp <= BASIS_POINTS:
        raise InvalidInput(
            N_("Persentase harus lebih dari 0% dan paling banyak 100%."),
            code="rate_out_of_range",
            field="rate",
        )
    if rule.amount is not None and rule.amount <= 0:
        raise InvalidInput(N_("Nominal harus lebih dari Rp0."), code="rate_out_of_range", field="amount")
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        raise InvalidInput(
            N_("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku."),
            code="rate_dates_reversed",
            field="effective_to",
        )


def _the_rule(
    rules: list[RateRule], component: str, *, on: date, package: str, source: str, occupation: str | None
) -> RateRule | None:
    found = [
        r
        for r in rules
        if r.component == component
        and r.applies(on=on, package=package, source=source, occupation=occupation)
    ]
    if len(found) > 1:
        raise RateAmbiguous(
            N_(
                "Lebih dari satu aturan tarif %(component)s berlaku pada %(on)s: %(rules)s. Admin perlu "
                "mengakhiri salah satunya."
            ),
            params={
                "component": figures.text(COMPONENT_NAMES[component]),
                "on": figures.day(on),
                "rules": "; ".join(r.describe() for r in found),
            },
            field="date",
        )
    return found[0] if found else None


def quote_monthly(
    rules: Iterable[RateRule], *, on: date, package: str, source: str, occupation: str | None, income: int
) -> Quote:
    """The monthly contribution of one person on date ``on``, in whole rupiah."""
    if package not in PACKAGE_COMPONENTS:
        raise InvalidInput(
            N_("Paket '%(package)s' tidak dikenal. Pilih %(packages)s atau %(last)s."),
            params={
                "package": str(package),
                "packages": ", ".join(list(PACKAGE_COMPONENTS)[:-1]),
                "last": list(PACKAGE_COMPONENTS)[-1],
            },
            code="package_unknown",
            field="package",
        )
    if source not in SOURCES:
        raise InvalidInput(
            N_("Sumber dana '%(source)s' tidak dikenal. Pilih salah satu: %(sources)s."),
            params={"source": str(source), "sources": ", ".join(SOURCES)},
            code="source_unknown",
            field="source",
        )
    if isinstance(income, bool) or not isinstance(income, int) or income <= 0:
        raise InvalidInput(
            N_("Penghasilan yang dilaporkan harus bilangan bulat rupiah lebih dari 0, mis. 1000000."),
            code="income_invalid",
            field="income",
        )
    rules = list(rules)
    case = {"on": on, "package": package, "source": source, "occupation": occupation}
    lines = []
    for component in PACKAGE_COMPONENTS[package]:
        rule = _the_rule(rules, component, **case)
        if rule is None:
            raise RateMissing(
                N_(
                    "Belum ada tarif %(component)s untuk paket %(package)s (sumber dana %(source)s) pada "
                    "%(on)s. Admin platform atau admin provinsi menambahkannya di Anggaran > Tarif iuran."
                ),
                params={
                    "component": figures.text(COMPONENT_NAMES[component]),
                    "package": PACKAGE_NAMES[package],
                    "source": source,
                    "on": figures.day(on),
                },
                field="date",
            )
        value = percent_of(income, rule.rate_bp) if rule.rate_bp is not None else rule.amount
        lines.append(QuoteLine(component, value, rule.id, rule.basis))
    discount = _the_rule(rules, DISCOUNT, **case)
    if discount is not None:
        subtotal = sum(line.rupiah for line in lines if line.component in (JKK, JKM))
        off = (
            percent_of(subtotal, discount.rate_bp)
            if discount.rate_bp is not None
            else min(discount.amount, subtotal)
        )
        lines.append(QuoteLine(DISCOUNT, -off, discount.id, discount.basis))
    return Quote(
        on=on, package=package, source=source, occupation=occupation, income=income, lines=tuple(lines)
    )

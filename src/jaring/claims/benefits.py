"""Benefit amounts of a claim from a dated rule table (DOMAIN.md s.5). Pure: no Django.

A benefit rule prices one component of one kind of claim for a date range:

- ``fixed``: an amount in rupiah (the JKM lump sum Rp20,000,000);
- ``income_multiple``: a multiple of the declared monthly income, written as a percentage
  (4800 = 48 x income), never below ``minimum`` (JKK death: 48 x, at least the JKM
  lump sum);
- ``disability_scaled``: the disability percentage of a multiple of the income
  (partial disability: percentage x 80 x income);
- ``per_month``: a percentage of the income for each month of temporary incapacity
  between ``months_from`` and ``months_to`` (100% for months 1-12, then 50%);
- ``scholarship``: children's scholarships from the schedule of school levels, for at
  most ``max_children`` children and ``amount`` rupiah in total, after at least
  ``min_membership_months`` of paid membership (36 through JKM, none through JKK).

A claim is quoted with the rules in force on its event date. Money is whole rupiah:
a multiple is ``income x percent / 100`` and a disability share
``income x percent x disability / 100 / 100``, each rounded half up once.

The scholarship of a child is paid per school year: the quote pays the year of the
event (nothing for a child not yet at school) and states the child's remaining
entitlement, the schedule from the current class to the end of the last level, ending
the year the child turns 23, within the total ceiling for all children.

How a line was computed (``Line.detail``) and the notes of a quote are frozen with the
claim in Indonesian (the API and the CLI show that text), and beside it as a catalogue
message with its figures (``message``, ``params``; ``jaring.formats.figures``), so a page
shows them in the reader's language: money tagged ``figures.money``, a multiple or a
percentage that is not whole ``figures.decimal`` (a whole one an integer), a count an
integer, and a string is a catalogue label (``KIND_LABELS``, ``LEVEL_LABELS``) that the
page translates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from jaring import formats
from jaring.errors import DomainError, InvalidInput
from jaring.formats import figures
from jaring.i18n import N_

# Kinds of claim (jaring.claims.models.ClaimKind uses the same values).
JKM = "jkm"
JKK_DEATH = "jkk_death"
JKK_INJURY = "jkk_injury"
JKK_TOTAL_DISABILITY = "jkk_total_disability"
JKK_PARTIAL_DISABILITY = "jkk_partial_disability"
KINDS = (JKM, JKK_DEATH, JKK_INJURY, JKK_TOTAL_DISABILITY, JKK_PARTIAL_DISABILITY)
KIND_LABELS = {
    JKM: N_("Kematian (JKM)"),
    JKK_DEATH: N_("Meninggal karena kecelakaan kerja (JKK)"),
    JKK_INJURY: N_("Kecelakaan kerja: perawatan dan tidak mampu bekerja (JKK)"),
    JKK_TOTAL_DISABILITY: N_("Cacat total tetap karena kecelakaan kerja (JKK)"),
    JKK_PARTIAL_DISABILITY: N_("Cacat sebagian karena kecelakaan kerja (JKK)"),
}
DEATH_KINDS = frozenset({JKM, JKK_DEATH})

# How a rule computes its component.
FIXED = "fixed"
INCOME_MULTIPLE = "income_multiple"
DISABILITY_SCALED = "disability_scaled"
PER_MONTH = "per_month"
SCHOLARSHIP = "scholarship"
CALCULATIONS = (FIXED, INCOME_MULTIPLE, DISABILITY_SCALED, PER_MONTH, SCHOLARSHIP)

# Components (the names of a quote's lines in the API and the CLI).
LUMP_SUM = "lump_sum"
PERIODIC = "periodic"
FUNERAL = "funeral"
DEATH_BENEFIT = "death_benefit"
DISABILITY = "disability"
INCAPACITY = "temporary_incapacity"
INCAPACITY_REDUCED = "temporary_incapacity_reduced"
COMPONENT_LABELS = {
    LUMP_SUM: N_("Santunan kematian sekaligus"),
    DEATH_BENEFIT: N_("Santunan kematian karena kecelakaan kerja"),
    DISABILITY: N_("Santunan cacat"),
    INCAPACITY: N_("Santunan sementara tidak mampu bekerja (100%)"),
    INCAPACITY_REDUCED: N_("Santunan sementara tidak mampu bekerja (50%)"),
    PERIODIC: N_("Santunan berkala (24 bulan, dibayar sekaligus)"),
    FUNERAL: N_("Biaya pemakaman"),
    SCHOLARSHIP: N_("Beasiswa pendidikan anak"),
}
COMPONENTS = tuple(COMPONENT_LABELS)
CHILD_LINE = N_("%(benefit)s (anak ke-%(n)s)")  # a scholarship line: one per child

# School levels of the scholarship schedule, in order; a child not yet at school
# (NOT_IN_SCHOOL) is entitled from the first level on but paid nothing yet.
NOT_IN_SCHOOL = "BELUM"
LEVEL_LABELS = {
    NOT_IN_SCHOOL: N_("Belum sekolah"),
    "TK": N_("TK/PAUD"),
    "SD": N_("SD/sederajat"),
    "SMP": N_("SMP/sederajat"),
    "SMA": N_("SMA/SMK/sederajat"),
    "S1": N_("Perguruan tinggi (S1) atau pelatihan"),
}
SCHOLARSHIP_AGE_LIMIT = 23
PERCENT = 100
BASIS_POINTS = 10_000  # 100% of a disability


class BenefitRuleMissing(DomainError):
    code = "benefit_rule_missing"
    http_status = 422


class BenefitRuleAmbiguous(DomainError):
    code = "benefit_rule_ambiguous"
    http_status = 422


def rupiah(amount: int) -> str:
    """Whole rupiah in Indonesian (``jaring.formats``): 42000000 -> Rp42.000.000."""
    return formats.rupiah(amount, formats.INDONESIAN)


def _figure(value: Decimal) -> int | dict:
    """A multiple or a percentage as a figure: whole, an integer (48); else a decimal (0,5)."""
    if value == value.to_integral_value():
        return int(value)
    return figures.decimal(value.normalize())


def written(message: str, params: Mapping, language: str) -> str:
    """A quote text (a line's detail, a note) in ``language``: ``message`` already in that
    language, its figures written for it (``figures.render``), a decimal with the digits it
    has (``0,5 x``, ``12,5%``, as a quote has always read)."""
    shown = {
        name: formats.number(Decimal(value["decimal"]), language, None)
        if isinstance(value, Mapping) and "decimal" in value
        else value
        for name, value in params.items()
    }
    return figures.render(message, shown, language)


# How a quote line was computed and what a quote notes (catalogue messages; ``written``).
FIXED_DETAIL = N_("%(amount)s")
MULTIPLE_DETAIL = N_("%(multiple)s x %(income)s")
MULTIPLE_AT_LEAST_DETAIL = N_("%(multiple)s x %(income)s, paling sedikit %(minimum)s")
DISABILITY_DETAIL = N_("%(disability)s%% x %(multiple)s x %(income)s")
PER_MONTH_DETAIL = N_("%(months)s x %(monthly)s")
SCHOLARSHIP_DETAIL = N_("%(level)s kelas %(year)s: %(paid)s tahun ini, hak seluruhnya %(total)s")
NOT_IN_SCHOOL_DETAIL = N_("belum sekolah: dibayar mulai TK/PAUD, hak seluruhnya %(total)s")
NO_SCHOLARSHIP_NOTE = N_(
    "Beasiswa tidak diberikan melalui %(kind)s: masa iur %(months)s bulan, "
    "syaratnya paling sedikit %(required)s bulan."
)
MEDICAL_CARE_NOTE = N_(
    "Biaya perawatan dan pengobatan dibayar BPJS Ketenagakerjaan langsung ke fasilitas "
    "kesehatan tanpa batas biaya; tidak termasuk dalam jumlah ini."
)


@dataclass(frozen=True)
class BenefitRule:
    kind: str
    component: str
    calculation: str
    effective_from: date
    effective_to: date | None = None  # inclusive; None: until further notice
    amount: int | None = None  # fixed rupiah; for a scholarship, the ceiling for all children
    income_percent: int | None = None  # 4800 = 48 x the declared income
    minimum: int | None = None
    months_from: int | None = None  # per_month: first and last month (inclusive) it pays
    months_to: int | None = None
    min_membership_months: int = 0
    max_children: int | None = None
    basis: str = ""
    id: int | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def overlaps(self, other: BenefitRule) -> bool:
        """Both would price the same component of the same kind on some day."""
        starts = max(self.effective_from, other.effective_from)
        ends = min(self.effective_to or date.max, other.effective_to or date.max)
        return self.kind == other.kind and self.component == other.component and starts <= ends

    def describe(self) -> str:
        """The rule as an error names it, in the active language (``figures.text``)."""
        until = formats.date(self.effective_to) if self.effective_to else figures.text(N_("seterusnya"))
        kind_label = KIND_LABELS.get(self.kind, self.kind)
        component_label = COMPONENT_LABELS.get(self.component, self.component)
        kind, component = figures.text(kind_label), figures.text(component_label)
        return f"{kind}: {component} ({formats.date(self.effective_from)} - {until})"


@dataclass(frozen=True)
class ScholarshipLevel:
    """One school level of the scholarship schedule: so much per child per year, for
    at most so many years (TK Rp1,500,000 a year for 2 years)."""

    level: str
    order: int
    annual: int
    years: int
    effective_from: date
    effective_to: date | None = None
    basis: str = ""
    id: int | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class Child:
    """A child named for the scholarship: the school level and class (year within the
    level, from 1) at the event, and the birth date when known (the scholarship ends
    the year the child turns 23)."""

    level: str
    year: int = 1
    name: str = ""
    birth_date: date | None = None


@dataclass(frozen=True)
class Line:
    component: str  # a COMPONENTS name, or scholarship_child_1 / scholarship_child_2
    rupiah: int
    rule_id: int | None = None
    basis: str = ""
    detail: str = ""  # how it was computed, in Indonesian, e.g. "48 x Rp1.000.000"
    message: str = ""  # the same as a catalogue message, e.g. "%(multiple)s x %(income)s"
    params: dict = field(default_factory=dict, hash=False)  # its figures (JSON)

    @classmethod
    def computed(cls, component: str, rupiah: int, rule: BenefitRule, message: str, params: dict) -> Line:
        """A line priced by ``rule``, its detail the Indonesian text of ``message``."""
        detail = written(message, params, formats.INDONESIAN)
        return cls(component, rupiah, rule.id, rule.basis, detail, message, params)

    @property
    def label(self) -> str:
        if self.component.startswith(f"{SCHOLARSHIP}_child_"):
            return CHILD_LINE % {
                "benefit": COMPONENT_LABELS[SCHOLARSHIP],
                "n": self.component.rsplit("_", 1)[1],
            }
        return COMPONENT_LABELS.get(self.component, self.component)


@dataclass(frozen=True)
class Note:
    """A note of a quote (why no scholarship, what the amount leaves out): a catalogue
    message with its figures."""

    message: str
    params: dict = field(default_factory=dict, hash=False)

    @property
    def text(self) -> str:
        """In Indonesian: what is frozen with the claim, the API and the CLI show."""
        return written(self.message, self.params, formats.INDONESIAN)


@dataclass(frozen=True)
class ChildScholarship:
    number: int  # 1 or 2
    name: str
    level: str
    year: int
    this_year: int  # paid with the claim
    entitlement: int  # this year and the years after, within the age limit and the ceiling
    years: int  # school years the entitlement covers


@dataclass(frozen=True)
class BenefitQuote:
    kind: str
    event_date: date
    income: int
    membership_months: int
    lines: tuple[Line, ...] = ()
    scholarships: tuple[ChildScholarship, ...] = ()
    remarks: tuple[Note, ...] = ()  # the notes as catalogue messages

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in Indonesian."""
        return tuple(note.text for note in self.remarks)

    @property
    def total(self) -> int:
        return sum(line.rupiah for line in self.lines)

    @property
    def components(self) -> dict[str, int]:
        return {line.component: line.rupiah for line in self.lines}

    @property
    def rule_ids(self) -> list[int]:
        return sorted({line.rule_id for line in self.lines if line.rule_id is not None})

    @property
    def scholarship_rupiah(self) -> int:
        return sum(s.this_year for s in self.scholarships)

    @property
    def scholarship_children(self) -> int:
        return len(self.scholarships)

    def as_dict(self) -> dict:
        """What ``jaring benefit_quote --json`` prints."""
        return {"kind": self.kind, "total_rupiah": self.total, "components": self.components}


# --- input checks --------------------------------------------------------------------


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(
            N_("Jenis klaim '%(kind)s' tidak dikenal. Pilih salah satu: %(choices)s."),
            params={"kind": str(kind), "choices": ", ".join(KINDS)},
            code="kind_unknown",
            field="kind",
        )
    return kind


def check_income(income) -> int:
    if isinstance(income, bool) or not isinstance(income, int) or income <= 0:
        raise InvalidInput(
            N_("Penghasilan yang dilaporkan harus bilangan bulat rupiah lebih dari 0, mis. 1000000."),
            code="income_invalid",
            field="income",
        )
    return income


def parse_percent(raw) -> Decimal:
    """A disability percentage as typed (``25``, ``12,5``, ``12.5``), more than 0 and
    at most 100, with at most two decimals."""
    text = str(raw).strip().replace(",", ".").removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(
            N_("Persentase cacat '%(value)s' bukan angka; tulis mis. 25 atau 12,5."),
            params={"value": str(raw)},
            code="disability_pct_invalid",
            field="disability_pct",
        )
    if not 0 < value <= PERCENT:
        raise InvalidInput(
            N_("Persentase cacat harus lebih dari 0 dan paling banyak 100 (diisi %(value)s)."),
            params={"value": str(raw)},
            code="disability_pct_out_of_range",
            field="disability_pct",
        )
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput(
            N_("Persentase cacat paling banyak dua angka di belakang koma."),
            code="disability_pct_invalid",
            field="disability_pct",
        )
    return value


def _check_months(value, *, code: str, field: str, what: str) -> int:
    """``what``: a catalogue message (``N_``) naming the figure."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            N_("%(what)s harus bilangan bulat 0 atau lebih."),
            params={"what": figures.text(what)},
            code=code,
            field=field,
        )
    return value


# --- arithmetic ---------------------------------------------------------------------


def times_income(income: int, percent: int) -> int:
    """``income x percent / 100`` rounded half up: 4800 -> 48 x income."""
    return (income * percent + PERCENT // 2) // PERCENT


def disability_share(income: int, percent: int, disability: Decimal) -> int:
    """``disability% x (income x percent / 100)`` rounded half up once:
    10% of 80 x Rp1,000,000 = Rp8,000,000."""
    disability_bp = int(disability * PERCENT)  # two decimals at most: exact
    scale = PERCENT * BASIS_POINTS
    return (income * percent * disability_bp + scale // 2) // scale


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on ``on``."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _schedule_years(levels: list[ScholarshipLevel], child: Child) -> list[tuple[str, int]]:
    """(level, annual rupiah) for each school year left to the child, from the
    current class; for a child not yet at school, every year of every level."""
    ordered = sorted(levels, key=lambda lv: lv.order)
    if child.level == NOT_IN_SCHOOL:
        return [(lv.level, lv.annual) for lv in ordered for _ in range(lv.years)]
    position = next(i for i, lv in enumerate(ordered) if lv.level == child.level)
    current = ordered[position]
    years = [(current.level, current.annual)] * (current.years - child.year + 1)
    return years + [(lv.level, lv.annual) for lv in ordered[position + 1 :] for _ in range(lv.years)]


# --- rule selection -----------------------------------------------------------------


def rules_for(rules: Iterable[BenefitRule], *, kind: str, on: date) -> list[BenefitRule]:
    """The rules pricing ``kind`` on ``on``: one per component."""
    found = [r for r in rules if r.kind == kind and r.in_force(on)]
    by_component: dict[str, list[BenefitRule]] = {}
    for rule in found:
        by_component.setdefault(rule.component, []).append(rule)
    for component, same in by_component.items():
        if len(same) > 1:
            label = COMPONENT_LABELS.get(component, component)
            raise BenefitRuleAmbiguous(
                N_(
                    "Lebih dari satu aturan %(component)s untuk %(kind)s berlaku pada %(on)s: "
                    "%(rules)s. Admin platform perlu mengakhiri salah satunya."
                ),
                params={
                    "component": figures.text(label),
                    "kind": figures.text(KIND_LABELS[kind]),
                    "on": figures.day(on),
                    "rules": "; ".join(r.describe() for r in same),
                },
                field="event_date",
            )
    if not found:
        raise BenefitRuleMissing(
            N_(
                "Belum ada aturan manfaat %(kind)s yang berlaku pada %(on)s. "
                "Admin platform menambahkannya di Klaim > Aturan manfaat."
            ),
            params={"kind": figures.text(KIND_LABELS[kind]), "on": figures.day(on)},
            field="event_date",
        )
    return sorted(found, key=lambda r: COMPONENTS.index(r.component) if r.component in COMPONENTS else 99)


def levels_for(levels: Iterable[ScholarshipLevel], *, on: date) -> list[ScholarshipLevel]:
    found = [lv for lv in levels if lv.in_force(on)]
    seen: dict[str, ScholarshipLevel] = {}
    for level in found:
        if level.level in seen:
            label = LEVEL_LABELS.get(level.level, level.level)
            raise BenefitRuleAmbiguous(
                N_(
                    "Lebih dari satu jadwal beasiswa %(level)s berlaku pada %(on)s. "
                    "Admin platform perlu mengakhiri salah satunya."
                ),
                params={
                    "level": figures.text(label),
                    "on": figures.day(on),
                },
                field="event_date",
            )
        seen[level.level] = level
    if not found:
        raise BenefitRuleMissing(
            N_("Belum ada jadwal beasiswa yang berlaku pada %(on)s."),
            params={"on": figures.day(on)},
            field="event_date",
        )
    return sorted(found, key=lambda lv: lv.order)


# --- the quote ----------------------------------------------------------------------


def _check_child(child: Child, number: int, known: dict[str, ScholarshipLevel], on: date) -> int | None:
    """Refuse a child the schedule cannot place; the child's age on ``on`` when known."""
    who = child.name or figures.text(N_("anak ke-%(n)s"), {"n": str(number)})
    if child.level != NOT_IN_SCHOOL and child.level not in known:
        raise InvalidInput(
            N_("Jenjang sekolah '%(level)s' untuk %(who)s tidak dikenal. Pilih salah satu: %(choices)s."),
            params={"level": str(child.level), "who": who, "choices": ", ".join(LEVEL_LABELS)},
            code="child_level_unknown",
            field="children",
        )
    if child.level != NOT_IN_SCHOOL and not 1 <= child.year <= known[child.level].years:
        raise InvalidInput(
            N_("Kelas/tahun ke-%(year)s untuk %(who)s tidak ada di jenjang %(level)s (1 sampai %(years)s)."),
            params={
                "year": str(child.year),
                "who": who,
                "level": figures.text(LEVEL_LABELS[child.level]),
                "years": known[child.level].years,
            },
            code="child_year_invalid",
            field="children",
        )
    if child.birth_date is None:
        return None
    age = age_on(child.birth_date, on)
    if age >= SCHOLARSHIP_AGE_LIMIT:
        raise InvalidInput(
            N_(
                "%(who)s berusia %(age)s tahun pada tanggal kejadian; beasiswa hanya "
                "sampai usia %(limit)s tahun."
            ),
            params={"who": f"{who[0].upper()}{who[1:]}", "age": age, "limit": SCHOLARSHIP_AGE_LIMIT},
            code="child_too_old",
            field="children",
        )
    return age


def _scholarships(
    rule: BenefitRule,
    levels: list[ScholarshipLevel],
    children: list[Child],
    *,
    kind: str,
    membership_months: int,
    on: date,
) -> tuple[list[Line], list[ChildScholarship], list[Note]]:
    if not children:
        return [], [], []
    limit = rule.max_children or 0
    if len(children) > limit:
        raise InvalidInput(
            N_(
                "Beasiswa diberikan untuk paling banyak %(limit)s anak; %(count)s anak didaftarkan. "
                "Pilih %(limit)s anak."
            ),
            params={"limit": limit, "count": len(children)},
            code="too_many_children",
            field="children",
        )
    known = {lv.level: lv for lv in levels}
    ages = [_check_child(child, number, known, on) for number, child in enumerate(children, start=1)]
    if membership_months < rule.min_membership_months:
        return (
            [],
            [],
            [
                Note(
                    NO_SCHOLARSHIP_NOTE,
                    {
                        "kind": KIND_LABELS[kind],
                        "months": membership_months,
                        "required": rule.min_membership_months,
                    },
                )
            ],
        )
    lines, granted, notes = [], [], []
    ceiling_left = rule.amount if rule.amount is not None else None
    for number, (child, age) in enumerate(zip(children, ages, strict=True), start=1):
        years = _schedule_years(levels, child)
        if age is not None:
            years = years[: SCHOLARSHIP_AGE_LIMIT - age]
        entitlement = sum(annual for _level, annual in years)
        this_year = years[0][1] if years and child.level != NOT_IN_SCHOOL else 0
        if ceiling_left is not None:
            entitlement = min(entitlement, ceiling_left)
            this_year = min(this_year, entitlement)
            ceiling_left -= entitlement
        granted.append(
            ChildScholarship(
                number=number,
                name=child.name,
                level=child.level,
                year=child.year,
                this_year=this_year,
                entitlement=entitlement,
                years=len(years),
            )
        )
        if child.level != NOT_IN_SCHOOL:
            message, params = (
                SCHOLARSHIP_DETAIL,
                {
                    "level": LEVEL_LABELS[child.level],
                    "year": child.year,
                    "paid": figures.money(this_year),
                    "total": figures.money(entitlement),
                },
            )
        else:
            message, params = NOT_IN_SCHOOL_DETAIL, {"total": figures.money(entitlement)}
        lines.append(Line.computed(f"{SCHOLARSHIP}_child_{number}", this_year, rule, message, params))
    return lines, granted, notes


def quote_benefit(
    rules: Iterable[BenefitRule],
    levels: Iterable[ScholarshipLevel],
    *,
    kind: str,
    income: int,
    event_date: date,
    membership_months: int = 0,
    disability_pct: Decimal | int | str | None = None,
    incapacity_months: int | None = None,
    children: Iterable[Child] = (),
) -> BenefitQuote:
    """The benefit of one claim under the rules in force on its event date.

    Examples (DOMAIN.md s.5, declared income Rp1,000,000): JKM Rp42,000,000; JKK death
    48 x income + Rp12,000,000 + Rp10,000,000 = Rp70,000,000; total permanent
    disability 56 x income; partial disability of 10%: 10% x 80 x income = Rp8,000,000.
    """
    check_kind(kind)
    check_income(income)
    membership_months = _check_months(
        membership_months, code="membership_months_invalid", field="membership_months", what=N_("Masa iur")
    )
    children = list(children)
    disability = None
    if kind == JKK_PARTIAL_DISABILITY:
        if disability_pct is None or disability_pct == "":
            raise InvalidInput(
                N_("Cacat sebagian memerlukan persentase cacat (lebih dari 0 sampai 100), mis. 25."),
                code="disability_pct_required",
                field="disability_pct",
            )
        disability = parse_percent(disability_pct)
    elif disability_pct not in (None, ""):
        raise InvalidInput(
            N_("Persentase cacat hanya diisi untuk cacat sebagian (jkk_partial_disability)."),
            code="disability_pct_not_applicable",
            field="disability_pct",
        )
    if kind == JKK_INJURY:
        if incapacity_months is None:
            raise InvalidInput(
                N_("Kecelakaan kerja memerlukan lama tidak mampu bekerja dalam bulan (0 bila tidak ada)."),
                code="incapacity_months_required",
                field="incapacity_months",
            )
        _check_months(
            incapacity_months,
            code="incapacity_months_invalid",
            field="incapacity_months",
            what=N_("Lama tidak mampu bekerja"),
        )
    elif incapacity_months is not None:
        raise InvalidInput(
            N_("Lama tidak mampu bekerja hanya diisi untuk klaim kecelakaan kerja (jkk_injury)."),
            code="incapacity_months_not_applicable",
            field="incapacity_months",
        )
    in_force = rules_for(rules, kind=kind, on=event_date)
    scholarship_rule = next((r for r in in_force if r.calculation == SCHOLARSHIP), None)
    if children and scholarship_rule is None:
        raise InvalidInput(
            N_("%(kind)s tidak memberikan beasiswa; hapus data anak."),
            params={"kind": figures.text(KIND_LABELS[kind])},
            code="scholarship_not_applicable",
            field="children",
        )
    lines: list[Line] = []
    notes: list[Note] = []
    for rule in in_force:
        multiple = _figure(Decimal(rule.income_percent or 0) / PERCENT)
        if rule.calculation == FIXED:
            amount = rule.amount or 0
            lines.append(
                Line.computed(rule.component, amount, rule, FIXED_DETAIL, {"amount": figures.money(amount)})
            )
        elif rule.calculation == INCOME_MULTIPLE:
            value = times_income(income, rule.income_percent or 0)
            message, params = MULTIPLE_DETAIL, {"multiple": multiple, "income": figures.money(income)}
            if rule.minimum is not None and value < rule.minimum:
                value = rule.minimum
                message = MULTIPLE_AT_LEAST_DETAIL
                params = {**params, "minimum": figures.money(rule.minimum)}
            lines.append(Line.computed(rule.component, value, rule, message, params))
        elif rule.calculation == DISABILITY_SCALED:
            value = disability_share(income, rule.income_percent or 0, disability)
            params = {
                "disability": _figure(disability),
                "multiple": multiple,
                "income": figures.money(income),
            }
            lines.append(Line.computed(rule.component, value, rule, DISABILITY_DETAIL, params))
        elif rule.calculation == PER_MONTH:
            first = rule.months_from or 1
            last = min(incapacity_months or 0, rule.months_to or (incapacity_months or 0))
            months = max(0, last - first + 1)
            if months:
                monthly = times_income(income, rule.income_percent or 0)
                params = {"months": months, "monthly": figures.money(monthly)}
                lines.append(Line.computed(rule.component, months * monthly, rule, PER_MONTH_DETAIL, params))
    scholarships: list[ChildScholarship] = []
    if scholarship_rule is not None and children:
        schedule = levels_for(levels, on=event_date)
        more_lines, scholarships, more_notes = _scholarships(
            scholarship_rule,
            schedule,
            children,
            kind=kind,
            membership_months=membership_months,
            on=event_date,
        )
        lines += more_lines
        notes += more_notes
    if kind == JKK_INJURY:
        notes.append(Note(MEDICAL_CARE_NOTE))
    return BenefitQuote(
        kind=kind,
        event_date=event_date,
        income=income,
        membership_months=membership_months,
        lines=tuple(lines),
        scholarships=tuple(scholarships),
        remarks=tuple(notes),
    )


def validate_rule(rule: BenefitRule) -> None:
    """Refuse a rule that cannot price anything sensibly (each problem names its field)."""
    check_kind(rule.kind)
    if rule.component not in COMPONENTS:
        raise InvalidInput(
            N_("Komponen '%(component)s' tidak dikenal."),
            params={"component": str(rule.component)},
            code="component_unknown",
            field="component",
        )
    if rule.calculation not in CALCULATIONS:
        raise InvalidInput(
            N_("Cara hitung '%(calculation)s' tidak dikenal."),
            params={"calculation": str(rule.calculation)},
            code="calculation_unknown",
            field="calculation",
        )
    if (rule.calculation == SCHOLARSHIP) != (rule.component == SCHOLARSHIP):
        raise InvalidInput(
            N_("Komponen beasiswa dihitung dengan cara 'scholarship', dan hanya komponen beasiswa."),
            code="calculation_mismatch",
            field="calculation",
        )
    if rule.calculation == FIXED and (rule.amount is None or rule.amount <= 0):
        raise InvalidInput(N_("Isi nominal rupiah lebih dari 0."), code="amount_required", field="amount")
    if rule.calculation in (INCOME_MULTIPLE, DISABILITY_SCALED, PER_MONTH) and (
        rule.income_percent is None or rule.income_percent <= 0
    ):
        raise InvalidInput(
            N_("Isi kelipatan penghasilan dalam persen lebih dari 0 (4800 = 48 x penghasilan)."),
            code="income_percent_required",
            field="income_percent",
        )
    if rule.calculation == PER_MONTH and (
        rule.months_from is None
        or rule.months_from < 1
        or (rule.months_to is not None and rule.months_to < rule.months_from)
    ):
        raise InvalidInput(
            N_("Isi bulan pertama (1 atau lebih) dan bulan terakhir (kosong: seterusnya) yang dibayar."),
            code="months_range_invalid",
            field="months_from",
        )
    if rule.calculation == SCHOLARSHIP and (not rule.max_children or rule.max_children < 1):
        raise InvalidInput(
            N_("Isi jumlah anak paling banyak (1 atau lebih)."),
            code="max_children_required",
            field="max_children",
        )
    if rule.minimum is not None and rule.minimum < 0:
        raise InvalidInput(
            N_("Nominal paling sedikit tidak boleh negatif."), code="amount_invalid", field="minimum"
        )
    if rule.min_membership_months < 0:
        raise InvalidInput(
            N_("Masa iur minimal tidak boleh negatif."),
            code="membership_months_invalid",
            field="min_membership_months",
        )
    if rule.effective_to is not None and rule.effective_to < rule.effective_from:
        raise InvalidInput(
            N_("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku."),
            code="rule_dates_reversed",
            field="effective_to",
        )

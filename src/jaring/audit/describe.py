"""The audit trail in words an officer reads.

An event becomes a sentence with the actor and the record ("Budi Santoso mendaftarkan
Siti Aminah ke program BKBK Jambi 2026") and its changes a list of "Label: lama → baru":
the model field's verbose name, a choice's label, a region's name with its code, money in
rupiah and dates dd/mm/yyyy (``jaring.formats``). Models are found through Django's app
registry by name, so the audit layer imports no app above it. Records named by the
events of one page are read in one query per model. An action without a sentence of
its own reads as a generic one; a value that cannot be resolved reads as written.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import ForeignObjectRel
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring import codes
from jaring.access.permissions import sees_full_nik
from jaring.formats import DASH
from jaring.formats import active as formats
from jaring.privacy import mask_niks_in_text

# The record an event's target_type names, and the record whose fields an action's
# changes are (an enrolment's changes are the enrolment's, its target the person).
MODELS = {
    "agreement": "programs.Agreement",
    "alert": "alerts.Alert",
    "allocation": "funds.Allocation",
    "api_token": "accounts.ApiToken",
    "benefit_rule": "claims.BenefitRule",
    "bill": "billing.Bill",
    "bpjs_active_list": "targeting.BpjsActiveList",
    "budget_scenario": "contributions.BudgetScenario",
    "claim": "claims.Claim",
    "coverage_figure": "monitoring.CoverageFigure",
    "coverage_import": "monitoring.CoverageImport",
    "coverage_target": "monitoring.CoverageTarget",
    "dtsen_edition": "targeting.DtsenEdition",
    "enrolment": "programs.Enrolment",
    "organization": "accounts.Organization",
    "participant": "registry.Participant",
    "participant_import": "registry.ImportRun",
    "payment": "billing.Payment",
    "program": "programs.Program",
    "rate_rule": "contributions.RateRule",
    "refund": "billing.Refund",
    "region": "regions.Region",
    "transfer": "funds.Transfer",
    "user": "accounts.User",
    "worker_count": "contributions.VulnerableWorkerCount",
}
REGION_MODEL = "regions.Region"
# Targets whose recorded name is not what a sentence calls them (a user's is the username,
# an enrolment's the program code): read by id. Every other target reads as recorded then.
NAMED_BY_ID = {"participant", "user"}

SENTENCES = {
    "agreement.create": gettext_lazy("%(actor)s mencatat PKS %(target)s"),
    "alert.acknowledge": gettext_lazy("%(actor)s menanggapi peringatan %(target)s"),
    "allocation.from_quota": gettext_lazy("%(actor)s menyusun alokasi dana %(target)s dari kuota desa"),
    "allocation.set": gettext_lazy("%(actor)s menetapkan alokasi dana %(target)s"),
    "api_token.create": gettext_lazy("%(actor)s membuat token API %(target)s"),
    "api_token.revoke": gettext_lazy("%(actor)s mencabut token API %(target)s"),
    "benefit_rule.close": gettext_lazy("%(actor)s mengakhiri aturan manfaat %(target)s"),
    "benefit_rule.create": gettext_lazy("%(actor)s menetapkan aturan manfaat %(target)s"),
    "bill.correct": gettext_lazy("%(actor)s menerbitkan tagihan koreksi %(target)s"),
    "bill.corrected": gettext_lazy("%(actor)s menandai tagihan %(target)s sebagai dikoreksi"),
    "bill.issue": gettext_lazy("%(actor)s menerbitkan tagihan %(target)s"),
    "budget_scenario.create": gettext_lazy("%(actor)s menyimpan rencana anggaran %(target)s"),
    "claim.child_add": gettext_lazy("%(actor)s menambahkan anak pada klaim %(target)s"),
    "claim.child_remove": gettext_lazy("%(actor)s menghapus anak dari klaim %(target)s"),
    "claim.document_add": gettext_lazy("%(actor)s mengunggah dokumen klaim %(target)s"),
    "claim.documents_complete": gettext_lazy("%(actor)s menyatakan dokumen klaim %(target)s lengkap"),
    "claim.heir_add": gettext_lazy("%(actor)s menambahkan ahli waris pada klaim %(target)s"),
    "claim.heir_remove": gettext_lazy("%(actor)s menghapus ahli waris dari klaim %(target)s"),
    "claim.pay": gettext_lazy("%(actor)s mencatat pembayaran manfaat klaim %(target)s"),
    "claim.reject": gettext_lazy("%(actor)s menolak klaim %(target)s"),
    "claim.report": gettext_lazy("%(actor)s melaporkan klaim %(target)s"),
    "claim.return": gettext_lazy("%(actor)s mengembalikan klaim %(target)s untuk dilengkapi"),
    "claim.verify": gettext_lazy("%(actor)s memverifikasi klaim %(target)s"),
    "coverage_figure.update": gettext_lazy("%(actor)s mengubah angka cakupan %(target)s"),
    "coverage_import.create": gettext_lazy("%(actor)s mengimpor angka cakupan %(target)s"),
    "coverage_target.set": gettext_lazy("%(actor)s menetapkan target cakupan %(target)s"),
    "enrolment.create": gettext_lazy("%(actor)s mendaftarkan %(target)s ke program %(program)s"),
    "enrolment.end": gettext_lazy("%(actor)s mengakhiri kepesertaan %(target)s"),
    "integrity.repair": gettext_lazy("%(actor)s memperbaiki penghitung %(target)s"),
    "organization.create": gettext_lazy("%(actor)s membuat organisasi %(target)s"),
    "organization.update": gettext_lazy("%(actor)s mengubah data organisasi %(target)s"),
    "participant.create": gettext_lazy("%(actor)s mendaftarkan %(target)s di registri peserta"),
    "participant.death": gettext_lazy("%(actor)s mencatat kematian %(target)s"),
    "participant.duplicate_different": gettext_lazy("%(actor)s menyatakan %(target)s bukan data ganda"),
    "participant.merge": gettext_lazy("%(actor)s menggabungkan data ganda %(target)s"),
    "participant.status": gettext_lazy("%(actor)s mengubah status %(target)s menjadi %(status)s"),
    "participant.update": gettext_lazy("%(actor)s mengubah data peserta %(target)s"),
    "bpjs_active.import": gettext_lazy("%(actor)s mengimpor %(target)s"),
    "dtsen.import": gettext_lazy("%(actor)s mengimpor edisi DTSEN %(target)s"),
    "participant_import.closed_stale": gettext_lazy("%(actor)s menutup impor peserta terhenti %(target)s"),
    "participant_import.run": gettext_lazy("%(actor)s mengimpor berkas peserta %(target)s"),
    "payment.post": gettext_lazy("%(actor)s mencatat pembayaran iuran %(target)s"),
    "payment.reverse": gettext_lazy("%(actor)s membatalkan pembayaran iuran %(target)s"),
    "program.create": gettext_lazy("%(actor)s membuat program %(target)s"),
    "program.period_start": gettext_lazy("%(actor)s memulai periode baru program %(target)s"),
    "rate_rule.close": gettext_lazy("%(actor)s mengakhiri aturan iuran %(target)s"),
    "rate_rule.create": gettext_lazy("%(actor)s menetapkan aturan iuran %(target)s"),
    "rate_rule.update": gettext_lazy("%(actor)s mengubah aturan iuran %(target)s"),
    "refund.settle": gettext_lazy("%(actor)s menyelesaikan pengembalian iuran %(target)s"),
    "regions.load": gettext_lazy("%(actor)s memuat data wilayah %(target)s"),
    "transfer.post": gettext_lazy("%(actor)s mencatat transfer dana %(target)s"),
    "transfer.reverse": gettext_lazy("%(actor)s mengoreksi transfer dana %(target)s"),
    "user.create": gettext_lazy("%(actor)s membuat akun pengguna %(target)s"),
    "user.set_password": gettext_lazy("%(actor)s mengganti kata sandi %(target)s"),
    "user.set_preferences": gettext_lazy("%(actor)s mengubah pengaturan akun %(target)s"),
    "user.update": gettext_lazy("%(actor)s mengubah akun pengguna %(target)s"),
    "worker_count.create": gettext_lazy("%(actor)s mencatat jumlah pekerja rentan %(target)s"),
    "worker_count.update": gettext_lazy("%(actor)s mengubah jumlah pekerja rentan %(target)s"),
}
GENERIC = gettext_lazy("%(actor)s mencatat %(action)s pada %(target)s")

# Changes that name no field of the record.
LABELS = {
    "agreement": gettext_lazy("PKS"),
    "allocated": gettext_lazy("Dialokasikan"),
    "allocation": gettext_lazy("Alokasi"),
    "created": gettext_lazy("Dibuat"),
    "decision": gettext_lazy("Keputusan"),
    "documents": gettext_lazy("Dokumen"),
    "duplicate_of": gettext_lazy("Data ganda dari"),
    "enrolments_ended": gettext_lazy("Kepesertaan diakhiri"),
    "heirs": gettext_lazy("Ahli waris"),
    "merged_into": gettext_lazy("Digabung ke data"),
    "months": gettext_lazy("Bulan"),
    "months_voided": gettext_lazy("Bulan dibatalkan"),
    "note": gettext_lazy("Catatan"),
    "per_village": gettext_lazy("Per desa"),
    "period": gettext_lazy("Periode"),
    "quote": gettext_lazy("Rincian manfaat"),
    "quotas": gettext_lazy("Kuota per desa"),
    "reason": gettext_lazy("Alasan"),
    "recipient": gettext_lazy("Penerima"),
    "reference": gettext_lazy("Referensi"),
    "refund_months": gettext_lazy("Bulan iuran dikembalikan"),
    "refund_rupiah": gettext_lazy("Pengembalian iuran"),
    "region": gettext_lazy("Wilayah"),
    "region_codes": gettext_lazy("Wilayah kerja"),
    "regions": gettext_lazy("Wilayah"),
    "reversed_by": gettext_lazy("Dibatalkan dengan"),
    "total": gettext_lazy("Total"),
    "unallocated": gettext_lazy("Tidak teralokasi"),
    "updated": gettext_lazy("Diubah"),
    "villages": gettext_lazy("Jumlah desa"),
}
# Changes recorded under a shorter name than the record's field.
ALIASES = {
    "income": "quote_income",
    "membership_months": "quote_membership_months",
    "protection": "protection_status",
}
# Changes holding a mapping whose keys are the choices of a field: {category: quota}.
MAPPING_KEYS = {"quotas": ("programs.ProgramQuota", "category")}
MONEY_KEYS = {"allocated", "allocation", "amount", "per_village", "rupiah", "total", "unallocated"}
REGION_KEYS = {"region", "regions", "region_codes"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the value was set where there was none
    after: str


class _Mapping(dict):
    """Sentence parameters: a parameter the event does not carry reads as a dash."""

    def __missing__(self, key):
        return DASH


class _Names:
    """Display names of records, read in one query per model and lookup field."""

    def __init__(self):
        self.wanted: dict[tuple[type[models.Model], str], set] = defaultdict(set)
        self.found: dict[tuple[type[models.Model], str], dict] = {}

    def want(self, model, field: str, value) -> None:
        if value is not None and value != "":
            self.wanted[(model, field)].add(str(value))

    def fetch(self) -> None:
        for (model, field), values in self.wanted.items():
            if field == "pk" and isinstance(model._meta.pk, models.AutoField | models.BigAutoField):
                values = {v for v in values if v.isdigit()}
            rows = model._default_manager.filter(**{f"{field}__in": values}) if values else []
            self.found[(model, field)] = {str(getattr(row, field)): _display(row) for row in rows}

    def name(self, model, field: str, value) -> str | None:
        return self.found.get((model, field), {}).get(str(value))


def _display(row: models.Model) -> str:
    if row._meta.label == REGION_MODEL:
        return f"{row.name} ({codes.dotted(row.code)})"
    for attribute in ("full_name", "name"):
        value = getattr(row, attribute, "")
        if value:
            return str(value)
    return str(row)


def _model(name: str | None):
    if not name:
        return None
    try:
        return apps.get_model(name)
    except LookupError:
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return _field(model, ALIASES[key]) if key in ALIASES else None
    return None if isinstance(field, ForeignObjectRel) else field  # a reverse relation names no value


def _lookup_of(field, key: str, value):
    """(model, lookup field) naming the record a change's value points at, or None."""
    related = field.related_model if field is not None and field.is_relation else None
    if related is None and key in REGION_KEYS:
        related = _model(REGION_MODEL)
    if related is None or value is None or isinstance(value, bool | dict):
        return None
    if isinstance(value, int) or isinstance(related._meta.pk, models.CharField):  # a region's pk is its code
        return related, "pk"
    if any(f.name == "code" for f in related._meta.get_fields()):
        return related, "code"
    return None


def _label(field, key: str) -> str:
    if field is not None and getattr(field, "verbose_name", None):
        text = str(field.verbose_name)
    else:
        text = str(LABELS.get(key, key.replace("_", " ")))
    text = text.removesuffix(" (Rp)")
    return text[:1].upper() + text[1:]


def _is_money(field, key: str) -> bool:
    if field is not None:
        with translation.override("id"):  # the Indonesian verbose name says "(Rp)"
            rupiah = "(Rp)" in str(field.verbose_name)
        return isinstance(field, models.IntegerField) and (field.name.endswith("_rupiah") or rupiah)
    return key in MONEY_KEYS or key.endswith("_rupiah")


class Describer:
    """Sentences and readable changes for the events one user reads."""

    def __init__(self, user):
        self.user = user
        self.names = _Names()

    def describe(self, events) -> list:
        """Attach ``sentence``, ``readable_changes`` and ``visible_changes`` (the raw
        changes as this user may read them) to each event (a list)."""
        events = list(events)
        plans = []
        for event in events:
            model = _model(MODELS.get(event.target_type))
            target_model = model if event.target_type in NAMED_BY_ID else None
            change_model = _model(MODELS.get(event.action.split(".", 1)[0])) or model
            if target_model is not None:
                self.names.want(target_model, "pk", event.target_id)
            changes = event.visible_changes = changes_for(self.user, event)
            fields = {key: _field(change_model, key) for key in changes}
            for key, values in changes.items():
                for value in _items(values):
                    lookup = _lookup_of(fields[key], key, value)
                    if lookup:
                        self.names.want(*lookup, value)
            plans.append((event, target_model, changes, fields))
        self.names.fetch()
        for event, target_model, changes, fields in plans:
            event.readable_changes = [
                self._change(fields[key], key, values) for key, values in changes.items()
            ]
            event.sentence = self._sentence(event, target_model, changes, fields)
        return events

    def _value(self, field, key: str, value) -> str:
        if value is None:
            return DASH
        if value is True:
            return _("ya")
        if value is False:
            return _("tidak")
        if value == "" or value == []:
            return _("(kosong)")
        if isinstance(value, list):
            return ", ".join(self._value(field, key, item) for item in value)
        if isinstance(value, dict):
            model, name = MAPPING_KEYS.get(key, (None, ""))
            keys = _field(_model(model), name)
            return ", ".join(
                f"{self._value(keys, name, k) if keys else k}: {self._value(None, k, v)}"
                for k, v in value.items()
            )
        lookup = _lookup_of(field, key, value)
        if lookup:
            return self.names.name(*lookup, value) or str(value)
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, int) and _is_money(field, key):
            return formats.rupiah(value)
        if isinstance(value, int) and "year" not in key and not (field is not None and field.primary_key):
            return formats.number(value)
        if isinstance(value, str):
            return _when(field, value)
        return str(value)

    def _change(self, field, key: str, values) -> Change:
        before, after = _pair(values)
        return Change(
            label=_label(field, key),
            before=None if before is None else self._value(field, key, before),
            after=self._value(field, key, after),
        )

    def _sentence(self, event, target_model, changes, fields) -> str:
        actor = event.actor if event.actor_id else None
        target = (self.names.name(target_model, "pk", event.target_id) if target_model else None) or (
            event.target_repr or event.target_id
        )
        parameters = _Mapping(
            actor=(actor.full_name or actor.get_username())
            if actor
            else (event.actor_username or _("Sistem")),
            target=target,
            action=event.action,
        )
        for key, values in changes.items():
            parameters.setdefault(key, self._value(fields[key], key, _pair(values)[1]))
        template = SENTENCES.get(event.action, GENERIC)
        try:
            sentence = str(template) % parameters
        except (TypeError, ValueError, KeyError):
            sentence = str(GENERIC) % parameters
        return sentence if sees_full_nik(self.user) else mask_niks_in_text(sentence)


def _pair(values) -> tuple:
    """(before, after) of a change; anything but a pair is what the record holds now."""
    return tuple(values) if isinstance(values, list) and len(values) == 2 else (None, values)


def _items(values):
    for value in _pair(values):
        yield from value if isinstance(value, list) else [value]


def _when(field, value: str) -> str:
    """An ISO date or time as officers write it; any other text as it is."""
    try:
        if isinstance(field, models.DateTimeField) or (field is None and _ISO_DATETIME.match(value)):
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{formats.date(moment.date())} {moment:%H:%M}"
        if isinstance(field, models.DateField) or (field is None and _ISO_DATE.match(value)):
            return formats.date(date.fromisoformat(value[:10]))
    except ValueError:
        return value
    return value


def changes_for(user, event) -> dict:
    """An event's changes as this user may read them (NIKs masked where the role has no need)."""
    if sees_full_nik(user):
        return event.changes
    return json.loads(mask_niks_in_text(json.dumps(event.changes)))


def describe_events(user, events) -> list:
    """The events with ``sentence`` and ``readable_changes`` for this user."""
    return Describer(user).describe(events)

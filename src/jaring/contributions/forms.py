from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.contributions.models import ScenarioKind
from jaring.contributions.planning import INCOME_DEFAULT, MONTHS_MAX
from jaring.contributions.vocab import Component, FundingSource, Package
from jaring.registry.vocab import OCCUPATION_LABELS, Occupation
from jaring.widgets import DateInput

OCCUPATION_CHOICES = [(m.value, _(OCCUPATION_LABELS[m])) for m in Occupation]


class RupiahField(forms.IntegerField):
    """Whole rupiah; accepts 1.000.000, 1,000,000, Rp1.000.000 or 1000000."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*Rp\.?\s*", "", value, flags=re.IGNORECASE)
            if re.fullmatch(r"\s*\d{1,3}([.,]\d{3})+\s*", value):
                value = value.replace(".", "").replace(",", "")
        return super().to_python(value)


class CalculatorForm(forms.Form):
    """The planning page's calculator (a GET form: parameters are Indonesian words)."""

    jiwa = forms.IntegerField(label=_("Jumlah orang"), min_value=1)
    bulan = forms.IntegerField(label=_("Jumlah bulan"), min_value=1, max_value=MONTHS_MAX, initial=12)
    paket = forms.ChoiceField(label=_("Paket iuran"), choices=Package.choices, initial=Package.JKK_JKM)
    sumber = forms.ChoiceField(
        label=_("Sumber dana"), choices=FundingSource.choices, initial=FundingSource.APBD_KAB
    )
    penghasilan = RupiahField(label=_("Penghasilan dilaporkan (Rp)"), min_value=1, initial=INCOME_DEFAULT)
    pekerjaan = forms.ChoiceField(
        label=_("Pekerjaan (bila diketahui)"),
        choices=[("", _("Tidak diketahui")), *OCCUPATION_CHOICES],
        required=False,
    )
    tanggal = forms.DateField(label=_("Tanggal tarif"), widget=DateInput())


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label=_("Nama skenario"), max_length=200, help_text=_("mis. Bengkulu 2025: 70% pekerja rentan")
    )
    region = forms.ChoiceField(label=_("Wilayah (provinsi atau kabupaten/kota)"))
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Dasar perhitungan"), choices=ScenarioKind.choices)
    percent = forms.IntegerField(
        label=_("Persentase pekerja rentan (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Untuk dasar persentase: berapa persen pekerja rentan tiap kabupaten/kota, mis. 70."),
    )
    per_village = forms.IntegerField(
        label=_("Orang per desa/kelurahan"),
        min_value=1,
        required=False,
        help_text=_("Untuk dasar per desa: mis. 75 (50 miskin ekstrem + 25 pekerja rentan)."),
    )
    package = forms.ChoiceField(label=_("Paket iuran"), choices=Package.choices, initial=Package.JKK_JKM)
    source = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    months = forms.IntegerField(label=_("Jumlah bulan"), min_value=1, max_value=MONTHS_MAX, initial=12)
    rate_date = forms.DateField(
        label=_("Tanggal tarif"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosongkan untuk memakai tarif 1 Januari tahun anggaran."),
    )
    income = RupiahField(label=_("Penghasilan dilaporkan (Rp)"), min_value=1, initial=INCOME_DEFAULT)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (r.code, f"{r.code_dotted} {r.level_label} {r.name}") for r in regions
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == ScenarioKind.PERCENT_OF_VULNERABLE and not data.get("percent"):
            self.add_error("percent", _("Isi persentase pekerja rentan, mis. 70."))
        if data.get("kind") == ScenarioKind.PER_VILLAGE and not data.get("per_village"):
            self.add_error("per_village", _("Isi jumlah orang per desa/kelurahan, mis. 75."))
        return data


def parse_percent(text: str) -> int | None:
    """'1' -> 100 basis points, '0,5' or '0.5' -> 50, '' -> None; more than two decimals is refused."""
    text = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", text)
    if not match:
        raise forms.ValidationError(_("Tulis persentase seperti 1 atau 0,5 (paling banyak dua desimal)."))
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


class RateRuleForm(forms.Form):
    component = forms.ChoiceField(label=_("Komponen"), choices=Component.choices)
    packages = forms.MultipleChoiceField(
        label=_("Berlaku untuk paket"), choices=Package.choices, widget=forms.CheckboxSelectMultiple
    )
    sources = forms.MultipleChoiceField(
        label=_("Sumber dana"),
        choices=FundingSource.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Kosongkan bila berlaku untuk semua sumber dana."),
    )
    occupations = forms.MultipleChoiceField(
        label=_("Pekerjaan"),
        choices=OCCUPATION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Kosongkan bila berlaku untuk semua pekerjaan."),
    )
    percent = forms.CharField(
        label=_("Persentase (%)"),
        required=False,
        help_text=_("Dari penghasilan (JKK, JHT) atau dari JKK + JKM (diskon), mis. 1 atau 50."),
    )
    amount_rupiah = RupiahField(
        label=_("atau nominal tetap (Rp)"), min_value=1, required=False, help_text=_("mis. 6800 untuk JKM.")
    )
    effective_from = forms.DateField(label=_("Berlaku mulai"), widget=DateInput())
    effective_to = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosongkan bila berlaku sampai ada aturan baru."),
    )
    basis = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)

    def clean_percent(self):
        return parse_percent(self.cleaned_data.get("percent", ""))

    def clean(self):
        data = super().clean()
        if (data.get("percent") is None) == (data.get("amount_rupiah") is None) and not self.errors:
            self.add_error("percent", _("Isi salah satu saja: persentase atau nominal rupiah."))
        return data

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "component": data["component"],
            "packages": data["packages"],
            "sources": data["sources"],
            "occupations": data["occupations"],
            "rate_bp": data["percent"],
            "amount_rupiah": data["amount_rupiah"],
            "effective_from": data["effective_from"],
            "effective_to": data["effective_to"],
            "basis": data["basis"],
        }

    @classmethod
    def initial_of(cls, rule) -> dict:
        percent = ""
        if rule.rate_bp is not None:
            whole, rest = divmod(rule.rate_bp, 100)
            percent = str(whole) if not rest else f"{whole},{rest:02d}".rstrip("0")
        return {
            "component": rule.component,
            "packages": rule.packages,
            "sources": rule.sources,
            "occupations": rule.occupations,
            "percent": percent,
            "amount_rupiah": rule.amount_rupiah,
            "effective_from": rule.effective_from.isoformat(),
            "effective_to": rule.effective_to.isoformat() if rule.effective_to else "",
            "basis": rule.basis,
        }


class RateCloseForm(forms.Form):
    effective_to = forms.DateField(
        label=_("Berakhir pada (tanggal terakhir berlaku)"),
        widget=DateInput(),
        help_text=_("Sesudah tanggal ini tambahkan aturan baru bila tarifnya berubah."),
    )


class WorkerCountForm(forms.Form):
    region = forms.ChoiceField(label=_("Kabupaten/kota"))
    year = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    vulnerable_workers = forms.IntegerField(label=_("Jumlah pekerja rentan"), min_value=0)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.code_dotted} {r.name}") for r in regions]

import re
from datetime import date

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jaring.billing.models import BILL_MONTHS
from jaring.programs.models import Program
from jaring.widgets import DateInput

DATE = DateInput()
MONTH = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})


def _months(n: int) -> str:
    return ngettext("%(n)s bulan", "%(n)s bulan", n) % {"n": n}


months_label = lazy(_months, str)  # in the language of the page, not of the import


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = MONTH

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(_("Tulis bulan sebagai YYYY-MM, mis. 2025-01."))
        return date(int(match[1]), int(match[2]), 1)


class BillForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    first_month = MonthField(label=_("Bulan pertama"))
    months = forms.TypedChoiceField(
        label=_("Masa tagihan"),
        choices=[(m, months_label(m)) for m in BILL_MONTHS],
        coerce=int,
        initial=1,
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=255)


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Referensi (bukti bayar BPJS)"), max_length=100)
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=DATE)
    amount = forms.IntegerField(label=_("Jumlah (Rp)"))
    bill_number = forms.CharField(
        label=_("Nomor tagihan"),
        max_length=80,
        required=False,
        help_text=_("Untuk pembayaran satu tagihan penuh; kosongkan bila membayar untuk satu peserta."),
    )
    nik = forms.CharField(label=_("NIK peserta"), max_length=20, required=False)
    first_month = MonthField(label=_("Bulan dari"), required=False)
    last_month = MonthField(label=_("Bulan sampai"), required=False)

    def clean(self):
        data = super().clean()
        by_bill = bool(data.get("bill_number"))
        by_person = bool(data.get("nik"))
        if by_bill == by_person:
            raise forms.ValidationError(
                _(
                    "Isi nomor tagihan (bayar satu tagihan) atau NIK dengan bulannya "
                    "(bayar satu peserta), salah satu."
                )
            )
        if by_person and (not data.get("first_month") or not data.get("last_month")):
            self.add_error("first_month", _("Isi bulan dari dan bulan sampai yang dibayar."))
        return data


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan koreksi"), max_length=255)
    on = forms.DateField(label=_("Tanggal koreksi"), widget=DATE)


class PaymentFileForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas konfirmasi pembayaran BPJS (XLSX/CSV)"),
        help_text=_(
            "Kolom REFERENSI, TANGGAL_BAYAR, JUMLAH, NIK atau NO_KPJ, BULAN_DARI, BULAN_SAMPAI (YYYY-MM); "
            "atau satu baris per tagihan: REFERENSI, TANGGAL_BAYAR, JUMLAH, NOMOR_TAGIHAN."
        ),
    )
    dry_run = forms.BooleanField(label=_("Periksa saja, jangan simpan"), required=False)


class RefundSettleForm(forms.Form):
    settled_on = forms.DateField(label=_("Tanggal dikembalikan"), widget=DATE)
    reference = forms.CharField(label=_("Referensi pengembalian (SP2D, bukti transfer)"), max_length=100)

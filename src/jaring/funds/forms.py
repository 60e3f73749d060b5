from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.funds.models import TransferKind
from jaring.programs.models import Program
from jaring.widgets import DateInput

DATE = DateInput()


class TransferForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    kind = forms.ChoiceField(label=_("Jenis"), choices=TransferKind.choices)
    region = forms.CharField(
        label=_("Kode wilayah"),
        help_text=_("Penerima (kabupaten/kota atau desa), atau desa/wilayah yang membayar ke BPJS"),
    )
    stage = forms.IntegerField(label=_("Tahap"), min_value=1, initial=1)
    transferred_on = forms.DateField(label=_("Tanggal"), widget=DATE)
    amount = forms.IntegerField(label=_("Jumlah (Rp)"))
    reference = forms.CharField(label=_("Nomor referensi (SP2D, bukti transfer)"), max_length=100)
    evidence = forms.FileField(label=_("Bukti (PDF/JPG/PNG)"), required=False)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Alasan koreksi"), max_length=255)
    on = forms.DateField(label=_("Tanggal koreksi"), widget=DATE)


class AllocationForm(forms.Form):
    region = forms.CharField(label=_("Kode kabupaten/kota atau desa"))
    amount = forms.IntegerField(label=_("Jumlah (Rp)"))

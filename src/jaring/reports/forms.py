from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.reports.tables import parse_period


class MonevForm(forms.Form):
    region = forms.CharField(label=_("Kode wilayah"), max_length=16)
    period = forms.CharField(
        label=_("Periode (tahun-bulan)"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF (A4)"), ("xlsx", "XLSX")], initial="pdf")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = timezone.localdate().strftime("%Y-%m")

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

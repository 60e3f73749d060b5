from django import forms
from django.utils.translation import gettext_lazy as _


class AcknowledgeForm(forms.Form):
    acknowledgement = forms.CharField(
        label=_("Tanggapan (apa yang sudah atau akan dilakukan)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

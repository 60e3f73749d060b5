from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jaring.claims.models import (
    BenefitComponent,
    Calculation,
    ClaimHeir,
    ClaimKind,
    DocumentKind,
    HeirRelation,
    SchoolLevel,
)
from jaring.claims.services import ChildInput, DocumentInput, HeirInput
from jaring.widgets import DateInput

DATE = DateInput()
OPTIONAL = [("", "\u2013")]


class HeirFields(forms.Form):
    """An heir, with field names matching the services' error fields (heir_*)."""

    heir_full_name = forms.CharField(label=_("Nama ahli waris"), max_length=150)
    heir_relation = forms.ChoiceField(label=_("Hubungan dengan peserta"), choices=HeirRelation.choices)
    heir_nik = forms.CharField(label=_("NIK ahli waris"), max_length=20)
    heir_phone = forms.CharField(label=_("Nomor HP"), max_length=20, required=False)
    heir_bank_name = forms.CharField(label=_("Bank"), max_length=100)
    heir_account_number = forms.CharField(label=_("Nomor rekening"), max_length=30)
    heir_account_holder = forms.CharField(label=_("Nama pemilik rekening"), max_length=150)

    HEIR_FIELDS = (
        "heir_full_name",
        "heir_relation",
        "heir_nik",
        "heir_phone",
        "heir_bank_name",
        "heir_account_number",
        "heir_account_holder",
    )

    def heir(self) -> HeirInput | None:
        data = self.cleaned_data
        if not data.get("heir_full_name"):
            return None
        return HeirInput(
            full_name=data["heir_full_name"],
            relation=data["heir_relation"],
            nik=data["heir_nik"],
            bank_name=data["heir_bank_name"],
            account_number=data["heir_account_number"],
            account_holder=data["heir_account_holder"],
            phone=data.get("heir_phone", ""),
        )


class HeirForm(HeirFields):
    pass


class ChildForm(forms.Form):
    child_full_name = forms.CharField(label=_("Nama anak"), max_length=150)
    child_birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DATE)
    child_level = forms.ChoiceField(label=_("Jenjang sekolah saat kejadian"), choices=SchoolLevel.choices)
    child_school_year = forms.IntegerField(label=_("Kelas/tahun ke- (dalam jenjang)"), min_value=1, initial=1)

    def child(self) -> ChildInput:
        data = self.cleaned_data
        return ChildInput(
            full_name=data["child_full_name"],
            birth_date=data["child_birth_date"],
            level=data["child_level"],
            school_year=data["child_school_year"],
        )


class DocumentForm(forms.Form):
    document_kind = forms.ChoiceField(label=_("Jenis dokumen"), choices=DocumentKind.choices)
    document = forms.FileField(label=_("Berkas (PDF, JPG atau PNG, paling besar 10 MB)"))

    def upload(self) -> DocumentInput:
        return DocumentInput(self.cleaned_data["document_kind"], self.cleaned_data["document"])


class ClaimReportForm(HeirFields):
    """The event, an optional first heir, up to two children and the documents at hand."""

    nik = forms.CharField(label=_("NIK peserta"), max_length=20)
    kind = forms.ChoiceField(label=_("Jenis klaim"), choices=ClaimKind.choices)
    event_date = forms.DateField(label=_("Tanggal kejadian"), widget=DATE)
    event_place = forms.CharField(label=_("Tempat kejadian"), max_length=200)
    description = forms.CharField(
        label=_("Kronologi kejadian"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    disability_pct = forms.CharField(
        label=_("Persentase cacat (cacat sebagian)"),
        max_length=8,
        required=False,
        help_text=_("Menurut surat keterangan dokter, mis. 25 atau 12,5"),
    )
    reported_on = forms.DateField(label=_("Tanggal lapor (kosongkan: hari ini)"), widget=DATE, required=False)

    FIELD_ORDER_EVENT = (
        "nik",
        "kind",
        "event_date",
        "event_place",
        "description",
        "disability_pct",
        "reported_on",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.HEIR_FIELDS:
            self.fields[name].required = False
        for number in (1, 2):
            self.fields[f"child{number}_full_name"] = forms.CharField(
                label=_("Nama anak %(n)s") % {"n": number}, max_length=150, required=False
            )
            self.fields[f"child{number}_birth_date"] = forms.DateField(
                label=_("Tanggal lahir"), widget=DATE, required=False
            )
            self.fields[f"child{number}_level"] = forms.ChoiceField(
                label=_("Jenjang sekolah"), choices=OPTIONAL + list(SchoolLevel.choices), required=False
            )
            self.fields[f"child{number}_school_year"] = forms.IntegerField(
                label=_("Kelas/tahun ke-"), min_value=1, required=False
            )
        for kind, label in DocumentKind.choices:
            self.fields[f"doc_{kind}"] = forms.FileField(label=label, required=False)

    def clean(self):
        data = super().clean()
        if data.get("heir_full_name"):
            for name in self.HEIR_FIELDS:
                if name != "heir_phone" and not data.get(name):
                    self.add_error(name, _("Wajib diisi bila ahli waris dicatat."))
        for number in (1, 2):
            if data.get(f"child{number}_full_name"):
                for part in ("birth_date", "level"):
                    if not data.get(f"child{number}_{part}"):
                        self.add_error(f"child{number}_{part}", _("Wajib diisi bila anak dicatat."))
        return data

    def event_fields(self):
        return [self[name] for name in self.FIELD_ORDER_EVENT]

    def heir_fields(self):
        return [self[name] for name in self.HEIR_FIELDS]

    def document_fields(self):
        return [self[f"doc_{kind}"] for kind in DocumentKind.values]

    def heirs(self) -> list[HeirInput]:
        heir = self.heir()
        return [heir] if heir else []

    def children(self) -> list[ChildInput]:
        data = self.cleaned_data
        return [
            ChildInput(
                full_name=data[f"child{n}_full_name"],
                birth_date=data[f"child{n}_birth_date"],
                level=data[f"child{n}_level"],
                school_year=data.get(f"child{n}_school_year") or 1,
            )
            for n in (1, 2)
            if data.get(f"child{n}_full_name")
        ]

    def documents(self) -> list[DocumentInput]:
        return [
            DocumentInput(kind, self.cleaned_data[f"doc_{kind}"])
            for kind in DocumentKind.values
            if self.cleaned_data.get(f"doc_{kind}")
        ]


class StepForm(forms.Form):
    on = forms.DateField(label=_("Tanggal (kosongkan: hari ini)"), widget=DATE, required=False)
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)


class ReturnForm(forms.Form):
    on = forms.DateField(label=_("Tanggal (kosongkan: hari ini)"), widget=DATE, required=False)
    note = forms.CharField(label=_("Dokumen yang kurang atau perlu diperbaiki"), max_length=500)


class VerifyForm(StepForm):
    incapacity_months = forms.IntegerField(
        label=_("Lama tidak mampu bekerja (bulan)"), min_value=0, max_value=600, required=False
    )
    disability_pct = forms.CharField(label=_("Persentase cacat"), max_length=8, required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        if claim.kind != ClaimKind.JKK_INJURY:
            del self.fields["incapacity_months"]
        else:
            self.fields["incapacity_months"].required = True
        if claim.kind != ClaimKind.JKK_PARTIAL_DISABILITY:
            del self.fields["disability_pct"]
        else:
            self.fields["disability_pct"].initial = claim.disability_pct


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Tanggal bayar"), widget=DATE)
    amount = forms.IntegerField(label=_("Jumlah dibayar (Rp)"), min_value=0)
    recipient_heir = forms.ModelChoiceField(label=_("Ahli waris penerima"), queryset=ClaimHeir.objects.none())
    recipient_name = forms.CharField(label=_("Nama penerima"), max_length=150, required=False)
    recipient_bank = forms.CharField(label=_("Bank penerima"), max_length=100)
    recipient_account = forms.CharField(label=_("Nomor rekening penerima"), max_length=30)
    reference = forms.CharField(label=_("Referensi transfer"), max_length=100, required=False)

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        # The amount must equal the benefit fixed at verification: start from it, and today.
        self.fields["amount"].initial = claim.quote_total
        self.fields["paid_on"].initial = timezone.localdate
        if claim.is_death:
            self.fields["recipient_heir"].queryset = claim.heirs.all()
            for name in ("recipient_name", "recipient_bank", "recipient_account"):
                del self.fields[name]
        else:
            del self.fields["recipient_heir"]
            self.fields["recipient_name"].initial = claim.participant.full_name


class RejectForm(forms.Form):
    on = forms.DateField(label=_("Tanggal (kosongkan: hari ini)"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Alasan penolakan"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class BenefitRuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis klaim"), choices=ClaimKind.choices)
    component = forms.ChoiceField(label=_("Komponen"), choices=BenefitComponent.choices)
    calculation = forms.ChoiceField(label=_("Cara hitung"), choices=Calculation.choices)
    amount_rupiah = forms.IntegerField(
        label=_("Nominal (Rp) / batas beasiswa seluruh anak"), min_value=0, required=False
    )
    income_percent = forms.IntegerField(
        label=_("Kelipatan penghasilan (%)"),
        min_value=0,
        required=False,
        help_text=_("4800 = 48 x penghasilan"),
    )
    minimum_rupiah = forms.IntegerField(label=_("Paling sedikit (Rp)"), min_value=0, required=False)
    months_from = forms.IntegerField(label=_("Dari bulan ke-"), min_value=1, required=False)
    months_to = forms.IntegerField(label=_("Sampai bulan ke-"), min_value=1, required=False)
    min_membership_months = forms.IntegerField(
        label=_("Masa iur minimal (bulan)"), min_value=0, initial=0, required=False
    )
    max_children = forms.IntegerField(label=_("Anak paling banyak"), min_value=1, required=False)
    effective_from = forms.DateField(label=_("Berlaku mulai"), widget=DATE)
    effective_to = forms.DateField(
        label=_("Berlaku sampai (kosongkan: seterusnya)"), widget=DATE, required=False
    )
    basis = forms.CharField(label=_("Dasar hukum"), max_length=200, required=False)


class CloseRuleForm(forms.Form):
    effective_to = forms.DateField(label=_("Hari terakhir berlaku"), widget=DATE)

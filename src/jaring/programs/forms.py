from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import Organization, OrgKind
from jaring.contributions.vocab import FundingSource, Package
from jaring.programs.models import Program
from jaring.registry.vocab import Category
from jaring.widgets import DateInput

DATE = DateInput()
SELECTION_MAX = 500  # one page of the selection list at its largest


class ProgramForm(forms.Form):
    code = forms.CharField(label=_("Kode program"), max_length=40, help_text=_("mis. BKBK-JAMBI-2025"))
    name = forms.CharField(label=_("Nama program"), max_length=200)
    source = forms.ChoiceField(label=_("Sumber dana"), choices=FundingSource.choices)
    payer = forms.ModelChoiceField(label=_("Pemberi dana"), queryset=Organization.objects.none())
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2015, max_value=2100)
    starts_on = forms.DateField(label=_("Mulai perlindungan"), widget=DATE)
    coverage_months = forms.IntegerField(
        label=_("Masa perlindungan (bulan)"), min_value=1, max_value=60, initial=12
    )
    package = forms.ChoiceField(label=_("Paket manfaat"), choices=Package.choices)
    declared_income = forms.IntegerField(
        label=_("Penghasilan yang dilaporkan (Rp)"), min_value=1, initial=1_000_000
    )
    budget_ceiling = forms.IntegerField(label=_("Pagu anggaran (Rp)"), min_value=1)
    quota_total = forms.IntegerField(label=_("Kuota total (orang)"), min_value=1, required=False)
    quota_extreme_poor = forms.IntegerField(
        label=_("Kuota miskin ekstrem per desa"), min_value=1, required=False
    )
    quota_vulnerable = forms.IntegerField(
        label=_("Kuota pekerja rentan per desa"), min_value=1, required=False
    )
    target_regions = forms.CharField(
        label=_("Wilayah sasaran"), help_text=_("Kode wilayah dipisah koma, mis. 15 atau 15.04, 15.71")
    )

    def __init__(self, *args, payers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers

    def quotas(self) -> dict[str, int]:
        data = self.cleaned_data
        pairs = {
            Category.MISKIN_EKSTREM.value: data.get("quota_extreme_poor"),
            Category.PEKERJA_RENTAN.value: data.get("quota_vulnerable"),
        }
        return {k: v for k, v in pairs.items() if v}

    def region_codes(self) -> list[str]:
        return [
            c.strip() for c in self.cleaned_data["target_regions"].replace(";", ",").split(",") if c.strip()
        ]


class EnrolForm(forms.Form):
    nik = forms.CharField(label=_("NIK peserta"), max_length=20)
    starts_on = forms.DateField(label=_("Mulai (kosongkan: hari ini)"), widget=DATE, required=False)


class IdsField(forms.Field):
    """A list of record ids posted as repeated fields (checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if not all(str(v).isdigit() for v in values):
            raise forms.ValidationError(_("Pilihan peserta tidak sah. Muat ulang halaman dan pilih lagi."))
        return sorted({int(v) for v in values})


class SelectionForm(forms.Form):
    """The people ticked on the selection page; the ids are checked again
    against the people the user may still put into the program."""

    participants = IdsField(error_messages={"required": _("Centang minimal satu peserta.")})
    starts_on = forms.DateField(label=_("Mulai (kosongkan: hari ini)"), widget=DATE, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_participants(self) -> list:
        ids = self.cleaned_data["participants"]
        if len(ids) > SELECTION_MAX:
            raise forms.ValidationError(
                _("Paling banyak %(max)s peserta sekali daftar; gunakan impor berkas untuk lebih banyak.")
                % {"max": SELECTION_MAX}
            )
        people = list(self.candidates.filter(pk__in=ids))
        if len(people) != len(ids):
            raise forms.ValidationError(
                _(
                    "%(n)s peserta yang dicentang tidak dapat lagi dipilih (sudah terdaftar, meninggal/keluar"
                    " atau di luar wilayah). Muat ulang halaman dan pilih lagi."
                )
                % {"n": len(ids) - len(people)}
            )
        return people


class EndEnrolmentForm(forms.Form):
    ends_on = forms.DateField(label=_("Tanggal berakhir"), widget=DATE)
    reason = forms.CharField(label=_("Alasan"), max_length=255)


class TransferEnrolmentForm(forms.Form):
    to_program = forms.ModelChoiceField(label=_("Program tujuan"), queryset=Program.objects.none())
    on = forms.DateField(label=_("Mulai di program tujuan"), widget=DATE)
    reason = forms.CharField(label=_("Alasan"), max_length=255)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_program"].queryset = programs


class EnrolmentFileForm(forms.Form):
    file = forms.FileField(label=_("Berkas XLSX/CSV (kolom NIK, KODE_PROGRAM, TANGGAL_MULAI)"))
    dry_run = forms.BooleanField(label=_("Periksa saja, jangan simpan"), required=False)


class AgreementForm(forms.Form):
    number = forms.CharField(label=_("Nomor PKS/MoU"), max_length=100)
    title = forms.CharField(label=_("Perihal"), max_length=255, required=False)
    payer = forms.ModelChoiceField(label=_("Pemberi dana"), queryset=Organization.objects.none())
    bpjs_office = forms.ModelChoiceField(
        label=_("Kantor BPJS Ketenagakerjaan"),
        queryset=Organization.objects.filter(
            kind__in=[OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL], is_active=True
        ),
    )
    starts_on = forms.DateField(label=_("Mulai berlaku"), widget=DATE)
    ends_on = forms.DateField(label=_("Berakhir"), widget=DATE)
    programs = forms.ModelMultipleChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 5}),
    )
    renews = forms.IntegerField(widget=forms.HiddenInput, required=False)
    document = forms.FileField(label=_("Dokumen (PDF)"), required=False)

    def __init__(self, *args, payers, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = payers
        self.fields["programs"].queryset = programs


class PeriodForm(forms.Form):
    starts_on = forms.DateField(label=_("Mulai periode"), widget=DATE)
    months = forms.IntegerField(label=_("Lama (bulan)"), min_value=1, max_value=60, initial=12)

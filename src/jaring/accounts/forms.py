from django import forms
from django.utils.translation import gettext_lazy as _

from jaring.accounts.models import DigestFrequency, Language, OrganizationKind, UserRole


def split_codes(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class OrganizationCreateForm(forms.Form):
    code = forms.SlugField(
        label=_("Kode organisasi"),
        max_length=50,
        help_text=_("Huruf kecil, angka dan tanda minus, mis. pemkab-batanghari."),
    )
    name = forms.CharField(label=_("Nama"), max_length=200)
    kind = forms.ChoiceField(label=_("Jenis"), choices=OrganizationKind.choices)
    regions = forms.CharField(
        label=_("Wilayah kerja"),
        help_text=_("Kode wilayah, dipisah koma; boleh dengan atau tanpa titik, mis. 15.06, 15.07."),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(v, label) for v, label in OrganizationKind.choices if v in kinds]


class OrganizationEditForm(forms.Form):
    name = forms.CharField(label=_("Nama"), max_length=200)
    regions = forms.CharField(
        label=_("Wilayah kerja"),
        help_text=_("Kode wilayah, dipisah koma; boleh dengan atau tanpa titik."),
    )
    is_active = forms.BooleanField(label=_("Aktif"), required=False)


class _PasswordPair:
    """Two password fields that must match (password1, password2)."""

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        return data


class UserCreateForm(_PasswordPair, forms.Form):
    username = forms.CharField(label=_("Nama pengguna"), max_length=150)
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(label=_("Surel"), required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=UserRole.choices)
    can_audit = forms.BooleanField(label=_("Akses audit (hanya untuk pemantau)"), required=False)
    password1 = forms.CharField(label=_("Kata sandi"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Ulangi kata sandi"), widget=forms.PasswordInput, strip=False)


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    email = forms.EmailField(label=_("Surel"), required=False)
    role = forms.ChoiceField(label=_("Peran"), choices=UserRole.choices)
    can_audit = forms.BooleanField(label=_("Akses audit (hanya untuk pemantau)"), required=False)
    is_active = forms.BooleanField(label=_("Aktif"), required=False)


class PasswordSetForm(_PasswordPair, forms.Form):
    password1 = forms.CharField(label=_("Kata sandi baru"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Ulangi kata sandi baru"), widget=forms.PasswordInput, strip=False)


class PasswordChangeForm(PasswordSetForm):
    old_password = forms.CharField(label=_("Kata sandi lama"), widget=forms.PasswordInput, strip=False)
    field_order = ["old_password", "password1", "password2"]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk apa token ini, mis. 'sinkron SIPD'."),
    )


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=_("Ringkasan peringatan lewat surel"),
        choices=DigestFrequency.choices,
        help_text=_("Peringatan terbuka di wilayah kerja Anda, dengan tautan ke masing-masing."),
    )
    language = forms.ChoiceField(
        label=_("Bahasa surel"),
        choices=Language.choices,
    )

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jaring import codes
from jaring.access.permissions import can_administer, creatable_kinds
from jaring.accounts import forms, services
from jaring.accounts.selectors import (
    api_tokens_of,
    organizations_for_list,
    organizations_managed_by,
    users_managed_by,
)
from jaring.errors import DomainError, add_domain_error
from jaring.guards import require

ADMINS_ONLY = gettext_lazy("Halaman ini hanya untuk admin organisasi.")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes when a username has failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


@login_required
def organization_list(request):
    require(can_administer(request.user), ADMINS_ONLY)
    return render(
        request,
        "accounts/organization_list.html",
        {
            "organizations": organizations_for_list(request.user),
            "can_create": bool(creatable_kinds(request.user)),
        },
    )


@login_required
def organization_create(request):
    require(can_administer(request.user), ADMINS_ONLY)
    kinds = creatable_kinds(request.user)
    require(kinds, _("Anda tidak berwenang membuat organisasi."))
    form = forms.OrganizationCreateForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                region_codes=forms.split_codes(form.cleaned_data["regions"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Organisasi %(name)s dibuat.") % {"name": org.name})
            return redirect("organization_detail", pk=org.pk)
    return render(request, "accounts/organization_form.html", {"form": form, "creating": True})


@login_required
def organization_detail(request, pk: int):
    require(can_administer(request.user), ADMINS_ONLY)
    org = get_object_or_404(organizations_managed_by(request.user).prefetch_related("regions"), pk=pk)
    initial = {
        "name": org.name,
        "regions": ", ".join(codes.dotted(c) for c in org.region_codes()),
        "is_active": org.is_active,
    }
    form = forms.OrganizationEditForm(request.POST or None, initial=initial)
    own = org.pk == request.user.organization_id and not request.user.is_superuser
    if own:
        form.fields["regions"].disabled = True
        form.fields["is_active"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                actor=request.user,
                organization=org,
                name=form.cleaned_data["name"],
                region_codes=None if own else forms.split_codes(form.cleaned_data["regions"]),
                is_active=None if own else form.cleaned_data["is_active"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Perubahan organisasi disimpan."))
            return redirect("organization_detail", pk=org.pk)
    return render(
        request,
        "accounts/organization_detail.html",
        {
            "organization": org,
            "form": form,
            "users": users_managed_by(request.user).filter(organization=org).order_by("username"),
        },
    )


@login_required
def user_create(request, org_pk: int):
    require(can_administer(request.user), ADMINS_ONLY)
    org = get_object_or_404(organizations_managed_by(request.user), pk=org_pk)
    form = forms.UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user,
                organization=org,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                role=form.cleaned_data["role"],
                can_audit=form.cleaned_data["can_audit"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Pengguna %(username)s dibuat.") % {"username": user.username})
            return redirect("organization_detail", pk=org.pk)
    return render(request, "accounts/user_form.html", {"form": form, "organization": org, "creating": True})


def _user_edit_form(target, data=None) -> forms.UserEditForm:
    fields = ("full_name", "email", "role", "can_audit", "is_active")
    return forms.UserEditForm(data, initial={name: getattr(target, name) for name in fields})


@login_required
def user_detail(request, pk: int):
    require(can_administer(request.user), ADMINS_ONLY)
    target = get_object_or_404(users_managed_by(request.user), pk=pk)
    form = _user_edit_form(target, request.POST or None)
    password_form = forms.PasswordSetForm(prefix="pw")
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Perubahan pengguna disimpan."))
            return redirect("user_detail", pk=target.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "target": target,
            "organization": target.organization,
            "password_form": password_form,
        },
    )


@login_required
@require_POST
def user_reset_password(request, pk: int):
    require(can_administer(request.user), ADMINS_ONLY)
    target = get_object_or_404(users_managed_by(request.user), pk=pk)
    password_form = forms.PasswordSetForm(request.POST, prefix="pw")
    if password_form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=password_form.cleaned_data["password1"]
            )
        except DomainError as exc:
            add_domain_error(password_form, exc)
        else:
            messages.success(request, _("Kata sandi %(username)s diganti.") % {"username": target.username})
            return redirect("user_detail", pk=target.pk)
    form = _user_edit_form(target)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "target": target,
            "organization": target.organization,
            "password_form": password_form,
        },
        status=400,
    )


def _preferences_form(user, data=None) -> forms.PreferencesForm:
    initial = {"digest_frequency": user.digest_frequency, "language": user.language}
    return forms.PreferencesForm(data, prefix="pref", initial=initial)


@login_required
def account(request):
    password_form = forms.PasswordChangeForm(prefix="pw")
    token_form = forms.ApiTokenForm(prefix="tok")
    preferences_form = _preferences_form(request.user)
    new_token = None
    if request.method == "POST" and "pref-digest_frequency" in request.POST:
        preferences_form = _preferences_form(request.user, request.POST)
        if preferences_form.is_valid():
            try:
                services.user_set_preferences(
                    actor=request.user, user=request.user, **preferences_form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(preferences_form, exc)
            else:
                messages.success(request, _("Preferensi Anda disimpan."))
                return redirect("account")
    elif request.method == "POST" and "pw-old_password" in request.POST:
        password_form = forms.PasswordChangeForm(request.POST, prefix="pw")
        if password_form.is_valid():
            if not request.user.check_password(password_form.cleaned_data["old_password"]):
                password_form.add_error("old_password", _("Kata sandi lama salah."))
            else:
                try:
                    user = services.user_set_password(
                        actor=request.user,
                        user=request.user,
                        password=password_form.cleaned_data["password1"],
                    )
                except DomainError as exc:
                    add_domain_error(password_form, exc)
                else:
                    update_session_auth_hash(request, user)
                    messages.success(request, _("Kata sandi Anda diganti."))
                    return redirect("account")
    elif request.method == "POST" and "tok-name" in request.POST:
        token_form = forms.ApiTokenForm(request.POST, prefix="tok")
        if token_form.is_valid():
            try:
                _token, new_token = services.api_token_create(
                    actor=request.user, user=request.user, name=token_form.cleaned_data["name"]
                )
            except DomainError as exc:
                add_domain_error(token_form, exc)
            else:
                token_form = forms.ApiTokenForm(prefix="tok")
    return render(
        request,
        "accounts/account.html",
        {
            "password_form": password_form,
            "token_form": token_form,
            "preferences_form": preferences_form,
            "tokens": api_tokens_of(request.user),
            "new_token": new_token,
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token %(name)s dicabut.") % {"name": token.name})
    return redirect("account")

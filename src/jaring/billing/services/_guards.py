"""Who may write billing records, shared by the billing use cases: operators and admins
edit; a whole bill is the business of its payer or a BPJS office; a person's months
that of the officers of his region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jaring.access.permissions import acts_as_platform
from jaring.access.scoping import jurisdiction_of
from jaring.accounts.models import OrgKind
from jaring.i18n import N_
from jaring.programs.models import Program

if TYPE_CHECKING:
    from jaring.billing.services.postings import PaymentRequest

BPJS_KINDS = (OrgKind.BPJS_BRANCH, OrgKind.BPJS_REGIONAL)


def _payer_or_bpjs(actor, program: Program) -> bool:
    if actor.organization_id is None:
        return False
    return actor.organization_id == program.payer_id or actor.organization.kind in BPJS_KINDS


def _permission_problem(actor, request: PaymentRequest) -> tuple[str, dict] | None:
    """Why ``actor`` may not record this payment (a catalogue message and its params), or
    None. A whole bill is paid by its payer or recorded by a BPJS office; a person's months
    by the officers of his region."""
    if acts_as_platform(actor):
        return None
    if request.bill is not None:
        program = request.bill.program
        if not _payer_or_bpjs(actor, program):
            return (
                N_(
                    "Pembayaran satu tagihan dicatat oleh %(payer)s atau kantor BPJS Ketenagakerjaan; catat "
                    "pembayaran per peserta untuk warga wilayah Anda."
                ),
                {"payer": program.payer.name},
            )
        return None
    if not jurisdiction_of(actor).contains(request.participant.village_id):
        return N_("Peserta ini di luar wilayah kerja Anda."), {}
    return None

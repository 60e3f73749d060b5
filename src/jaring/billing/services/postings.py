"""What a posting of payments takes and gives back: the payment requests (a whole bill,
or one person's months), what the posting did to each bill, and the refusals, each
with the file column it names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jaring.billing.models import Bill, Payment, PaymentKind
from jaring.errors import DomainError, InvalidInput
from jaring.registry.models import Participant


@dataclass
class PaymentRequest:
    """One payment to record: a whole bill (``bill``) or one person's months
    (``participant``, ``first_month``..``last_month`` as month indexes)."""

    reference: str
    paid_on: date
    amount: int
    bill: Bill | None = None
    participant: Participant | None = None
    first_month: int | None = None
    last_month: int | None = None
    row: int | None = None  # the file row, for reporting

    @property
    def kind(self) -> str:
        return PaymentKind.BILL if self.bill is not None else PaymentKind.PERSON


@dataclass
class BillReport:
    """What a posting did to one bill: received, allocated to person-months, left over
    (an over-payment, kept as credit) and what the bill still owes (an under-payment)."""

    number: str
    received: int = 0
    allocated: int = 0
    over: int = 0
    outstanding: int = 0

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "received": self.received,
            "allocated": self.allocated,
            "over": self.over,
            "outstanding": self.outstanding,
        }


@dataclass
class PostingResult:
    created: list[Payment] = field(default_factory=list)  # kept by a posting in one part
    created_count: int = 0
    unchanged: int = 0  # the same payment recorded before (same reference and content)
    bills: dict[str, BillReport] = field(default_factory=dict)
    errors: list[tuple[PaymentRequest, DomainError]] = field(default_factory=list)


def _refuse(
    result: PostingResult,
    request: PaymentRequest,
    message: str,
    code: str,
    field: str,
    *,
    params: dict | None = None,
    kind=InvalidInput,
) -> None:
    """``message`` is a catalogue message (``N_``) with its ``params``. ``field`` names the
    payment's field as the form and the API call it (``reference``, ``paid_on``,
    ``amount``, ``bill``, ``nik``, ``first_month``, ``last_month``); the file import turns
    it into its column (``payment_rows.COLUMN_OF_FIELD``)."""
    result.errors.append((request, kind(message, code=code, field=field, params=params)))


def refusal_field(request: PaymentRequest) -> str:
    return "bill" if request.bill is not None else "nik"

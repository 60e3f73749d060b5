"""Writes to bills, payments and refunds, one module a use case: ``bills`` (issue a
program's bill, correct it), ``payments`` (record payments, one or a file's worth;
``allocation`` spreads them over the person-months they pay and writes them),
``reversals`` (reverse a posted payment), ``deaths`` (record a death, settle the refund
it leaves). ``postings`` holds what a posting takes and gives back, ``_guards`` who may
write.

Each use case is one transaction with its audit records; a refusal changes nothing.
Posted bills and payments are never edited: a bill is corrected by a new bill, a
payment by a reversing entry."""

from jaring.billing.services.bills import bill_correct, bill_issue
from jaring.billing.services.deaths import death_record, refund_settle
from jaring.billing.services.payments import payment_record, payments_post
from jaring.billing.services.postings import BillReport, PaymentRequest, PostingResult, refusal_field
from jaring.billing.services.reversals import payment_reverse

__all__ = [
    "BillReport",
    "PaymentRequest",
    "PostingResult",
    "bill_correct",
    "bill_issue",
    "death_record",
    "payment_record",
    "payment_reverse",
    "payments_post",
    "refund_settle",
    "refusal_field",
]

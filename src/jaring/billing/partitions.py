"""Bill lines and paid months, partitioned by the year of their first month on
PostgreSQL (``jaring.partitioning``; migration 0002)."""

from jaring.billing.models import BillLine, PaidMonths
from jaring.partitioning import ByYear

BILL_LINES = ByYear(BillLine._meta.db_table, "first_month", months=True)
PAID_MONTHS = ByYear(PaidMonths._meta.db_table, "first_month", months=True)

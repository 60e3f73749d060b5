"""Audit events, partitioned by the year they were recorded on PostgreSQL
(``jaring.partitioning``; migration 0004). The append-only trigger is on every
partition, a new year's too."""

from jaring.audit.models import AuditEvent
from jaring.partitioning import ByYear

AUDIT_EVENTS = ByYear(AuditEvent._meta.db_table, "at", months=False)

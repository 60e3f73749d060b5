"""Finding and resolving possible duplicates (different NIKs, one person)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from jaring.access.permissions import author
from jaring.access.scoping import Jurisdiction, region_subtree_q
from jaring.audit.services import audit_record
from jaring.errors import InvalidInput
from jaring.i18n import N_
from jaring.registry.models import DuplicateCandidate, DuplicateStatus, Participant
from jaring.registry.names import name_similarity
from jaring.registry.services import participant_set_status
from jaring.registry.vocab import Status

GROUP_CHUNK = 500


def duplicates_scan(*, within: Jurisdiction | None = None, threshold: float | None = None) -> int:
    """Queue pairs with the same birth date in the same district and similar names.

    Set-based: SQL finds the (district, birth date) groups holding more than one
    person; names are compared only inside those small groups. Returns how many new
    pairs were queued; pairs already queued or decided are left alone.
    """
    threshold = threshold if threshold is not None else getattr(settings, "JARING_DUPLICATE_THRESHOLD", 90)
    people = Participant.objects.filter(merged_into__isnull=True).exclude(status=Status.EXITED)
    if within is not None:
        people = people.filter(within.q("village_id"))
    groups = (
        people.annotate(district=Substr("village_id", 1, 6))
        .values("district", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    found = 0
    batch = []
    for group in groups.iterator(chunk_size=2000):
        batch.append((group["district"], group["birth_date"]))
        if len(batch) >= GROUP_CHUNK:
            found += _compare(people, batch, threshold)
            batch = []
    if batch:
        found += _compare(people, batch, threshold)
    return found


def _compare(people, groups, threshold) -> int:
    condition = Q()
    for district, birth in groups:
        condition |= Q(birth_date=birth) & region_subtree_q("village_id", district)
    members = defaultdict(list)
    for pk, village, birth, name in people.filter(condition).values_list(
        "id", "village_id", "birth_date", "full_name"
    ):
        members[(village[:6], birth)].append((pk, name))
    pairs = []
    for (district, _birth), rows in members.items():
        rows.sort()
        for i, (a_id, a_name) in enumerate(rows):
            for b_id, b_name in rows[i + 1 :]:
                score = name_similarity(a_name, b_name)
                if score >= threshold:
                    pairs.append(
                        DuplicateCandidate(first_id=a_id, second_id=b_id, district_code=district, score=score)
                    )
    before = DuplicateCandidate.objects.count()
    DuplicateCandidate.objects.bulk_create(pairs, ignore_conflicts=True, batch_size=1000)
    return DuplicateCandidate.objects.count() - before


@transaction.atomic
def duplicate_decide(
    *, actor, candidate: DuplicateCandidate, same: bool, keep: Participant | None = None
) -> DuplicateCandidate:
    """Mark a pair as different people, or merge it: the record not kept is marked
    exited and points at the kept one; both keep their history and audit trail."""
    pair = (
        DuplicateCandidate.objects.select_for_update().select_related("first", "second").get(pk=candidate.pk)
    )
    if pair.status != DuplicateStatus.OPEN:
        raise InvalidInput(N_("Pasangan ini sudah diputuskan."), code="duplicate_decided")
    pair.decided_by = author(actor)
    pair.decided_at = timezone.now()
    if not same:
        pair.status = DuplicateStatus.DIFFERENT
        pair.save()
        audit_record(
            actor=actor,
            action="participant.duplicate_different",
            target_type="participant",
            target_id=pair.first_id,
            target_repr=str(pair.first),
            changes={"duplicate_of": [None, pair.second_id], "decision": [None, "different"]},
            region_code=pair.first.village_id,
        )
        return pair
    if keep is None or keep.pk not in (pair.first_id, pair.second_id):
        raise InvalidInput(
            N_("Pilih data yang dipertahankan (salah satu dari pasangan ini)."),
            code="duplicate_keep_missing",
            field="keep",
        )
    kept = pair.first if keep.pk == pair.first_id else pair.second
    merged = pair.second if kept is pair.first else pair.first
    participant_set_status(
        actor=actor,
        participant=merged,
        status=Status.EXITED,
        reason=f"digabung ke peserta #{kept.pk} (NIK ganda)",
    )
    Participant.objects.filter(pk=merged.pk).update(merged_into=kept)
    pair.status = DuplicateStatus.SAME
    pair.save()
    audit_record(
        actor=actor,
        action="participant.merge",
        target_type="participant",
        target_id=merged.pk,
        target_repr=str(merged),
        changes={"merged_into": [None, kept.pk]},
        region_code=merged.village_id,
    )
    return pair

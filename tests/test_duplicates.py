from datetime import date

import pytest
from django.core.management import call_command

from jaring.audit.models import AuditEvent
from jaring.errors import InvalidInput
from jaring.registry.duplicates import duplicate_decide, duplicates_scan
from jaring.registry.models import DuplicateCandidate, Participant
from jaring.registry.services import participants_upsert

from .factories import participant_record


def _rec(nik: str, name: str, village: str = "1504012003", birth: date = date(1985, 3, 12)):
    return participant_record(nik=nik, full_name=name, village=village, birth_date=birth)


@pytest.fixture
def pairs(demo):
    return participants_upsert(
        actor=None,
        records=[
            _rec("1504011203850001", "Muhammad Yusuf"),
            _rec("1504011203850002", "Muhamad Yusuf"),  # same person, typo, another NIK
            _rec("1504011203850003", "Ahmad Yani"),  # same birth date, different name
            _rec(
                "1504011203850004", "Muhammad Yusuf", village="1504021001"
            ),  # other district (Muara Tembesi)
            _rec("1504011303850005", "Muhammad Yusuf", birth=date(1985, 3, 13)),  # other birth date
        ],
    ).participants


def test_scan_queues_only_same_district_same_birth_similar_names(pairs):
    assert duplicates_scan() == 1
    pair = DuplicateCandidate.objects.get()
    assert (pair.first_id, pair.second_id) == (pairs[0].pk, pairs[1].pk)
    assert pair.district_code == "150401"
    assert duplicates_scan() == 0  # already queued


def test_different_people_stay_apart_and_are_not_queued_again(pairs, demo):
    duplicates_scan()
    pair = DuplicateCandidate.objects.get()
    duplicate_decide(actor=demo.user("desa.operator"), candidate=pair, same=False)
    assert duplicates_scan() == 0
    assert Participant.objects.filter(status="exited").count() == 0


def test_same_person_is_merged_keeping_history(pairs, demo):
    duplicates_scan()
    pair = DuplicateCandidate.objects.get()
    with pytest.raises(InvalidInput, match="Pilih data"):
        duplicate_decide(actor=demo.user("desa.operator"), candidate=pair, same=True)
    duplicate_decide(actor=demo.user("desa.operator"), candidate=pair, same=True, keep=pairs[0])
    merged = Participant.objects.get(pk=pairs[1].pk)
    assert (merged.status, merged.merged_into_id) == ("exited", pairs[0].pk)
    assert [c.to_status for c in merged.status_changes.all()] == ["registered", "exited"]
    assert AuditEvent.objects.filter(action="participant.merge", target_id=str(merged.pk)).exists()
    with pytest.raises(InvalidInput, match="sudah diputuskan"):
        duplicate_decide(actor=demo.user("desa.operator"), candidate=pair, same=False)


def test_review_page_and_decision_through_the_web(pairs, demo):
    duplicates_scan()
    pair = DuplicateCandidate.objects.get()
    client = demo.client("desa.operator")
    html = client.get("/peserta/duplikat/").content.decode()
    assert "Muhamad Yusuf" in html and "Muhammad Yusuf" in html
    assert "Muhamad Yusuf" in client.get(f"/peserta/{pairs[0].pk}/").content.decode()
    viewer = demo.client("jambi.viewer")
    assert viewer.post(f"/peserta/duplikat/{pair.pk}/", {"keputusan": "beda"}).status_code == 403
    assert (
        demo.client("kotajambi.operator")
        .post(f"/peserta/duplikat/{pair.pk}/", {"keputusan": "beda"})
        .status_code
        == 404
    )
    client.post(f"/peserta/duplikat/{pair.pk}/", {"keputusan": "sama", "pertahankan": str(pairs[0].pk)})
    pair.refresh_from_db()
    assert pair.status == "same"


def test_scan_command_limited_to_a_region(pairs):
    call_command("scan_duplicates", "--region", "15.71")
    assert not DuplicateCandidate.objects.exists()
    call_command("scan_duplicates", "--region", "15.04")
    assert DuplicateCandidate.objects.count() == 1

"""Test data builders."""

from datetime import date

from jaring.registry.rows import ParticipantRecord


def participant_record(serial: int = 1, *, village: str = "1504012003", **overrides) -> ParticipantRecord:
    """A valid record: a man born 12-03-1985, first registered in the village's district."""
    defaults = {
        "nik": f"{village[:6]}120385{serial:04d}",
        "full_name": f"Peserta {serial}",
        "birth_date": date(1985, 3, 12),
        "sex": "L",
        "village_code": village,
        "address": "",
        "phone": "",
        "occupation": "petani",
        "category": "lainnya",
        "kpj_number": "",
        "dtsen_ref": "",
        "welfare_decile": None,
    }
    return ParticipantRecord(**{**defaults, **overrides})

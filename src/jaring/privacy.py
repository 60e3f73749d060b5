"""Masking personal data for roles that have no need for it. Pure: no Django import."""

from __future__ import annotations

import re

NIK_LENGTH = 16
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_nik(nik: str) -> str:
    """``1501234567890001`` -> ``1501********0001``."""
    if len(nik) != NIK_LENGTH:
        return "*" * len(nik)
    return nik[:4] + "*" * 8 + nik[12:]


def mask_niks_in_text(text: str) -> str:
    """Mask every 16-digit number (a NIK) inside a text."""
    return _NIK_IN_TEXT.sub(lambda match: mask_nik(match.group()), text)

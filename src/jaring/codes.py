"""Kemendagri region codes (Permendagri 58/2021 scheme), as pure rules.

Canonical form is the code without dots: province ``15``, regency/city ``1571``,
district ``157101``, village ``1571011001``. People type and read the dotted form
(``15.71.01.1001``); both are accepted. Codes are hierarchical prefixes, so "every
region under X" is a range scan ``X <= code < next(X)`` on an ordinary index.
"""

from __future__ import annotations

import re
from enum import StrEnum

from jaring.errors import InvalidInput
from jaring.i18n import N_


class Level(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    DISTRICT = "district"
    VILLAGE = "village"


LENGTH_BY_LEVEL = {Level.PROVINCE: 2, Level.REGENCY: 4, Level.DISTRICT: 6, Level.VILLAGE: 10}
LEVEL_BY_LENGTH = {length: level for level, length in LENGTH_BY_LEVEL.items()}
LEVEL_ORDER = [Level.PROVINCE, Level.REGENCY, Level.DISTRICT, Level.VILLAGE]
_DOTTED_GROUPS = (2, 2, 2, 4)
_SEPARATORS = re.compile(r"[.\s]")


class InvalidRegionCode(InvalidInput):
    code = "invalid_region_code"


def normalize(raw: str | int) -> str:
    """Return the canonical (undotted) code or raise InvalidRegionCode.

    >>> normalize("15.71.01.1001")
    '1571011001'
    """
    text = _SEPARATORS.sub("", str(raw).strip())
    if not text.isdigit() or not text.isascii():
        raise InvalidRegionCode(
            N_(
                "Kode wilayah '%(code)s' tidak valid: hanya angka dan titik yang boleh dipakai "
                "(contoh 15.04 atau 1504)."
            ),
            params={"code": str(raw)},
        )
    if len(text) not in LEVEL_BY_LENGTH:
        raise InvalidRegionCode(
            N_(
                "Kode wilayah '%(code)s' tidak valid: panjangnya harus 2 (provinsi), 4 (kabupaten/kota), "
                "6 (kecamatan) atau 10 angka (desa/kelurahan)."
            ),
            params={"code": str(raw)},
        )
    return text


def try_normalize(raw: str | int) -> str | None:
    try:
        return normalize(raw)
    except InvalidRegionCode:
        return None


def level_of(code: str) -> Level:
    return LEVEL_BY_LENGTH[len(normalize(code))]


def dotted(code: str) -> str:
    """``1571011001`` -> ``15.71.01.1001``."""
    parts, start = [], 0
    for size in _DOTTED_GROUPS:
        if start >= len(code):
            break
        parts.append(code[start : start + size])
        start += size
    return ".".join(parts)


def parent_of(code: str) -> str | None:
    index = LEVEL_ORDER.index(level_of(code))
    if index == 0:
        return None
    return code[: LENGTH_BY_LEVEL[LEVEL_ORDER[index - 1]]]


def ancestors_of(code: str) -> list[str]:
    """Ancestors from the province down, excluding the code itself."""
    chain = []
    parent = parent_of(code)
    while parent:
        chain.append(parent)
        parent = parent_of(parent)
    return list(reversed(chain))


def is_within(code: str, ancestor: str) -> bool:
    """True when ``code`` is ``ancestor`` itself or lies beneath it."""
    return code.startswith(ancestor)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest digit string greater than every string starting with ``prefix``.

    ``1504`` -> ``1505``; ``1599`` -> ``16``; ``99`` -> None (no upper bound).
    Digit strings compare the same way in every collation, so the range
    ``prefix <= code < bound`` is index-friendly on SQLite and PostgreSQL alike.
    Anything but ASCII digits (``15+``, ``KATEGORI``) is refused: normalize it first.
    """
    if prefix and not (prefix.isascii() and prefix.isdigit()):
        raise InvalidRegionCode(
            N_("Kode wilayah '%(code)s' tidak valid: hanya angka yang boleh dipakai (contoh 1504)."),
            params={"code": prefix},
        )
    stripped = prefix.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def village_is_kelurahan(code: str) -> bool:
    """In a village code the 4-digit part starts with 1 for a kelurahan, 2 for a desa."""
    return level_of(code) == Level.VILLAGE and code[6] == "1"


def collapse(codes: list[str]) -> list[str]:
    """Drop codes already covered by another code in the list; sort the rest."""
    result: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(kept) for kept in result):
            result.append(code)
    return sorted(result)


def intersect(first: list[str] | None, second: list[str] | None) -> list[str] | None:
    """The regions inside both lists of roots (``None``: everywhere), collapsed."""
    if first is None:
        return second
    if second is None:
        return first
    return collapse(
        [a if a.startswith(b) else b for a in first for b in second if a.startswith(b) or b.startswith(a)]
    )


def common_ancestor(codes: list[str]) -> str | None:
    """The deepest region code that contains every code given, or None."""
    if not codes:
        return None
    candidate = min(codes, key=len)
    for length in (10, 6, 4, 2):
        if length > len(candidate):
            continue
        prefix = candidate[:length]
        if all(c.startswith(prefix) for c in codes):
            return prefix
    return None

"""Name similarity for possible duplicates, as pure functions (rapidfuzz)."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Honorifics and titles that say nothing about who a person is.
_TITLES = {
    "h",
    "hj",
    "haji",
    "hajjah",
    "drs",
    "dra",
    "ir",
    "dr",
    "st",
    "sh",
    "se",
    "spd",
    "amd",
    "bapak",
    "bpk",
    "ibu",
    "bu",
    "pak",
    "sdr",
    "sdri",
    "alm",
    "almh",
    "ust",
    "ustadz",
    "kh",
    "tgk",
    "teungku",
}


def normalize_name(name: str) -> str:
    """Lowercase ASCII words without titles, punctuation or repeated spaces."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z]+", text.lower().replace("'", "").replace("\u2019", ""))
    return " ".join(word for word in words if word not in _TITLES)


def name_similarity(a: str, b: str) -> float:
    """0-100; word order does not matter ("Siti Aminah" ~ "Aminah Siti")."""
    left, right = normalize_name(a), normalize_name(b)
    if not left or not right:
        return 0.0
    return max(fuzz.token_sort_ratio(left, right), fuzz.ratio(left.replace(" ", ""), right.replace(" ", "")))

import pytest

from jaring.registry.names import name_similarity, normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hj. Siti Aminah", "siti aminah"),
        ("  BUDI   santoso, S.Pd ", "budi santoso s pd"),
        ("Nur\u2019aini", "nuraini"),
    ],
)
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Siti Aminah", "Siti Aminah", True),
        ("Siti Aminah", "Aminah Siti", True),
        ("Hj. Siti Aminah", "Siti Aminah", True),
        ("Muhammad Yusuf", "Muhamad Yusuf", True),
        ("Nuraini", "Nur Aini", True),
        ("Siti Aminah", "Siti Rohani", False),
        ("Ahmad Yani", "Budi Santoso", False),
    ],
)
def test_similar_names_score_high_and_different_names_low(a, b, similar):
    assert (name_similarity(a, b) >= 90) is similar

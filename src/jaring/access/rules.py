"""Pure rules about organizations and their jurisdictions (no Django import)."""

from __future__ import annotations

from enum import StrEnum
from functools import reduce

from jaring import codes
from jaring.codes import Level
from jaring.errors import InvalidInput
from jaring.formats import figures
from jaring.i18n import N_


class OrgKind(StrEnum):
    PROVINCE = "province"
    REGENCY = "regency"
    VILLAGE = "village"
    BPJS_BRANCH = "bpjs_branch"
    BPJS_REGIONAL = "bpjs_regional"
    DONOR = "donor"


class Role(StrEnum):
    ADMIN = "admin"
    OPERATOR = "operator"
    VIEWER = "viewer"


# Which region levels a jurisdiction of each kind is made of, and how many codes.
JURISDICTION_SHAPE: dict[OrgKind, tuple[set[Level], bool]] = {
    OrgKind.PROVINCE: ({Level.PROVINCE}, False),
    OrgKind.REGENCY: ({Level.REGENCY}, False),
    OrgKind.VILLAGE: ({Level.VILLAGE}, False),
    OrgKind.BPJS_BRANCH: ({Level.REGENCY}, True),
    OrgKind.BPJS_REGIONAL: ({Level.PROVINCE}, True),
    OrgKind.DONOR: (set(Level), True),
}

LEVEL_LABEL = {
    Level.PROVINCE: N_("provinsi"),
    Level.REGENCY: N_("kabupaten/kota"),
    Level.DISTRICT: N_("kecamatan"),
    Level.VILLAGE: N_("desa/kelurahan"),
}


def levels_text(levels) -> str:
    """The region levels as the reader reads them: "kabupaten/kota atau desa/kelurahan"."""
    labels = [figures.text(LEVEL_LABEL[Level(level)]) for level in levels]
    return reduce(
        lambda one, other: figures.text(N_("%(one)s atau %(other)s"), {"one": one, "other": other}), labels
    )


# A government admin may set up the organizations of the levels beneath it.
SUBORDINATE_KINDS: dict[OrgKind, set[OrgKind]] = {
    OrgKind.PROVINCE: {OrgKind.REGENCY, OrgKind.VILLAGE},
    OrgKind.REGENCY: {OrgKind.VILLAGE},
}


def normalize_organization_code(raw: object) -> str:
    """An organization code as stored: trimmed and lower case, so ``GP-BH``, ``gp-bh`` and
    `` Gp-Bh `` name one organization in every CLI option, API field, form and filter."""
    return str(raw or "").strip().lower()


def validate_jurisdiction(kind: OrgKind | str, raw_codes: list[str]) -> list[str]:
    """Normalise a jurisdiction and check it fits the organization kind."""
    kind = OrgKind(kind)
    normalized = [codes.normalize(code) for code in raw_codes if str(code).strip()]
    if not normalized:
        raise InvalidInput(N_("Wilayah kerja wajib diisi: minimal satu kode wilayah."), field="regions")
    levels, many = JURISDICTION_SHAPE[kind]
    for code in normalized:
        if codes.level_of(code) not in levels:
            wanted = levels_text(sorted(levels, key=codes.LEVEL_ORDER.index))
            raise InvalidInput(
                N_(
                    "Kode %(code)s bukan kode %(levels)s; organisasi jenis ini "
                    "hanya boleh berwilayah kerja %(levels)s."
                ),
                params={"code": codes.dotted(code), "levels": wanted},
                field="regions",
            )
    collapsed = codes.collapse(normalized)
    if not many and len(collapsed) != 1:
        raise InvalidInput(
            N_("Organisasi jenis ini hanya boleh memiliki satu wilayah kerja."), field="regions"
        )
    return collapsed

from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from jaring.api_input import PageNumberPagination
from jaring.regions import selectors

router = Router(tags=["Wilayah"])


class RegionOut(Schema):
    code: str
    code_dotted: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    district_count: int
    village_count: int

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent_id


@router.get("", response=list[RegionOut], summary="Cari wilayah (nama atau kode)")
def search_regions(request, q: str = "", level: str | None = None):
    """Search by name or code (with or without dots). Without `q`, the roots of the
    caller's jurisdiction."""
    if not q:
        return list(selectors.jurisdiction_roots(request.user))
    return selectors.regions_search(request.user, q, level=level)


@router.get("/{code}", response=RegionOut, summary="Satu wilayah menurut kode")
def get_region(request, code: str):
    return selectors.region_get(request.user, code)


@router.get("/{code}/children", response=list[RegionOut], summary="Wilayah di bawahnya")
@paginate(PageNumberPagination, page_size=100)
def region_children(request, code: str):
    region = selectors.region_get(request.user, code)
    return selectors.region_children(request.user, region)

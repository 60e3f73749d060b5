from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jaring.access.scoping import jurisdiction_of
from jaring.regions import selectors
from jaring.regions.models import RegionLevel

SORTS = {"kode": "code", "nama": "name", "-desa": "-village_count"}


@login_required
def region_search(request):
    query = request.GET.get("q", "").strip()
    level = request.GET.get("tingkat", "")
    if level not in RegionLevel.values:
        level = ""
    results = selectors.regions_search(request.user, query, level=level or None) if query else []
    return render(
        request,
        "regions/search.html",
        {
            "query": query,
            "level": level,
            "levels": RegionLevel.choices,
            "results": results,
            "truncated": len(results) >= selectors.SEARCH_LIMIT,
        },
    )


@login_required
def region_detail(request, code: str):
    region = selectors.region_get(request.user, code)
    sort = request.GET.get("urut", "kode")
    children = selectors.region_children(request.user, region).order_by(SORTS.get(sort, "code"), "code")
    jurisdiction = jurisdiction_of(request.user)
    breadcrumb = [(r, jurisdiction.contains(r.code)) for r in selectors.region_breadcrumb(region)]
    return render(
        request,
        "regions/detail.html",
        {"region": region, "children": children, "breadcrumb": breadcrumb, "sort": sort},
    )

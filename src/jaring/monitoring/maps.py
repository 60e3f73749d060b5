"""Choropleth maps of regencies as inline SVG, drawn on the server. Pure: no Django.

The shipped boundaries (GeoJSON, WGS84) are projected equirectangularly (longitude
scaled by the cosine of the middle latitude) into a box of a fixed width; points
are rounded to a tenth of a pixel and repeated points dropped, which also thins
the national map. The same SVG goes into pages and, later, the monev PDF
(WeasyPrint renders SVG), so colours are ``fill`` attributes (presentation
attributes, allowed by the page's CSP) and also CSS classes for the legend.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

MAP_WIDTH = 640
PADDING = 6


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str  # SVG path data, every ring of the regency in one path


@dataclass(frozen=True)
class ProjectedMap:
    width: int
    height: int
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class Bin:
    css_class: str
    fill: str
    low: Decimal  # inclusive
    label: str


@dataclass(frozen=True)
class Scale:
    key: str
    title: str
    bins: tuple[Bin, ...]

    def bin_for(self, value: Decimal | None) -> Bin | None:
        if value is None:
            return None
        chosen = None
        for candidate in self.bins:
            if value >= candidate.low:
                chosen = candidate
        return chosen or self.bins[0]


@dataclass(frozen=True)
class Paint:
    css_class: str
    fill: str
    title: str
    href: str | None = None


# Sequential colours (ColorBrewer YlGn and Blues), light = low.
COVERAGE = Scale(
    "cakupan",
    "Cakupan kepesertaan",
    (
        Bin("cov-0", "#ffffcc", Decimal(0), "< 20%"),
        Bin("cov-1", "#d9f0a3", Decimal(20), "20 - < 30%"),
        Bin("cov-2", "#addd8e", Decimal(30), "30 - < 40%"),
        Bin("cov-3", "#78c679", Decimal(40), "40 - < 50%"),
        Bin("cov-4", "#31a354", Decimal(50), "50 - < 60%"),
        Bin("cov-5", "#006837", Decimal(60), "\u2265 60%"),
    ),
)
FUNNEL = Scale(
    "dana",
    "Dana yang sampai di rekening desa",
    (
        Bin("fun-0", "#eff3ff", Decimal(0), "< 20%"),
        Bin("fun-1", "#bdd7e7", Decimal(20), "20 - < 40%"),
        Bin("fun-2", "#6baed6", Decimal(40), "40 - < 60%"),
        Bin("fun-3", "#3182bd", Decimal(60), "60 - < 80%"),
        Bin("fun-4", "#08519c", Decimal(80), "\u2265 80%"),
    ),
)
SCALES = {COVERAGE.key: COVERAGE, FUNNEL.key: FUNNEL}
NO_DATA = Bin("nodata", "#dee2e6", Decimal(0), "Belum ada data")
OUTSIDE = Bin("outside", "#f8f9fa", Decimal(0), "Di luar wilayah kerja")


def _polygons(geometry: Mapping) -> list[list[list[Sequence[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def project(
    features: Iterable[Mapping], *, width: int = MAP_WIDTH, padding: int = PADDING, min_step: float = 0.5
) -> ProjectedMap:
    """Project regency features (GeoJSON, lon/lat) into an SVG box ``width`` wide,
    dropping points closer than ``min_step`` pixels to the last one kept."""
    features = [f for f in features if _polygons(f["geometry"])]
    points = [
        point
        for feature in features
        for polygon in _polygons(feature["geometry"])
        for ring in polygon
        for point in ring
    ]
    if not points:
        return ProjectedMap(width, 0, ())
    min_lng = min(p[0] for p in points)
    max_lng = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lng - min_lng) * x_factor, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (width - 2 * padding) / span_x
    height = math.ceil(span_y * scale + 2 * padding)

    def raw_xy(point: Sequence[float]) -> tuple[float, float]:
        return padding + (point[0] - min_lng) * x_factor * scale, padding + (max_lat - point[1]) * scale

    def xy(point: Sequence[float]) -> tuple[str, str]:
        x, y = raw_xy(point)
        return _number(x), _number(y)

    shapes = []
    for feature in features:
        rings = []
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                kept: list[tuple[str, str]] = []
                last: tuple[float, float] | None = None
                for point in ring:
                    here = raw_xy(point)
                    if last is not None and math.dist(here, last) < min_step:
                        continue
                    last = here
                    projected = (_number(here[0]), _number(here[1]))
                    if not kept or kept[-1] != projected:
                        kept.append(projected)
                if len(set(kept)) >= 3:
                    rings.append(kept)
        if not rings:  # a regency smaller than a pixel still gets a visible dot
            x, y = xy(_polygons(feature["geometry"])[0][0][0])
            rings.append([(x, y), (_number(float(x) + 1), y), (x, _number(float(y) + 1))])
        d = "".join("M" + "L".join(f"{x} {y}" for x, y in ring) + "Z" for ring in rings)
        props = feature["properties"]
        shapes.append(Shape(code=props["code"], name=props.get("name", props["code"]), d=d))
    return ProjectedMap(width, height, tuple(shapes))


def render_svg(
    projected: ProjectedMap,
    paints: Mapping[str, Paint],
    *,
    title: str,
    default: Paint,
    highlight: str | None = None,
) -> str:
    """The map as one ``<svg>``: a ``<path>`` per regency with its colour class, fill and
    ``<title>`` tooltip, wrapped in an ``<a>`` when it links somewhere. All text is escaped."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="choropleth" viewBox="0 0 {projected.width} '
        f'{projected.height}" width="{projected.width}" height="{projected.height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    # The highlighted regency last, so its outline is drawn over its neighbours'.
    for shape in sorted(projected.shapes, key=lambda s: s.code == highlight):
        paint = paints.get(shape.code, default)
        css = f"region {paint.css_class}" + (" current" if shape.code == highlight else "")
        stroke = ' stroke="#212529" stroke-width="2"' if shape.code == highlight else ' stroke="#ffffff"'
        path = (
            f'<path class="{css}" data-code="{escape(shape.code)}" fill="{escape(paint.fill)}"{stroke} '
            f'd="{shape.d}"><title>{escape(paint.title)}</title></path>'
        )
        if paint.href:
            path = f'<a href="{escape(paint.href)}">{path}</a>'
        parts.append(path)
    parts.append("</svg>")
    return "".join(parts)

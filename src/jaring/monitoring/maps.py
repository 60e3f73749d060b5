"""Choropleth maps of regencies as inline SVG, drawn on the server. Pure: no Django.

The shipped boundaries (GeoJSON, WGS84) are projected equirectangularly (longitude
scaled by the cosine of the middle latitude) into a box of a fixed width; points
are rounded to a tenth of a pixel and repeated points dropped, which also thins
the national map. The same SVG goes into pages and the monev PDF (WeasyPrint
renders SVG), so colours are ``fill`` attributes (presentation attributes, allowed
by the page's CSP) and also CSS classes for the legend. On paper there is no
tooltip: each regency can carry a short label (its number in the report's key),
drawn where its largest piece is widest (``label_point``, worked out only for the
maps that carry labels).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from jaring.i18n import N_

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
    N_("Cakupan kepesertaan"),
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
    N_("Dana yang sampai di rekening desa"),
    (
        Bin("fun-0", "#eff3ff", Decimal(0), "< 20%"),
        Bin("fun-1", "#bdd7e7", Decimal(20), "20 - < 40%"),
        Bin("fun-2", "#6baed6", Decimal(40), "40 - < 60%"),
        Bin("fun-3", "#3182bd", Decimal(60), "60 - < 80%"),
        Bin("fun-4", "#08519c", Decimal(80), "\u2265 80%"),
    ),
)
SCALES = {COVERAGE.key: COVERAGE, FUNNEL.key: FUNNEL}
NO_DATA = Bin("nodata", "#dee2e6", Decimal(0), N_("Belum ada data"))
OUTSIDE = Bin("outside", "#f8f9fa", Decimal(0), N_("Di luar wilayah kerja"))


def _polygons(geometry: Mapping) -> list[list[list[Sequence[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


Ring = Sequence[tuple[float, float]]


def _edges(ring: Ring):
    """Each edge of a closed ring as ((x0, y0), (x1, y1)), the last back to the first."""
    return zip(ring, [*ring[1:], ring[0]], strict=True)


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a shape's path data (``M x yL x y ... Z``, as ``project`` writes it)."""
    return [
        [(float(x), float(y)) for x, y in (point.split(" ") for point in ring.split("L"))]
        for ring in d.replace("Z", "").split("M")
        if ring
    ]


def _area(ring: Ring) -> float:
    """Shoelace formula."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(ring))) / 2


def _inside(ring: Ring, x: float, y: float) -> bool:
    """Even-odd rule: the ring's edges crossed by a ray from the point to the left."""
    crossings = 0
    for (x0, y0), (x1, y1) in _edges(ring):
        if (y0 <= y) != (y1 <= y) and x0 + (y - y0) * (x1 - x0) / (y1 - y0) < x:
            crossings += 1
    return crossings % 2 == 1


def _edge_distance(ring: Ring, x: float, y: float) -> float:
    """The distance from the point to the nearest edge of the ring."""
    best = math.inf
    for (x0, y0), (x1, y1) in _edges(ring):
        dx, dy = x1 - x0, y1 - y0
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / length))
        best = min(best, math.hypot(x - x0 - t * dx, y - y0 - t * dy))
    return best


LABEL_RING_POINTS = 160


def label_point(rings: Sequence[Ring], *, grid: int = 9, rounds: int = 3) -> tuple[float, float]:
    """Where a label sits best in a shape: inside its largest ring, as far from that
    ring's edges as a grid search finds (``grid`` x ``grid`` points over the ring's box,
    then ``rounds`` finer grids around the best point): the middle of a long thin
    regency, not its centroid, which may lie outside a crescent."""
    ring = max(rings, key=_area)
    if len(ring) > LABEL_RING_POINTS:  # a coarser outline places a label as well, and faster
        ring = ring[:: math.ceil(len(ring) / LABEL_RING_POINTS)]
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    best = (-1.0, (sum(xs) / len(xs), sum(ys) / len(ys)))
    left, top, width, height = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
    for _ in range(rounds):
        for i in range(grid):
            for j in range(grid):
                x = left + width * (i + 0.5) / grid
                y = top + height * (j + 0.5) / grid
                if _inside(ring, x, y):
                    distance = _edge_distance(ring, x, y)
                    if distance > best[0]:
                        best = (distance, (x, y))
        (cx, cy), width, height = best[1], width * 2 / grid, height * 2 / grid
        left, top = cx - width / 2, cy - height / 2
    return round(best[1][0], 1), round(best[1][1], 1)


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
    labels: Mapping[str, str] | None = None,
) -> str:
    """The map as one ``<svg>``: a ``<path>`` per regency with its colour class, fill and
    ``<title>`` tooltip, wrapped in an ``<a>`` when it links somewhere; ``labels`` (code ->
    short text, e.g. the regency's number in a key) are drawn over the shapes, each in a
    white disc so it reads on any fill. All text is escaped."""
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
    for shape in projected.shapes:
        text = (labels or {}).get(shape.code)
        if text:
            parts.append(_label(label_point(_rings(shape.d)), text))
    parts.append("</svg>")
    return "".join(parts)


LABEL_SIZE = 11  # font size of a label, in map pixels (the map is 640 wide)


def _label(at: tuple[float, float], text: str) -> str:
    x, y = at
    radius = LABEL_SIZE * (0.45 + 0.3 * len(text))
    return (
        f'<g class="map-label"><circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(radius)}" '
        f'fill="#ffffff" fill-opacity="0.9" stroke="#212529" stroke-width="0.8"/>'
        f'<text x="{_number(x)}" y="{_number(y + LABEL_SIZE * 0.36)}" text-anchor="middle" '
        f'font-family="DejaVu Sans, sans-serif" font-size="{LABEL_SIZE}" font-weight="bold" '
        f'fill="#212529">{escape(text)}</text></g>'
    )

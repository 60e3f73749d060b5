"""Charts of the monev PDF as inline SVG, drawn on the server (paper runs no script).
Pure: no Django.

``line_chart`` draws one series of percentages month by month (coverage) with a dashed
reference series (the target), each point labelled with its value so the page reads
without a ruler. The caller gives the texts (month labels, value format), so the chart
knows nothing of languages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 30, 40  # margins: axis labels, legend, month labels
LINE = "#0b5d3b"  # the report's green
REFERENCE = "#c2410c"  # the target, in a colour that prints apart from the green
GRID = "#d9e2dc"
INK = "#1d2b24"
FONT = 'font-family="DejaVu Sans, sans-serif"'


@dataclass(frozen=True)
class Point:
    label: tuple[str, ...]  # the x label, one text per line (e.g. month, then year)
    value: float | None
    reference: float | None = None


def _axis(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of the y axis: whole tens around the values (fives when they
    lie within twenty points), never below zero."""
    low, high = min(values), max(values)
    step = 5.0 if high - low <= 20 else 10.0
    bottom = max(0.0, math.floor((low - step / 2) / step) * step)
    top = math.ceil((high + step / 2) / step) * step
    return bottom, max(top, bottom + step), step


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    series: str,
    reference: str,
    value_text: Callable[[float], str],
    axis_text: Callable[[float], str],
) -> str:
    """The points as one ``<svg>``: the series as a line with a labelled dot per point
    (a gap where a point has no value), the reference dashed, a legend naming both.
    Empty string when no point has a value. All text is escaped."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return ""
    references = [p.reference for p in points if p.reference is not None]
    low, high, step = _axis(values + references)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)

    def x(index: int) -> float:
        return LEFT + slot * (index + 0.5)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    tick = low
    while tick <= high + 1e-9:
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y(tick))}" y2="{_n(y(tick))}" '
            f'stroke="{GRID}" stroke-width="0.8"/>'
            f'<text x="{LEFT - 6}" y="{_n(y(tick) + 3.5)}" text-anchor="end" {FONT} font-size="10" '
            f'fill="{INK}">{escape(axis_text(tick))}</text>'
        )
        tick += step
    for index, point in enumerate(points):
        for line, text in enumerate(point.label):
            parts.append(
                f'<text x="{_n(x(index))}" y="{HEIGHT - BOTTOM + 15 + 12 * line}" text-anchor="middle" '
                f'{FONT} font-size="10" fill="{INK}">{escape(text)}</text>'
            )

    def polylines(
        pick: Callable[[Point], float | None], *, steps: bool = False
    ) -> list[list[tuple[float, float]]]:
        """Runs of consecutive points with a value; ``steps``: each value held across its
        month's slot (a target is set per year, it does not slide from one to the next)."""
        runs: list[list[tuple[float, float]]] = [[]]
        for index, point in enumerate(points):
            value = pick(point)
            if value is None:
                runs.append([])
            elif steps:
                runs[-1] += [(x(index) - slot / 2, y(value)), (x(index) + slot / 2, y(value))]
            else:
                runs[-1].append((x(index), y(value)))
        return [run for run in runs if run]

    def path(run: list[tuple[float, float]], attributes: str) -> str:
        if len(run) == 1:  # one month alone: a short stroke so it still shows
            (px, py) = run[0]
            run = [(px - slot / 3, py), (px + slot / 3, py)]
        d = "M" + "L".join(f"{_n(px)} {_n(py)}" for px, py in run)
        return f'<path d="{d}" fill="none" {attributes}/>'

    for run in polylines(lambda p: p.reference, steps=True):
        parts.append(path(run, f'stroke="{REFERENCE}" stroke-width="1.6" stroke-dasharray="6 4"'))
    for run in polylines(lambda p: p.value):
        parts.append(path(run, f'stroke="{LINE}" stroke-width="2.2"'))
    for index, point in enumerate(points):
        if point.value is None:
            continue
        px, py = x(index), y(point.value)
        text = value_text(point.value)
        width = 5.6 * len(text)  # 9-pixel type, about 0.6 em a character
        parts.append(  # the value on a white ground, readable where it crosses the target
            f'<circle cx="{_n(px)}" cy="{_n(py)}" r="3" fill="{LINE}"/>'
            f'<rect x="{_n(px - width / 2)}" y="{_n(py - 16)}" width="{_n(width)}" height="11" '
            f'fill="#ffffff" fill-opacity="0.85"/>'
            f'<text x="{_n(px)}" y="{_n(py - 7)}" text-anchor="middle" {FONT} font-size="9" '
            f'fill="{INK}">{escape(text)}</text>'
        )
    legend_y = 12
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + 22}" y1="{legend_y}" y2="{legend_y}" stroke="{LINE}" '
        f'stroke-width="2.2"/><text x="{LEFT + 28}" y="{legend_y + 3.5}" {FONT} font-size="10" '
        f'fill="{INK}">{escape(series)}</text>'
    )
    if references:
        at = LEFT + 40 + 7 * len(series)
        parts.append(
            f'<line x1="{at}" x2="{at + 22}" y1="{legend_y}" y2="{legend_y}" stroke="{REFERENCE}" '
            f'stroke-width="1.6" stroke-dasharray="6 4"/><text x="{at + 28}" y="{legend_y + 3.5}" '
            f'{FONT} font-size="10" fill="{INK}">{escape(reference)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)

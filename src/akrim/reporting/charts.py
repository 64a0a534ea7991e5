"""Server-rendered SVG charts: bar and line charts as strings.

Each chart has a ``<title>`` and ``<desc>`` (screen readers), black-and-white safe marks
(hatch patterns for the second series, dashed lines, direct value labels) and only SVG
presentation attributes (the CSP forbids ``style=``). No script, no external reference.
Every chart on a page or in the report stands before its table.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64
_ids = itertools.count(1)

# Fills readable without colour: solid dark, hatched, dotted, light.
_FILLS = ("#333333", "url(#{p}-hatch)", "url(#{p}-dots)", "#bbbbbb")
_DASHES = ("", "6 4", "2 3", "10 3 2 3")
_PATTERNS = (
    '<pattern id="{p}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#333333" stroke-width="2"/></pattern>'
    '<pattern id="{p}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<rect width="5" height="5" fill="#ffffff"/>'
    '<circle cx="2.5" cy="2.5" r="1.2" fill="#333333"/></pattern>'
)


_CHAR_W = 6.5  # the width of a character at font-size 11, roughly


def _fit(label: str, width: float) -> str:
    """The label cut to the room it has (the table behind the chart has it whole)."""
    room = max(int(width / _CHAR_W), 2)
    return label if len(label) <= room else label[: room - 1] + "…"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 4.0
    step = 10 ** (len(str(int(value))) - 1)
    top = ((int(value) // step) + 1) * step
    # four gridlines: a top divisible by 4 keeps every tick of a count a whole number
    return float(-(-top // 4) * 4)


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:.1f}"


def _open(title: str, desc: str, prefix: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{prefix}-t {prefix}-d" '
        f'font-family="DejaVu Sans, sans-serif" font-size="11" class="akrim-chart">',
        f'<title id="{prefix}-t">{escape(title)}</title>',
        f'<desc id="{prefix}-d">{escape(desc)}</desc>',
        "<defs>" + _PATTERNS.format(p=prefix) + "</defs>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]


def _axes(parts: list[str], top: float) -> tuple[float, float]:
    """The y axis with four gridlines; returns the plot's height and bottom."""
    plot_h = HEIGHT - TOP - BOTTOM
    base = HEIGHT - BOTTOM
    for i in range(5):
        y = base - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#dddddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#000000">'
            f"{_fmt(top * i / 4)}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#000000"/>'
    )
    return plot_h, base


def _legend(parts: list[str], names: Sequence[str], prefix: str, lines: bool) -> None:
    x = LEFT
    y = HEIGHT - 14
    for i, name in enumerate(names):
        if lines:
            dash = _DASHES[i % len(_DASHES)]
            parts.append(
                f'<line x1="{x}" y1="{y - 4}" x2="{x + 18}" y2="{y - 4}" stroke="#000000" '
                f'stroke-width="2"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            )
        else:
            fill = _FILLS[i % len(_FILLS)].format(p=prefix)
            parts.append(
                f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{fill}" '
                f'stroke="#000000"/>'
            )
        parts.append(f'<text x="{x + 22}" y="{y}" fill="#000000">{escape(name)}</text>')
        x += 30 + 7 * len(name)


def bar_chart(
    *,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    reference: tuple[str, float] | None = None,
) -> str:
    """Grouped bars, one group per label; ``reference`` draws a dashed horizontal line
    (e.g. the target) labelled directly. None values draw no bar and a "–" label."""
    prefix = f"c{next(_ids)}"
    parts = _open(title, desc, prefix)
    values = [v for _, vs in series for v in vs if v is not None]
    top = _nice_max(max([*values, reference[1] if reference else 0, 0]))
    plot_h, base = _axes(parts, top)
    n = max(len(labels), 1)
    group_w = (WIDTH - LEFT - RIGHT) / n
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1.0)
    for gi, label in enumerate(labels):
        gx = LEFT + gi * group_w + group_w * 0.1
        for si, (_, vs) in enumerate(series):
            value = vs[gi] if gi < len(vs) else None
            x = gx + si * bar_w
            if value is not None:
                h = plot_h * value / top
                fill = _FILLS[si % len(_FILLS)].format(p=prefix)
                parts.append(
                    f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                    f'height="{h:.1f}" fill="{fill}" stroke="#000000" stroke-width="0.5"/>'
                )
            if n * len(series) <= 24:  # direct labels while they fit
                parts.append(
                    f'<text x="{x + bar_w / 2:.1f}" '
                    f'y="{base - (plot_h * (value or 0) / top) - 3:.1f}" '
                    f'text-anchor="middle" font-size="9" fill="#000000">{_fmt(value)}</text>'
                )
        parts.append(
            f'<text x="{LEFT + gi * group_w + group_w / 2:.1f}" y="{base + 14}" '
            f'text-anchor="middle" fill="#000000">{escape(_fit(label, group_w))}</text>'
        )
    if reference is not None:
        y = base - plot_h * reference[1] / top
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#000000" stroke-width="2" stroke-dasharray="8 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" fill="#000000">'
            f"{escape(reference[0])}: {_fmt(reference[1])}</text>"
        )
    if len(series) > 1:
        _legend(parts, [name for name, _ in series], prefix, lines=False)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
) -> str:
    """One line per series (solid, dashed, dotted), with point markers and a direct label
    at each line's last point."""
    prefix = f"c{next(_ids)}"
    parts = _open(title, desc, prefix)
    values = [v for _, vs in series for v in vs if v is not None]
    top = _nice_max(max([*values, 0]))
    plot_h, base = _axes(parts, top)
    n = max(len(labels), 1)
    step = (WIDTH - LEFT - RIGHT) / n
    for si, (name, vs) in enumerate(series):
        points = [
            (LEFT + step * (i + 0.5), base - plot_h * v / top)
            for i, v in enumerate(vs)
            if v is not None
        ]
        if not points:
            continue
        dash = _DASHES[si % len(_DASHES)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="#000000" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#000000"/>')
        x, y = points[-1]
        parts.append(
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="end" fill="#000000">'
            f"{escape(name)}</text>"
        )
    widest = max((len(label) for label in labels), default=1) * _CHAR_W + 6
    every = max(1, math.ceil(widest / step))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text x="{LEFT + step * (i + 0.5):.1f}" y="{base + 14}" '
                f'text-anchor="middle" fill="#000000">{escape(label)}</text>'
            )
    if len(series) > 1:
        _legend(parts, [name for name, _ in series], prefix, lines=True)
    parts.append("</svg>")
    return "".join(parts)

"""Inline SVG charts for the HTML report: no script, no external resource, print-safe.

Each chart is drawn from counts alone and labelled with its figures (a `<title>` per
segment and an aria-label), so a printed page or a screen reader reads the same
numbers the picture shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

# One colour per state, shared by every chart and legend (colour-blind-safe enough that
# the labels, not the colours, carry the meaning).
COLOURS = {
    "covered": "#1a7f37", "pass": "#1a7f37",
    "not_covered": "#cf222e", "fail": "#cf222e",
    "excepted": "#8250df",
    "unknown": "#bf8700",
    "error": "#57606a",
    "not_measured": "#d0d7de",
}
LABELS = {
    "covered": "covered", "pass": "passed", "not_covered": "not covered", "fail": "failed",
    "excepted": "under exception", "unknown": "unknown", "error": "error",
    "not_measured": "not measured",
}

Segment = tuple[str, int]  # (state, count)


def donut(segments: Sequence[Segment], centre: str, label: str, size: int = 112) -> str:
    """A ring split by `segments`, with `centre` (the percentage) written inside."""
    radius, stroke = 42.0, 14.0
    circumference = 2 * math.pi * radius
    total = sum(count for _, count in segments)
    parts = [f'<circle cx="50" cy="50" r="{radius}" fill="none" stroke="#eaeef2" '
             f'stroke-width="{stroke}"/>']
    offset = 0.0
    for state, count in segments:
        if not count or not total:
            continue
        length = circumference * count / total
        parts.append(
            f'<circle cx="50" cy="50" r="{radius}" fill="none" stroke="{COLOURS[state]}" '
            f'stroke-width="{stroke}" stroke-dasharray="{length:.3f} '
            f'{circumference - length:.3f}" stroke-dashoffset="{-offset:.3f}" '
            f'transform="rotate(-90 50 50)"><title>{escape(LABELS[state])}: {count}'
            "</title></circle>")
        offset += length
    parts.append(f'<text x="50" y="55" text-anchor="middle" class="donut-centre">'
                 f"{escape(centre)}</text>")
    return (f'<svg class="donut" viewBox="0 0 100 100" width="{size}" height="{size}" '
            f'role="img" aria-label="{escape(label, quote=True)}">{"".join(parts)}</svg>')


def stacked_bar(segments: Sequence[Segment], label: str, width: int = 220,
                height: int = 14) -> str:
    """A horizontal bar split by `segments` in proportion; empty when nothing counted."""
    total = sum(count for _, count in segments)
    parts = [f'<rect x="0" y="0" width="{width}" height="{height}" rx="3" fill="#eaeef2"/>']
    x = 0.0
    for state, count in segments:
        if not count or not total:
            continue
        part = width * count / total
        parts.append(f'<rect x="{x:.2f}" y="0" width="{part:.2f}" height="{height}" '
                     f'fill="{COLOURS[state]}"><title>{escape(LABELS[state])}: {count}'
                     "</title></rect>")
        x += part
    return (f'<svg class="bar" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label, quote=True)}">{"".join(parts)}</svg>')


def legend(states: Sequence[str]) -> str:
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{COLOURS[state]}"></span>'
        f"{escape(LABELS[state])}</li>" for state in states) + "</ul>"

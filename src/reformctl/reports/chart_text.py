"""Text in the charts: how wide a label is, the box it covers, and placing labels so none overlap.

The SVG is laid out here, not by a browser, so the width of a text is estimated from its
characters. The widths are those of DejaVu Sans (the widest of the usual sans-serif fonts and
the one Linux falls back to), rounded up, so a label takes at most the room estimated for it
in Arial, Roboto, Segoe UI or Helvetica too; the browser test measures this in Chromium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Advance widths in em, rounded up from DejaVu Sans; anything not listed counts as a wide letter.
_NARROW = dict.fromkeys("ijlI.,' ", 0.35)
_SEMI = dict.fromkeys("frt-/:;|!()[]", 0.45)
_WIDE = dict.fromkeys("mwMW%@#", 1.0)
_DIGITS = dict.fromkeys("0123456789", 0.65)
_WIDTHS = {
    **dict.fromkeys("abcdeghknopqsuvxyz", 0.64),
    **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ&?", 0.8),
    **_DIGITS,
    **_NARROW,
    **_SEMI,
    **_WIDE,
}
_OTHER = 1.0  # CJK ideographs are one em; nothing else is wider
BOLD = 1.15  # DejaVu Sans Bold is up to 15% wider than the regular weight (its lower case most)
ASCENT, DESCENT = 0.8, 0.25  # of the font size, above and below the baseline


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width TEXT takes at font SIZE, never less than it takes in the fonts the chart names."""
    em = sum(_WIDTHS.get(ch, _OTHER) for ch in text)
    return em * size * (BOLD if weight in ("bold", "600", "700") else 1.0)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def intersects(self, other: "Box", gap: float = 0.0) -> bool:
        """True when the boxes overlap or come closer than GAP."""
        return not (
            self.right + gap <= other.left
            or other.right + gap <= self.left
            or self.bottom + gap <= other.top
            or other.bottom + gap <= self.top
        )


@dataclass(frozen=True)
class Label:
    """One <text> element: where its anchor is, and what it says in which size and weight."""

    x: float
    y: float  # the baseline
    text: str
    size: int = 11
    anchor: str = "middle"
    weight: str = "normal"
    colour: str = "#1b1f24"

    def box(self) -> Box:
        width = text_width(self.text, self.size, self.weight)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        return Box(left, self.y - ASCENT * self.size, left + width, self.y + DESCENT * self.size)

    def within(self, low: float, high: float) -> "Label":
        """The same label moved sideways, as little as needed, to lie between LOW and HIGH."""
        box = self.box()
        shift = max(0.0, low - box.left) if box.left < low else min(0.0, high - box.right)
        # Rounded inwards to the 0.1 the SVG is written with, so the written label stays inside too.
        x = (
            math.ceil((self.x + shift) * 10) / 10
            if shift > 0
            else math.floor((self.x + shift) * 10) / 10
        )
        return Label(
            x if shift else self.x,
            self.y,
            self.text,
            self.size,
            self.anchor,
            self.weight,
            self.colour,
        )

    def svg(self) -> str:
        return (
            f'<text x="{self.x:.1f}" y="{self.y:.1f}" font-size="{self.size}" text-anchor="{self.anchor}" '
            f'fill="{self.colour}" font-weight="{self.weight}">{escape(self.text)}</text>'
        )


def place(candidates: list[Label], taken: list[Box], gap: float = 3.0) -> list[Label]:
    """The candidates, in order of priority, that fit beside everything already taken; TAKEN grows."""
    placed = []
    for label in candidates:
        box = label.box()
        if not any(box.intersects(other, gap) for other in taken):
            placed.append(label)
            taken.append(box)
    return placed


def wrap(text: str, size: int, width: float, weight: str = "normal") -> list[str]:
    """TEXT broken at spaces into lines no wider than WIDTH (a single over-long word is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, weight) <= width:
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while text_width(word, size, weight) > width:
            cut = next(
                (
                    i
                    for i in range(len(word) - 1, 0, -1)
                    if text_width(word[:i], size, weight) <= width
                ),
                1,
            )
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines or [""]

"""A horizontal bar chart drawn on the server as SVG geometry (no script, no library).

Each bar gets its label above it and its value at its end; the page shows the same figures
in a table beside the chart, which is what a screen reader reads.
"""
from dataclasses import dataclass

WIDTH = 300  # viewBox units; the SVG scales to its box (about its own width beside a table)
ROW = 44  # height of one label-and-bar row
BAR = 16
LABEL_BASELINE = 16  # the label's baseline, from the row's top; the bar starts below it
VALUE_ROOM = 36  # room right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y_label: int
    y_bar: int
    width: int
    y_value: int
    x_value: int


def bar_chart(rows) -> dict:
    """``rows``: (label, value) pairs → ``{"bars": [Bar…], "width", "height"}``."""
    rows = list(rows)
    most = max((value for _label, value in rows), default=0)
    room = WIDTH - VALUE_ROOM
    bars = []
    for i, (label, value) in enumerate(rows):
        top = i * ROW
        width = round(room * value / most) if most else 0
        y_bar = top + LABEL_BASELINE + 6
        bars.append(Bar(label=str(label), value=value, y_label=top + LABEL_BASELINE,
                        y_bar=y_bar, width=max(width, 2 if value else 0),
                        y_value=y_bar + BAR - 3, x_value=width + 6))
    return {"bars": bars, "width": WIDTH, "height": max(len(rows) * ROW, ROW), "bar": BAR}

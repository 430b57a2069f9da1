"""A pilot's yearly series as a bar chart drawn on the server as SVG geometry (no script, no
library): the disclosed value of each year as a bar, the baseline as a dashed line (and
the baseline year's bar, when that year was not disclosed), the plan's milestones as
diamonds joined by a dotted line.

The same geometry is drawn by the same template on the public page and in the PDF
(``disclosure/disclosure/_chart.html``), with the figures in a table beside it, which is
what a screen reader reads. Colours are SVG attributes, not CSS, so the PDF needs no
stylesheet to look the same.
"""
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from pilots.plan import decimal_text, number_display, rounded

WIDTH = 440  # viewBox units
HEIGHT = 260
LEFT = 70  # room for the value axis' labels (1000000 in the phone's larger lettering)
RIGHT = 10
TOP = 22  # room for the value label over the tallest bar
BOTTOM = 26  # room for the years
BAR_MAX = 44
TICKS = 4  # about this many gridlines above zero
LABEL_CHAR = 7.2  # width of a digit of a 12-unit bold value label


@dataclass(frozen=True)
class Bar:
    year: int
    x: float
    y: float
    width: float
    height: float
    value: str
    x_value: float
    y_value: float
    baseline: bool  # the baseline year's bar (the plan's value, not a disclosed one)

    # A white box behind the value, so a line crossing it (the baseline) leaves it legible.
    @property
    def label_box_width(self) -> float:
        return round(len(self.value) * LABEL_CHAR + 6, 1)

    @property
    def x_label_box(self) -> float:
        return round(self.x_value - self.label_box_width / 2, 1)

    @property
    def y_label_box(self) -> float:
        return round(self.y_value - 12, 1)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class YearLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    points: str  # the diamond's outline


def short(value) -> str:
    """A figure as a chart labels it: fewer decimals the larger it is."""
    if value is None:
        return ""
    value = Decimal(value)
    size = abs(value)
    places = 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 4
    return number_display(rounded(value, places))


def _nice_ceiling(top: Decimal) -> tuple[Decimal, Decimal]:
    """The axis' top and its step: the smallest step of 1, 2, 2.5 or 5 times a power of
    ten that reaches ``top`` in at most ``TICKS`` + 1 steps."""
    if top <= 0:
        return Decimal(1), Decimal("0.25")
    power = Decimal(10) ** (top / TICKS).adjusted()
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        step = power * multiple
        steps = (top / step).to_integral_value(rounding=ROUND_CEILING)
        if steps <= TICKS + 1:
            break
    return step * steps, step


def series_chart(points, *, baseline=None, baseline_year=None, milestones=None) -> dict:
    """``points``: {year: Decimal} disclosed values; ``baseline``: the plan's baseline value
    of ``baseline_year``; ``milestones``: {year: Decimal}. Returns the geometry::

        {"width", "height", "left", "right_x", "bottom_y", "bars": [Bar…],
         "ticks": [Tick…], "years": [YearLabel…], "baseline_y": float | None,
         "milestones": [Marker…], "milestone_line": "x,y x,y…", "empty": bool}
    """
    points = {int(y): Decimal(v) for y, v in points.items() if v is not None}
    milestones = {int(y): Decimal(v) for y, v in (milestones or {}).items() if v is not None}
    baseline = Decimal(baseline) if baseline is not None else None
    years = set(points) | set(milestones)
    if baseline is not None and baseline_year:
        years.add(int(baseline_year))
    chart = {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right_x": WIDTH - RIGHT,
             "bottom_y": HEIGHT - BOTTOM, "bars": [], "ticks": [], "years": [],
             "baseline_y": None, "milestones": [], "milestone_line": "",
             "empty": not points}
    if not years:
        return chart
    first, last = min(years), max(years)
    span = list(range(first, last + 1))
    values = [*points.values(), *milestones.values()] + ([baseline] if baseline is not None
                                                         else [])
    top, step = _nice_ceiling(max([v for v in values if v > 0], default=Decimal(0)))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / len(span)
    bar_w = min(slot * 0.56, BAR_MAX)

    def y_of(value: Decimal) -> float:
        share = float(max(value, Decimal(0)) / top)
        return round(TOP + plot_h * (1 - share), 1)

    def x_of(year: int) -> float:
        return round(LEFT + slot * (year - first + 0.5), 1)

    level = Decimal(0)
    while level <= top:
        chart["ticks"].append(Tick(y=y_of(level), label=decimal_text(level)))
        level += step
    for year in span:
        chart["years"].append(YearLabel(x=x_of(year), text=str(year)))
        value, is_baseline = points.get(year), False
        if value is None and baseline is not None and year == baseline_year:
            value, is_baseline = baseline, True
        if value is None:
            continue
        y = y_of(value)
        height = round(TOP + plot_h - y, 1)
        if value > 0 and height < 1:
            y, height = round(TOP + plot_h - 1, 1), 1.0
        chart["bars"].append(Bar(
            year=year, x=round(x_of(year) - bar_w / 2, 1), y=y, width=round(bar_w, 1),
            height=height, value=short(value), x_value=x_of(year), y_value=round(y - 5, 1),
            baseline=is_baseline))
    if baseline is not None:
        chart["baseline_y"] = y_of(baseline)
    for year in sorted(milestones):
        x, y = x_of(year), y_of(milestones[year])
        chart["milestones"].append(Marker(
            x=x, y=y, points=f"{x},{round(y - 5, 1)} {round(x + 5, 1)},{y} "
                             f"{x},{round(y + 5, 1)} {round(x - 5, 1)},{y}"))
    chart["milestone_line"] = " ".join(f"{m.x},{m.y}" for m in chart["milestones"])
    return chart

"""Which fields of expertise a panel for each pilot category should cover.

Data, not code: a category added later (``other`` and what follows it) gets the
fallback until a line is added here.
"""
from .choices import ExpertiseField as F

NEEDED_FIELDS: dict[str, tuple[str, ...]] = {
    "region": (F.ENERGY, F.BUILDINGS, F.TRANSPORT, F.CARBON_ACCOUNTING),
    "park": (F.INDUSTRY, F.ENERGY, F.CARBON_ACCOUNTING),
    "community": (F.BUILDINGS, F.ECOLOGY_CARBON_SINK, F.MANAGEMENT),
    "campus": (F.BUILDINGS, F.ENERGY, F.MANAGEMENT),
    "commercial": (F.BUILDINGS, F.ENERGY, F.TRANSPORT),
}
FALLBACK: tuple[str, ...] = (F.CARBON_ACCOUNTING, F.ENERGY, F.MANAGEMENT)


def needed_fields(category) -> list[str]:
    """The field codes a panel for ``category`` (a Category or its code) should cover."""
    code = getattr(category, "code", category)
    return [str(f) for f in NEEDED_FIELDS.get(code, FALLBACK)]

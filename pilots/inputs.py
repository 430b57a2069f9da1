"""Strict readers for ids that arrive as text (form fields, query strings)."""
import re

# The largest primary key a BigAutoField holds; a larger number would fail in the database.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_id(value) -> int | None:
    """``value`` as a positive id, or None when it is not one.

    Only plain ASCII digits count: ``str.isdigit()`` also accepts "²" or "١٢", which
    ``int()`` then refuses or reads as another number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int] | None:
    """Every value of ``values`` as an id, first occurrence first and without repeats, or
    None when any of them is not an id (a form that names a bad id is refused whole)."""
    ids = []
    for value in values:
        number = parse_id(value)
        if number is None:
            return None
        if number not in ids:
            ids.append(number)
    return ids

"""How the disclosure's figures read on a page and in the PDF: tonnes to 2 decimals, other
figures as kept (no exponent, no trailing zeros), both in the page's language."""
from decimal import Decimal

from django import template

from pilots import plan as plan_rules

register = template.Library()


@register.filter
def tonnes(value) -> str:
    """An amount of CO₂ in tonnes, rounded to 2 decimals: "1,234.57" in English."""
    parsed = plan_rules.number(value)
    if parsed is None:
        return ""
    return plan_rules.number_display(plan_rules.rounded(Decimal(parsed), 2))


@register.filter
def figure(value) -> str:
    """A figure as computed or entered (an intensity to 4 decimals, a factor to 6)."""
    parsed = plan_rules.number(value)
    if parsed is None:
        return ""
    return plan_rules.number_display(parsed)

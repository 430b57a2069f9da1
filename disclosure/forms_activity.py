"""The form of a pilot's activity data for one year: one amount per item, its unit fixed.

Every amount is read by ``activity.parse_amount``, the reader the Excel upload uses too,
so a figure typed here and the same figure in a spreadsheet are stored alike.
"""
from django import forms
from django.core.exceptions import ValidationError

from .activity import GROUPS, AmountError, amount_text, cross_problems


class AmountField(forms.CharField):
    """An amount ≥ 0 with at most 4 decimals (as the item bounds it), or empty."""

    def __init__(self, *, item, **kwargs):
        self.item = item
        super().__init__(required=False, strip=True, label=item.label,
                         help_text=item.help,
                         widget=forms.TextInput(attrs={"inputmode": "decimal",
                                                       "autocomplete": "off",
                                                       "class": "amount"}),
                         **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return self.item.read(value)
        except AmountError as error:
            raise ValidationError(error.message, code="amount") from None

    def prepare_value(self, value):
        return value if isinstance(value, str) else amount_text(value)


class ActivityForm(forms.Form):
    """``items`` as ``activity.items_for`` lists them; ``initial`` maps item keys to amounts."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[item.key] = AmountField(item=item)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for key, problems in cross_problems(cleaned).items():
                for problem in problems:
                    self.add_error(key, problem)
        return cleaned

    def groups(self):
        """[(group label, [(item, bound field)])] in the items' order, for the template."""
        grouped: dict[str, list] = {}
        for item in self.items:
            grouped.setdefault(item.group, []).append((item, self[item.key]))
        return [(GROUPS[key], rows) for key, rows in grouped.items()]

    def values(self) -> dict:
        """The cleaned amounts, keyed as ``activity.save_activity`` takes them."""
        return {item.key: self.cleaned_data.get(item.key) for item in self.items}

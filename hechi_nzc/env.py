"""Small, strict readers for settings that come from the environment."""
import ipaddress
import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false).")


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}.")
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name, default=()):
    """A comma-separated list of IP addresses or networks (``10.0.0.0/8``), as networks."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


def env_range(name, default):
    """Two numbers "low,high" (low < high) as Decimals; ``default`` is such a pair."""
    items = env_list(name, [str(v) for v in default])
    try:
        low, high = (Decimal(item) for item in items)
    except (ValueError, InvalidOperation):
        raise ImproperlyConfigured(f"{name}={items!r} is not two numbers low,high.") from None
    if not (low.is_finite() and high.is_finite() and low < high):
        raise ImproperlyConfigured(f"{name}={items!r}: low must be below high.")
    return low, high


def env_int_list(name, default=(), *, minimum=None, allow_empty=True):
    """A comma-separated list of whole numbers, e.g. ``1,5,15``."""
    items = env_list(name, default)
    text = ",".join(map(str, items))
    try:
        numbers = [int(item) for item in items]
    except ValueError:
        raise ImproperlyConfigured(f"{name}={text!r} is not a list of whole numbers.") from None
    if not numbers and not allow_empty:
        raise ImproperlyConfigured(f"{name} must list at least one whole number.")
    if minimum is not None and any(number < minimum for number in numbers):
        raise ImproperlyConfigured(f"{name}={text!r}: every number must be at least {minimum}.")
    return numbers

"""The public side's cache: every entry is keyed by a generation token that any change the
public could see replaces (``public.signals``), and by the day (what is under publicity,
and whether a period runs, changes at midnight without any write).

A new token rather than a counter: a counter evicted from the cache would start again at
1 and bring back entries of an old generation 1.
"""
import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "public:generation"
TIMEOUT = 300  # seconds: a backstop only; a change replaces the generation at once


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY)
    return token


def _renew() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception:  # a cache that is down never fails the change that is being saved
        logger.warning("public cache unreachable: generation not renewed", exc_info=True)


def bump() -> None:
    """Forget every public entry: now, and again once the change is committed (a request
    that read the old rows before the commit must not store them under the new token).
    With the cache down the change still saves; entries then age out within TIMEOUT."""
    _renew()
    transaction.on_commit(_renew)


def key(name: str, *parts) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"public:{generation()}:{timezone.localdate().isoformat()}:{name}:{digest}"


def cached(name: str, parts, compute):
    """``compute()``'s value, stored under ``name`` and ``parts`` for this generation; with
    the cache down, computed every time."""
    try:
        entry = key(name, *parts)
        value = cache.get(entry)
    except Exception:
        logger.warning("public cache unreachable: computing %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(entry, value, TIMEOUT)
        except Exception:
            logger.warning("public cache unreachable: %s not stored", name, exc_info=True)
    return value

"""hechi-nzc: the Hechi near-zero carbon emission zone pilot portal."""
from .celery import app as celery_app

__all__ = ("celery_app",)

"""What replaces the public cache's generation: a change the public could see.

The public side is the top layer, so it listens to the models below it rather than asking
them to tell it: a project's transition (its audit entry) or rename, a builder's new name,
a notice or period created or moved, an objection filed or decided, a disclosure published.
"""
from django.db.models.signals import post_delete, post_save

from disclosure.models import Disclosure, DisclosureState
from pilots.models import AuditEntry, Organisation, Project
from pilots.models.projects import TRANSITION
from publicity.models import Notice, Objection, Period

from . import cache
from .states import AFTER_PUBLICITY_STATES, COUNTED_STATES


def _transition_recorded(sender, instance, created, **kwargs):
    if created and instance.kind == TRANSITION:
        cache.bump()


def _project_saved(sender, instance, **kwargs):
    if instance.state in COUNTED_STATES + AFTER_PUBLICITY_STATES:
        cache.bump()


def _disclosure_saved(sender, instance, **kwargs):
    if instance.state == DisclosureState.PUBLISHED:
        cache.bump()


def _changed(sender, **kwargs):
    cache.bump()


def connect() -> None:
    post_save.connect(_transition_recorded, sender=AuditEntry, dispatch_uid="public-audit")
    post_save.connect(_project_saved, sender=Project, dispatch_uid="public-project")
    post_save.connect(_disclosure_saved, sender=Disclosure, dispatch_uid="public-disclosure")
    for model in (Organisation, Notice, Period, Objection):
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-save-{model.__name__}")
        post_delete.connect(_changed, sender=model,
                            dispatch_uid=f"public-delete-{model.__name__}")

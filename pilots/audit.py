"""The one trail of what happened to a project: record() for transitions, record_event()
for everything else (a panel member added, an attachment downloaded…). Append-only."""
import json

from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEntry
from .models.projects import TRANSITION
from .registry import event_kind


def _json_safe(data) -> dict:
    """Dates, decimals and the like as the strings they print as, so the trail is JSON."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def record(project, *, transition, source, target, actor=None, reason="", data=None,
           ip_address=None):
    """Append a fired transition. ``actor=None`` (or the scheduler) means the system."""
    return AuditEntry.objects.create(
        project=project, kind=TRANSITION, transition=transition, source=source, target=target,
        actor=actor if getattr(actor, "pk", None) else None, reason=reason,
        data=_json_safe(data), ip_address=ip_address,
    )


def record_event(project, kind, actor, data=None, *, reason="", ip_address=None):
    """Append an event of a declared ``kind`` (pilots.registry.register_event)."""
    if kind == TRANSITION or event_kind(kind) is None:
        raise ValueError(f"Undeclared event kind: {kind!r}")
    return AuditEntry.objects.create(
        project=project, kind=kind, source=project.state, target=project.state,
        actor=actor if getattr(actor, "pk", None) else None, reason=reason,
        data=_json_safe(data), ip_address=ip_address,
    )

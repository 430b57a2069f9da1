"""The one way to record that something happened to a project: record()."""
from .models import AuditEntry


def record(project, *, transition, source, target, actor=None, reason="", ip_address=None):
    """Append an entry to the project's audit trail. ``actor=None`` means the scheduler."""
    return AuditEntry.objects.create(
        project=project,
        transition=transition,
        source=source,
        target=target,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        ip_address=ip_address,
    )

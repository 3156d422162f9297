"""The one way to write to the audit log."""

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, actor=None, target=None, request=None, **details) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        target_user=target,
        target_repr=str(target)[:200] if target is not None else "",
        details=details,
        ip_address=client_ip(request),
    )

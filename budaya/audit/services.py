"""Writing the audit log: every administrative state change calls `log_action` once."""

from budaya.audit.models import AuditEntry


def log_action(actor, action: str, *, institution=None, target="", detail=None) -> AuditEntry:
    """Record that `actor` (a user, or None for the command line) did `action` to `target`.

    `action` is a dotted name such as `roster.import` or `evaluation.finalise`; `target` a
    short human-readable description of the object; `detail` a small JSON-able dict. Never
    pass anything that identifies a respondent, an invitation or a response.
    """
    name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        name = actor.get_username()
    elif actor is None:
        name = "cli"
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        institution=institution,
        target=str(target)[:200],
        detail=detail or {},
    )

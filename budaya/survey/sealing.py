"""Sealing a period at closing: nothing left at rest ties a response to a person.

`seal_period` runs when a period closes (budaya.results.services.close_period), inside the
closing transaction. `is_sealed` tells whether a period's per-person participation state has been
sealed, so the paths that need that state (the shared link) can refuse.
"""

from django.utils import timezone

from budaya.survey.models import Draft, SharedAccess, SharedCode


def is_sealed(period) -> bool:
    """Return True once the period has been closed and sealed."""
    return period.sealed_on is not None


def seal_period(period) -> None:
    """Seal a closing period: delete its drafts and shared-link codes and browser secrets, and
    record the day it was sealed."""
    Draft.objects.filter(invitation__period=period).delete()
    SharedAccess.objects.filter(invitation__period=period).delete()
    SharedCode.objects.filter(shared_link__period=period).delete()
    if period.sealed_on is None:
        period.sealed_on = timezone.localdate()
        period.save(update_fields=["sealed_on"])

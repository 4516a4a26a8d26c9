"""Back-office home page: links to everything the signed-in user's role may see."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from budaya.institutions.services import home_links
from budaya.periods.services import visible_periods


@login_required
def home(request):
    """Render the home page listing the institutions, units and periods the user may see."""
    context = home_links(request.user)
    context["periods"] = visible_periods(request.user)
    return render(request, "backoffice/home.html", context)

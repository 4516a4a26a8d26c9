"""Back-office home page: links to everything the signed-in user's role may see."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from budaya.institutions.services import home_links


@login_required
def home(request):
    """Render the home page listing the institutions, units and periods the user may see."""
    return render(request, "backoffice/home.html", home_links(request.user))

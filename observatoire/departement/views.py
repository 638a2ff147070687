"""The platform's département pages (public schema): consolidated aggregates only, open to everyone."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from observatoire.departement.services import departement_table, departements_shared


@login_not_required
@require_GET
def departement_list(request):
    return render(request, "observatoire/departement/list.html", {"departements": departements_shared()})


@login_not_required
@require_GET
def departement_detail(request, code, year):
    table = departement_table(code, year)
    if not table["rows"]:
        raise Http404
    return render(request, "observatoire/departement/detail.html", {"code": code, "year": year, "table": table})

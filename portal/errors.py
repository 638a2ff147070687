from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def permission_denied(request, exception=None):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Vous n'avez pas la permission d'effectuer cette action.")}, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    # An API client reads JSON even for an address no route matches (e.g. /api/v1/demandes/-1/).
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Non trouvé.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever failed must not fail again while drawing this page.
    from django.http import HttpResponseServerError

    return HttpResponseServerError(get_template("500.html").render())

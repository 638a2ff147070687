"""Which relais a staff page shows: one of the user's relais, picked by `?relais=` (the first by default)."""

from django.http import Http404

from rpe.perms import relais_of


def chosen_relais(request, relais_queryset=None):
    """(the relais shown, every relais the user may switch to); 404 for a relais that is not hers."""
    choices = list(relais_queryset if relais_queryset is not None else relais_of(request.user))
    wanted = request.GET.get("relais") or request.POST.get("relais")
    if wanted:
        for relais in choices:
            if str(relais.pk) == wanted:
                return relais, choices
        raise Http404
    if not choices:
        raise Http404
    return choices[0], choices

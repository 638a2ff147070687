"""The relais imports the département's agrément list: check the file row by row, then confirm."""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.decorators import allowed_if
from rpe.forms import AgrementImportForm
from rpe.imports import ImportRefused, agrements_check, agrements_import, read_dataset
from rpe.perms import can_import_agrements, relais_of

IMPORT_CACHE_SECONDS = 30 * 60


def cache_key(request, token):
    return f"rpe-agrements:{request.user.pk}:{token}"


@allowed_if(can_import_agrements)
@require_http_methods(["GET", "POST"])
def agrement_import(request):
    template = "rpe/directory/import.html"
    if request.method == "POST" and "token" in request.POST:
        stored = cache.get(cache_key(request, request.POST["token"]))
        if stored is None:
            messages.error(request, _("Le fichier vérifié n'est plus disponible : déposez-le à nouveau."))
            return redirect("rpe:agrement_import")
        try:
            report = agrements_import(
                dataset=read_dataset(*stored), collectivite=request.tenant, relais=relais_of(request.user)
            )
        except ImportRefused as refused:
            return render(
                request,
                template,
                {"form": AgrementImportForm(), "report": refused.report, "checked": True},
                status=400,
            )
        cache.delete(cache_key(request, request.POST["token"]))
        messages.success(
            request,
            _("Import terminé : %(new)s créé(s), %(updated)s mis à jour, %(archived)s archivé(s).")
            % {
                "new": report.count(_("à créer")),
                "updated": report.count(_("à mettre à jour")),
                "archived": len(report.archived),
            },
        )
        return redirect("rpe:am_list")

    posted = request.method == "POST"
    form = AgrementImportForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        content, file_format = form.cleaned_data["content"], form.cleaned_data["format"]
        try:
            dataset = read_dataset(content, file_format)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            report = agrements_check(dataset=dataset, collectivite=request.tenant, relais=relais_of(request.user))
            context.update({"checked": True, "report": report})
            if report.ok:
                token = secrets.token_urlsafe(16)
                cache.set(cache_key(request, token), (content, file_format), IMPORT_CACHE_SECONDS)
                context["token"] = token
    refused = request.method == "POST" and (form.errors or (context.get("report") and not context["report"].ok))
    return render(request, template, context, status=400 if refused else 200)

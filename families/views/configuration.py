"""The administrator configures the guichet: its rules, the situations it considers, the pieces it asks for."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from families.models import DocumentType, GuichetSettings, Situation
from families.perms import can_configure_guichet
from portal.decorators import allowed_if


class GuichetSettingsForm(forms.ModelForm):
    class Meta:
        model = GuichetSettings
        fields = ["max_wishes", "renewal_months", "renewal_grace_days", "retention_months"]


# Rows are deactivated, never deleted: families' past answers and deposited pieces still point at them.
SituationFormSet = forms.modelformset_factory(
    Situation,
    fields=["label", "label_en", "help_text", "code", "order", "is_active"],
    extra=1,
    labels={"code": gettext_lazy("Code (lettres minuscules, chiffres, tirets)")},
)
DocumentTypeFormSet = forms.modelformset_factory(
    DocumentType,
    fields=["label", "label_en", "help_text", "code", "order", "required", "is_active"],
    extra=1,
    labels={"code": gettext_lazy("Code (lettres minuscules, chiffres, tirets)")},
)


@allowed_if(can_configure_guichet)
@require_http_methods(["GET", "POST"])
def configuration(request):
    data = request.POST or None
    settings_form = GuichetSettingsForm(data, instance=GuichetSettings.current(), prefix="regles")
    situations = SituationFormSet(data, queryset=Situation.objects.all(), prefix="situations")
    document_types = DocumentTypeFormSet(data, queryset=DocumentType.objects.all(), prefix="pieces")
    if request.method == "POST":
        if settings_form.is_valid() and situations.is_valid() and document_types.is_valid():
            with transaction.atomic():
                settings_form.save()
                situations.save()
                document_types.save()
            messages.success(request, _("Règles du guichet enregistrées."))
            return redirect("families:configuration")
        messages.error(request, _("Rien n'a été enregistré : corrigez les champs signalés."))
    return render(
        request,
        "families/configuration.html",
        {"settings_form": settings_form, "situations": situations, "document_types": document_types},
        status=400 if request.method == "POST" else 200,
    )

"""The administrator configures the relais: their communes, lieux and animatrices."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.decorators import allowed_if
from rpe.forms import LieuForm, RelaisForm
from rpe.models import Lieu, Relais, RelaisMembership
from rpe.perms import can_manage_relais


@allowed_if(can_manage_relais)
@require_GET
def relais_list(request):
    relais = Relais.objects.prefetch_related("lieux", "memberships__user")
    return render(request, "rpe/directory/relais_list.html", {"relais_list": relais})


@transaction.atomic
def relais_save(form):
    relais = form.save()
    wanted = set(form.cleaned_data["animatrices"])
    relais.memberships.exclude(user__in=wanted).delete()
    RelaisMembership.objects.bulk_create(
        [RelaisMembership(user=user, relais=relais) for user in wanted], ignore_conflicts=True
    )
    return relais


@allowed_if(can_manage_relais)
@require_http_methods(["GET", "POST"])
def relais_edit(request, pk=None):
    relais = get_object_or_404(Relais, pk=pk) if pk else Relais()
    form = RelaisForm(
        request.POST or None,
        instance=relais,
        collectivite=request.tenant,
        animatrices=User.objects.with_role(Role.ANIMATRICE_RPE),
    )
    if request.method == "POST" and form.is_valid():
        relais_save(form)
        messages.success(request, _("Relais enregistré."))
        return redirect("rpe:relais_list")
    return render(
        request,
        "rpe/directory/relais_form.html",
        {"form": form, "relais": relais},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(can_manage_relais)
@require_http_methods(["GET", "POST"])
def lieu_edit(request, relais_pk, pk=None):
    relais = get_object_or_404(Relais, pk=relais_pk)
    lieu = get_object_or_404(Lieu, pk=pk, relais=relais) if pk else Lieu(relais=relais)
    form = LieuForm(request.POST or None, instance=lieu, collectivite=request.tenant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Lieu enregistré."))
        return redirect("rpe:relais_list")
    return render(
        request,
        "rpe/directory/lieu_form.html",
        {"form": form, "relais": relais, "lieu": lieu},
        status=400 if request.method == "POST" else 200,
    )

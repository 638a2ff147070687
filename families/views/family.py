"""The family's pages. Every query starts from the signed-in account's own family: another
family's ids simply do not resolve (404)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commissions.prepared import pending_offers, prepare_application
from families import services
from families.dashboard_cache import dashboard_response
from families.enums import LIVE_STATUSES, USABLE_DOCUMENT_STATUSES, Actor, ApplicationStatus
from families.forms import (
    ApplicationForm,
    CancelForm,
    ChildForm,
    DocumentUploadForm,
    FamilyForm,
    GuardianFormSet,
    MessageForm,
    SubmitForm,
    default_start,
)
from families.models import Application, Child, Document, DocumentType, GuichetSettings
from families.notifications import RENEWAL_SALT
from families.perms import is_family, is_own_application, is_own_document
from families.workflow import EDITABLE_STATUSES, NEXT_STEPS, TransitionError, pieces_refusal, targets
from portal.decorators import allowed_if, get_visible_object_or_404
from portal.downloads import file_response


def own_application(request, pk):
    """The request `pk` if the signed-in person may see it (else 404); `is_own_application` then says
    whether it is theirs to act on as a family."""
    return get_visible_object_or_404(Application.objects.select_related("child", "family"), request.user, pk=pk)


@allowed_if(is_family)
@require_GET
def dashboard(request):
    return dashboard_response(
        request,
        lambda: dashboard_render(request.user),
        lambda content: render(
            request, "families/dashboard.html", {"content": content, "page_title": _("Espace famille")}
        ),
    )


def dashboard_render(user):
    """The dashboard's content (kept by families.dashboard_cache until what it shows changes)."""
    family = services.family_for(user)
    required_types = list(DocumentType.objects.filter(required=True, is_active=True))
    applications = family.applications.select_related("child").prefetch_related("documents").order_by("-created_at")
    # The offer notice of a request with a place proposed: one query for them all, none when there is none.
    applications = list(applications)
    offered = [application for application in applications if application.status == ApplicationStatus.PROPOSITION]
    prefetch_related_objects(offered, pending_offers())
    rows = []
    live_by_child = {}
    for application in applications:
        present = {
            document.document_type_id
            for document in application.documents.all()
            if document.status in USABLE_DOCUMENT_STATUSES
        }
        rows.append(
            {
                "application": application,
                "missing": [kind for kind in required_types if kind.pk not in present],
                "next_step": NEXT_STEPS[application.status],
            }
        )
        if application.status in LIVE_STATUSES or (
            application.status == ApplicationStatus.EXPIREE and application.child_id not in live_by_child
        ):
            live_by_child[application.child_id] = application
    children = [(child, live_by_child.get(child.pk)) for child in family.children.all()]
    return render_to_string(
        "families/includes/dashboard_content.html",
        {"user": user, "family": family, "guardians": family.guardians.all(), "children": children, "rows": rows},
    )


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
def family_edit(request):
    family = services.family_for(request.user)
    form = FamilyForm(request.POST or None, instance=family)
    guardians = GuardianFormSet(request.POST or None, instance=family, prefix="responsables")
    if request.method == "POST" and form.is_valid() and guardians.is_valid():
        try:
            with transaction.atomic():
                form.save()
                saved = guardians.save(commit=False)
                services.family_guardians_save(
                    family=family,
                    changed=[guardian for guardian in saved if guardian.pk],
                    added=[guardian for guardian in saved if not guardian.pk],
                    removed=guardians.deleted_objects,
                )
        except ValidationError as error:
            guardians.non_form_errors().extend(error.messages)
        else:
            messages.success(request, _("Votre foyer est enregistré."))
            return redirect("families:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "families/family_form.html", {"form": form, "guardians": guardians}, status=status)


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
def child_edit(request, pk=None):
    family = services.family_for(request.user)
    child = get_visible_object_or_404(family.children, request.user, pk=pk) if pk else Child(family=family)
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            child = form.save()
            for application in child.applications.all():
                services.application_refresh_facts(application)
                application.save(update_fields=["age_at_start_months", "weekly_hours"])
        messages.success(request, _("Enfant enregistré."))
        return redirect("families:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "families/child_form.html", {"form": form, "child": child}, status=status)


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
def application_create(request, child_pk):
    family = services.family_for(request.user)
    child = get_visible_object_or_404(family.children, request.user, pk=child_pk)
    if request.method == "GET":
        if (existing := services.live_application_of(child)) is not None:
            messages.info(request, services.ONE_REQUEST_PER_CHILD % {"child": child.display_name})
            return redirect("families:application_detail", pk=existing.pk)
        if (expired := services.reopenable_application_of(child)) is not None:
            messages.info(request, services.REOPEN_INSTEAD % {"child": child.display_name})
            return redirect("families:application_detail", pk=expired.pk)
    max_wishes = GuichetSettings.current().max_wishes
    form = ApplicationForm(
        request.POST or None, child=child, max_wishes=max_wishes, initial={"desired_start": default_start(child)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                family=family,
                child=child,
                fields=form.application_fields(),
                establishments=form.chosen_establishments,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Brouillon enregistré : joignez vos pièces puis déposez la demande."))
            return redirect("families:application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "families/application_form.html", {"form": form, "child": child}, status=status)


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
@allowed_if(is_own_application, obj=own_application)
def application_edit(request, application):
    if application.status not in EDITABLE_STATUSES:
        messages.error(request, _("Cette demande ne peut plus être modifiée."))
        return redirect("families:application_detail", pk=application.pk)
    max_wishes = GuichetSettings.current().max_wishes
    form = ApplicationForm(request.POST or None, instance=application, child=application.child, max_wishes=max_wishes)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                application=application,
                user=request.user,
                fields=form.application_fields(),
                establishments=form.chosen_establishments,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Demande modifiée."))
            return redirect("families:application_detail", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "families/application_form.html",
        {"form": form, "child": application.child, "application": application},
        status=status,
    )


def detail_context(request, application, **forms):
    prepare_application(application)  # what the score and offers tags show
    checklist = services.pieces_checklist(application)
    settings = GuichetSettings.current()
    last_request = (
        application.history.filter(to_status=ApplicationStatus.INCOMPLETE).order_by("-created_at", "-id").first()
        if application.status == ApplicationStatus.INCOMPLETE
        else None
    )
    documents = list(application.documents.select_related("document_type"))
    return {
        "application": application,
        "wishes": application.wishes.select_related("establishment"),
        "documents": [document for document in documents if document.is_current],
        "past_documents": [document for document in documents if not document.is_current],
        "checklist": checklist,
        "to_provide": [row for row in checklist if row["to_provide"]],
        "asked": [row for row in checklist if row["requested"]] or [row for row in checklist if row["to_provide"]],
        "pieces_request": last_request,
        "attestation_ready": bool(application.attestation),
        "attestation_in_preparation": services.attestation_in_preparation(application),
        "renewal_months": settings.renewal_months,
        "renewal_grace_days": settings.renewal_grace_days,
        "history": application.history.all(),
        "conversation": application.messages.all(),
        "next_step": NEXT_STEPS[application.status],
        "can_cancel": ApplicationStatus.ANNULEE in targets(application.status, Actor.FAMILY),
        "can_resubmit": application.status == ApplicationStatus.INCOMPLETE,
        "can_reopen": ApplicationStatus.DEPOSEE in targets(application.status, Actor.FAMILY)
        and application.status == ApplicationStatus.EXPIREE,
        "can_edit": application.status in EDITABLE_STATUSES,
        "upload_form": forms.get("upload_form") or DocumentUploadForm(),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "can_withdraw_pieces": pieces_refusal(application) is None,
        "message_form": forms.get("message_form") or MessageForm(),
        "page_title": _("Demande %(number)s") % {"number": application.number},
    }


@allowed_if(is_family)
@require_GET
@allowed_if(is_own_application, obj=own_application)
def application_detail(request, application):
    return render(request, "families/application_detail.html", detail_context(request, application))


def rerender(request, application, status=400, **forms):
    return render(
        request, "families/application_detail.html", detail_context(request, application, **forms), status=status
    )


@allowed_if(is_family)
@require_POST
@allowed_if(is_own_application, obj=own_application)
def document_upload(request, application):
    form = DocumentUploadForm(request.POST, request.FILES)
    if refusal := pieces_refusal(application):
        form.add_error(None, refusal)
    if form.is_valid():
        try:
            services.document_add(
                application=application,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except (ValidationError, TransitionError) as error:
            form.add_error("file", error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Pièce ajoutée."))
            return redirect(piece_url(application, form.cleaned_data["document_type"]))
    return rerender(request, application, upload_form=form)


def piece_url(application, document_type):
    """The request page, scrolled to that piece's row (the family sees at once what became of its upload)."""
    return reverse("families:application_detail", args=[application.pk]) + f"#piece-{document_type.code}"


def own_document(request, pk):
    return get_visible_object_or_404(
        Document.objects.select_related("application__family", "document_type"), request.user, pk=pk
    )


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
@allowed_if(is_own_document, obj=own_document)
def document_withdraw(request, document):
    """The family takes back a piece not checked yet: a confirmation page first (works without JavaScript)."""
    application = document.application
    error = None
    if refusal := pieces_refusal(application):
        error = refusal
    elif request.method == "POST":
        try:
            services.document_withdraw(document=document, user=request.user)
        except (TransitionError, ValidationError) as refused:
            error = " ".join(getattr(refused, "messages", [str(refused)]))
        else:
            messages.success(request, _("Pièce « %(type)s » retirée.") % {"type": document.document_type.label})
            return redirect(piece_url(application, document.document_type))
    return render(
        request,
        "families/document_withdraw.html",
        {"document": document, "application": application, "error": error},
        status=400 if error and request.method == "POST" else 200,
    )


@allowed_if(is_family)
@require_GET
@allowed_if(is_own_document, obj=own_document)
def document_download(request, document):
    return file_response(
        document.file.open("rb"),
        filename=f"{document.document_type.code}{document.extension}",
        content_type=document.content_type,
    )


@allowed_if(is_family)
@require_POST
@allowed_if(is_own_application, obj=own_application)
def application_submit(request, application):
    form = SubmitForm(request.POST)
    if application.status != ApplicationStatus.BROUILLON:
        form.add_error(None, _("Cette demande est déjà déposée."))
    if form.is_valid():
        try:
            services.application_submit(application=application, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Demande déposée. Vous recevez un courriel de confirmation ; l'attestation de dépôt se "
                    "télécharge depuis l'encadré « Statut » ci-dessous."
                ),
            )
            return redirect("families:application_detail", pk=application.pk)
    return rerender(request, application, submit_form=form)


@allowed_if(is_family)
@require_POST
@allowed_if(is_own_application, obj=own_application)
def application_resubmit(request, application):
    """The family has added what was missing: the guichet takes the request up again."""
    try:
        services.application_transition(
            application=application,
            to_status=ApplicationStatus.DEPOSEE,
            actor=Actor.FAMILY,
            user=request.user,
            reason=_("La famille a complété sa demande."),
        )
    except TransitionError as error:
        messages.error(request, str(error))
        return redirect("families:application_detail", pk=application.pk)
    messages.success(request, _("Le guichet va reprendre l'instruction de votre demande."))
    return redirect("families:application_detail", pk=application.pk)


@allowed_if(is_family)
@require_POST
@allowed_if(is_own_application, obj=own_application)
def application_reopen(request, application):
    """An expired request starts a new period (the same request, filed again today)."""
    try:
        services.application_reopen(application=application, user=request.user)
    except (TransitionError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Votre demande repart pour une nouvelle période : le guichet la vérifie."))
    return redirect("families:application_detail", pk=application.pk)


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
@allowed_if(is_own_application, obj=own_application)
def application_cancel(request, application):
    """Cancelling is final: a page says what it means and asks for confirmation (works without JavaScript)."""
    if ApplicationStatus.ANNULEE not in targets(application.status, Actor.FAMILY):
        messages.error(request, _("Cette demande ne peut plus être annulée."))
        return redirect("families:application_detail", pk=application.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_transition(
                application=application,
                to_status=ApplicationStatus.ANNULEE,
                actor=Actor.FAMILY,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (TransitionError, ValidationError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Demande annulée."))
            return redirect("families:dashboard")
    return render(
        request,
        "families/application_cancel.html",
        {"application": application, "form": form, "page_title": _("Annuler la demande")},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(is_family)
@require_POST
@allowed_if(is_own_application, obj=own_application)
def message_post(request, application):
    form = MessageForm(request.POST)
    if form.is_valid():
        services.message_send(
            application=application, user=request.user, body=form.cleaned_data["body"], from_family=True
        )
        messages.success(request, _("Message envoyé au guichet."))
        return redirect("families:application_detail", pk=application.pk)
    return rerender(request, application, message_form=form)


@allowed_if(is_family)
@require_GET
@allowed_if(is_own_application, obj=own_application)
def attestation_download(request, application):
    if not application.submitted_at:
        raise Http404
    services.attestation_ensure(application)
    return file_response(
        application.attestation.open("rb"),
        filename=f"attestation-{application.number}.pdf",
        content_type="application/pdf",
    )


@allowed_if(is_family)
@require_GET
def family_data_export(request):
    """The family downloads everything the guichet holds about its foyer."""
    data = services.family_export(services.family_for(request.user))
    return file_response(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        filename="mon-foyer.json",
        content_type="application/json; charset=utf-8",
    )


RENEWAL_MAX_AGE = 60 * 24 * 3600


@login_not_required
@require_http_methods(["GET", "POST"])
def renewal_confirm(request, token):
    """One click from the reminder email keeps a request waiting; the signed link is its own key."""
    try:
        data = signing.loads(token, salt=RENEWAL_SALT, max_age=RENEWAL_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    application = get_object_or_404(Application.objects.select_related("child"), pk=data["application"])
    done = str(application.renewal_due_on) != data["due"]
    if request.method == "POST" and not done:
        try:
            services.renewal_confirm(application=application)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = True
    status = 200 if request.method == "GET" or done else 400
    return render(request, "families/renewal.html", {"application": application, "done": done}, status=status)

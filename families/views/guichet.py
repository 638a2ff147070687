"""The guichet's back-office: the queue of requests, the dossier, its pieces and the instruction actions."""

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from commissions.prepared import prepare_application
from families.enums import WEEKDAYS, Actor, ApplicationStatus, AuditAction, DocumentStatus
from families.forms_guichet import (
    QUEUE_STATUSES,
    AuditLogFilterForm,
    DocumentReviewForm,
    MarkCompleteForm,
    MessageForm,
    NoteForm,
    PiecesRequestForm,
    QueueFilterForm,
    QuotientFamilialForm,
    TransitionForm,
)
from families.models import Application, AuditEntry, Document, Guardian
from families.pdf_safety import pdf_is_clean
from families.perms import can_export_queue, can_instruct, can_read_audit_log
from families.queue_cache import cached_queue_html, queue_version
from families.queue_rows import queue_rows
from families.services import (
    application_mark_complete,
    application_staff_transition,
    audit,
    document_review,
    message_send,
    missing_document_types,
    note_add,
    pieces_request,
    quotient_familial_verify,
)
from families.workflow import TransitionError, generic_staff_targets, targets
from portal.caching import kept_page
from portal.decorators import allowed_if, get_visible_object_or_404
from portal.downloads import file_response
from portal.i18n import deferred
from portal.models import Collectivite
from portal.outbox.models import OutboxMessage
from portal.spreadsheets import spreadsheet_safe

QUEUE_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50
RESULTS_TARGET = "queue-results"


# --- The queue -----------------------------------------------------------------------------------


def queue_queryset(user):
    """The queue as `user` may see it (every filed request for the guichet), with what a row shows."""
    return Application.objects.visible_to(user).queue_rows()


def status_counts(form, user):
    """{status: count} over the queue filtered by everything but the status (one aggregate query)."""
    rows = form.filter(queue_queryset(user), with_status=False).order_by().values("status").annotate(count=Count("pk"))
    return {row["status"]: row["count"] for row in rows}


def _querystring(request, *drop):
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


QUEUE_CONTENT_TEMPLATE = "families/guichet/includes/queue_content.html"
QUEUE_RESULTS_TEMPLATE = "families/guichet/includes/queue_results.html"


def queue_context(request):
    form = QueueFilterForm(request.GET or None)
    page = Paginator(form.filter(queue_queryset(request.user)), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = status_counts(form, request.user)
    return {
        "form": form,
        "page": page,
        "rows": queue_rows(page),
        "status_counts": [(value, label, counts.get(value, 0)) for value, label in QUEUE_STATUSES],
        "current_status": form.valid_data().get("status", ""),
        "querystring": _querystring(request),
        "status_querystring": _querystring(request, "status"),
        "can_export": can_export_queue(request.user),
    }


# It only reads: under READ COMMITTED a transaction around its statements adds no consistency (each takes its own
# snapshot), only a BEGIN and a COMMIT.
@transaction.non_atomic_requests
@allowed_if(can_instruct)
@require_GET
def queue(request):
    # HTMX swaps only the results; the full page includes the very same fragment.
    fragment = request.htmx and request.htmx.target == RESULTS_TARGET and not request.htmx.history_restore_request
    template = QUEUE_RESULTS_TEMPLATE if fragment else QUEUE_CONTENT_TEMPLATE

    # Rendered without the request: what is cached must depend on nothing but its key (queue_cache_key).
    def content():
        return cached_queue_html(request, template, lambda: render_to_string(template, queue_context(request)))

    def page():
        context = {"queue_content": mark_safe(content()), "page_title": _("Demandes d'accueil")}  # noqa: S308
        return render(request, "families/guichet/queue.html", context)

    # An agent reloads the same queue all day: the whole page is kept for the session while nothing changes.
    response = (
        HttpResponse(content()) if fragment else kept_page(request, "guichet-demandes", (queue_version(),), page)
    )
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def queue_dataset(applications):
    headers = [
        _("Numéro"),
        _("Statut"),
        _("Enfant"),
        _("Né·e le / naissance prévue le"),
        _("Responsables"),
        _("Commune du foyer"),
        _("Code INSEE"),
        _("Type d'accueil"),
        _("Entrée souhaitée"),
        _("Âge à l'entrée (mois)"),
        _("Heures par semaine"),
        _("Modes demandés"),
        _("Premier vœu"),
        _("Pièces manquantes"),
        _("Déposée le"),
    ]
    dataset = tablib.Dataset(headers=headers, title=_("Demandes"))
    for application in applications:
        child = application.child
        row = [
            application.number,
            application.get_status_display(),
            str(child.display_name),
            child.reference_date.strftime("%d/%m/%Y"),
            ", ".join(guardian.full_name for guardian in application.family.guardians.all()),
            application.family.commune,
            application.family.code_insee,
            application.get_kind_display(),
            application.desired_start.strftime("%d/%m/%Y"),
            application.age_at_start_months,
            str(application.weekly_hours),
            ", ".join(str(mode.label) for mode in application.modes),
            application.first_wish or "",
            _("oui") if application.missing_documents else _("non"),
            timezone.localtime(application.submitted_at).strftime("%d/%m/%Y %H:%M")
            if application.submitted_at
            else "",
        ]
        dataset.append([spreadsheet_safe(value) for value in row])
    return dataset


@allowed_if(can_export_queue)
@require_GET
def queue_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form = QueueFilterForm(request.GET or None)
    applications = form.filter(queue_queryset(request.user)).prefetch_related(
        Prefetch("family__guardians", queryset=Guardian.objects.order_by("id"))
    )
    dataset = queue_dataset(applications.iterator(chunk_size=2000))
    audit(
        user=request.user,
        application=None,
        action=AuditAction.EXPORT,
        detail=deferred(
            gettext_noop("file des demandes en %(format)s : %(count)d demande(s) ; filtres : %(filters)s"),
            format=fmt.upper(),
            count=len(dataset),
            filters=_querystring(request) or deferred(gettext_noop("aucun")),
        ),
    )
    if fmt == "csv":
        # A BOM and semicolons: what spreadsheet programs set to French expect.
        content = "\ufeff" + dataset.export("csv", delimiter=";")
    else:
        content = dataset.export("xlsx")
    return file_response(
        content, filename=f"demandes-{timezone.localdate():%Y-%m-%d}.{fmt}", content_type=EXPORT_FORMATS[fmt]
    )


# --- The dossier ---------------------------------------------------------------------------------


def staff_application(request, pk):
    """A filed request the person may see (never a family's draft), else 404."""
    return get_visible_object_or_404(
        Application.objects.exclude(status=ApplicationStatus.BROUILLON).select_related(
            "child", "family", "family__account", "family__quotient_familial_verified_by"
        ),
        request.user,
        pk=pk,
    )


def staff_document(request, pk):
    return get_visible_object_or_404(
        Document.objects.exclude(application__status=ApplicationStatus.BROUILLON).select_related(
            "document_type", "application", "application__child", "uploaded_by", "reviewed_by"
        ),
        request.user,
        pk=pk,
    )


# Each action form: its class and an id prefix, so that several forms live on one page.
ACTION_FORMS = {
    "pieces": (PiecesRequestForm, "id_pieces_%s"),
    "qf": (QuotientFamilialForm, "id_qf_%s"),
    "complete": (MarkCompleteForm, "id_complete_%s"),
    "message": (MessageForm, "id_message_%s"),
    "note": (NoteForm, "id_note_%s"),
    "transition": (TransitionForm, "id_transition_%s"),
}


def review_form(document, data=None):
    return DocumentReviewForm(data, auto_id=f"id_doc{document.pk}_%s")


def dossier_context(application, *, bound=None, bound_document=None):
    """Everything the dossier shows; `bound` holds the action form that failed, to show its errors."""
    bound = bound or {}
    prepare_application(application)  # what the score and offers tags show
    family = application.family
    allowed = targets(application.status, Actor.STAFF)
    forms = {}
    for key, (form_class, auto_id) in ACTION_FORMS.items():
        if key in bound:
            forms[key] = bound[key]
        elif key == "transition":
            forms[key] = TransitionForm(auto_id=auto_id, targets=generic_staff_targets(application))
        elif key == "pieces":
            forms[key] = PiecesRequestForm(auto_id=auto_id, application=application)
        elif key == "qf":
            forms[key] = QuotientFamilialForm(auto_id=auto_id, initial={"value": family.quotient_familial})
        else:
            forms[key] = form_class(auto_id=auto_id)
    documents = list(
        application.documents.select_related("document_type", "uploaded_by", "reviewed_by", "replaced_by")
    )
    past_documents = [document for document in documents if not document.is_current]
    documents = [document for document in documents if document.is_current]
    territory = {commune.code_insee for commune in Collectivite.current_territory()}
    planning = application.planning or {}
    return {
        "application": application,
        "family": family,
        "guardians": list(family.guardians.all()),
        "situations": list(family.situations.all()),
        "in_territory": bool(family.code_insee) and family.code_insee in territory,
        "planning_rows": [(label, *planning[code]) for code, label in WEEKDAYS if code in planning],
        "wishes": list(application.wishes.select_related("establishment")),
        "documents": [
            (
                document,
                bound_document[1] if bound_document and bound_document[0] == document.pk else review_form(document),
            )
            for document in documents
        ],
        "past_documents": past_documents,
        "missing_types": missing_document_types(application),
        "history": list(application.history.select_related("user")),
        "exchanges": list(application.messages.select_related("author")),
        "notes": list(application.notes.select_related("author")),
        "sent_messages": list(OutboxMessage.objects.about(application, application.offers.all())[:50]),
        "audit_entries": list(application.audit_entries.select_related("user")[:20]),
        "forms": forms,
        "can_request_pieces": ApplicationStatus.INCOMPLETE in allowed,
        "can_mark_complete": ApplicationStatus.COMPLETE in allowed,
        "other_targets": generic_staff_targets(application),
        "page_title": _("Demande %(number)s") % {"number": application.number},
    }


def dossier_response(request, application, *, status=200, **bound):
    audit(
        user=request.user,
        application=application,
        action=AuditAction.READ,
        detail=deferred(gettext_noop("lecture du dossier")),
    )
    return render(request, "families/guichet/dossier.html", dossier_context(application, **bound), status=status)


@allowed_if(can_instruct)
@require_GET
def dossier(request, pk):
    return dossier_response(request, staff_application(request, pk))


def error_messages(error):
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def run_action(request, pk, key, action, success):
    """Validate the action's form and call the service; on refusal, the dossier again with the errors (400)."""
    application = staff_application(request, pk)
    form_class, auto_id = ACTION_FORMS[key]
    extra = {"application": application} if key == "pieces" else {}
    form = form_class(request.POST, auto_id=auto_id, **extra)
    if form.is_valid():
        try:
            # A savepoint: a refused action leaves nothing behind, even a partial write.
            with transaction.atomic():
                action(application, form.cleaned_data)
        except (TransitionError, ValidationError) as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, success)
            return redirect("families:dossier", pk=application.pk)
    messages.error(request, _("Rien n'a été modifié : voyez le message d'erreur sous l'action demandée."))
    return dossier_response(request, application, status=400, bound={key: form})


@allowed_if(can_instruct)
@require_POST
def pieces_request_view(request, pk):
    return run_action(
        request,
        pk,
        "pieces",
        lambda application, data: pieces_request(
            application=application,
            user=request.user,
            reason=data["reason"],
            document_types=list(data["document_types"]),
        ),
        _("La famille est invitée par courriel à compléter sa demande."),
    )


@allowed_if(can_instruct)
@require_POST
def qf_verify_view(request, pk):
    return run_action(
        request,
        pk,
        "qf",
        lambda application, data: quotient_familial_verify(
            family=application.family, user=request.user, value=data["value"], application=application
        ),
        _("Quotient familial vérifié."),
    )


@allowed_if(can_instruct)
@require_POST
def mark_complete_view(request, pk):
    return run_action(
        request,
        pk,
        "complete",
        lambda application, data: application_mark_complete(application=application, user=request.user),
        _("La demande est complète."),
    )


@allowed_if(can_instruct)
@require_POST
def message_view(request, pk):
    return run_action(
        request,
        pk,
        "message",
        lambda application, data: message_send(
            application=application, user=request.user, body=data["body"], from_family=False
        ),
        _("Message envoyé à la famille."),
    )


@allowed_if(can_instruct)
@require_POST
def note_view(request, pk):
    return run_action(
        request,
        pk,
        "note",
        lambda application, data: note_add(application=application, user=request.user, body=data["body"]),
        _("Note ajoutée."),
    )


@allowed_if(can_instruct)
@require_POST
def transition_view(request, pk):
    return run_action(
        request,
        pk,
        "transition",
        lambda application, data: application_staff_transition(
            application=application, user=request.user, to_status=data["to_status"], reason=data["reason"]
        ),
        _("Statut de la demande mis à jour."),
    )


# --- Pieces --------------------------------------------------------------------------------------


@allowed_if(can_instruct)
@require_GET
def document_page(request, pk):
    document = staff_document(request, pk)
    audit(
        user=request.user,
        application=document.application,
        action=AuditAction.DOCUMENT,
        detail=deferred(
            gettext_noop("consultation de la pièce « %(type)s » (n° %(pk)s)"), type=str(document.document_type), pk=pk
        ),
    )
    return render(
        request,
        "families/guichet/document.html",
        {
            "document": document,
            "application": document.application,
            "form": review_form(document),
            "page_title": str(document.document_type),
        },
    )


# The file is shown inside the document page (iframe for a PDF): only that response may be framed, by us.
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"


@allowed_if(can_instruct)
@require_GET
def document_file(request, pk):
    document = staff_document(request, pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    audit(
        user=request.user,
        application=document.application,
        action=AuditAction.DOCUMENT,
        detail=deferred(
            gettext_noop("ouverture du fichier de la pièce « %(type)s » (n° %(pk)s)"),
            type=str(document.document_type),
            pk=pk,
        ),
    )
    # Shown in the browser only if nothing in it runs by itself: a PDF stored before uploads were
    # cleaned, and still active, is only offered for download.
    inline = document.content_type != "application/pdf" or pdf_is_clean(handle)
    handle.seek(0)
    response = file_response(
        handle, filename=document.original_name, content_type=document.content_type, inline=inline
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response


@allowed_if(can_instruct)
@require_POST
def document_review_view(request, pk):
    document = staff_document(request, pk)
    form = review_form(document, request.POST)
    if form.is_valid():
        valid = form.cleaned_data["decision"] == DocumentStatus.VALID
        try:
            with transaction.atomic():
                document_review(document=document, user=request.user, valid=valid, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if valid:
                messages.success(request, _("Pièce « %(type)s » validée.") % {"type": document.document_type})
            else:
                messages.success(
                    request,
                    _("Pièce « %(type)s » refusée ; la famille verra le motif.") % {"type": document.document_type},
                )
            return redirect(reverse("families:dossier", args=[document.application_id]) + "#pieces")
    messages.error(request, _("Rien n'a été modifié : voyez le message d'erreur sous la pièce."))
    application = staff_application(request, document.application_id)
    return dossier_response(request, application, status=400, bound_document=(document.pk, form))


# --- The audit log -------------------------------------------------------------------------------


@allowed_if(can_read_audit_log)
@require_GET
def audit_log(request):
    form = AuditLogFilterForm(request.GET or None)
    entries = form.filter(AuditEntry.objects.visible_to(request.user).select_related("user", "application"))
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "families/guichet/audit_log.html",
        {"form": form, "page": page, "querystring": _querystring(request), "page_title": _("Journal des accès")},
    )

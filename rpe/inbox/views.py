"""The relais' inbox: the public form that writes to it, the staff's list and answers, and the contact log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from families.models import Family
from portal.decorators import allowed_if
from portal.enums import Actor
from portal.workflows import TransitionError
from rpe import perms
from rpe.inbox import services
from rpe.inbox.enums import ContactChannel, RequestStatus
from rpe.inbox.forms import AssignForm, ContactLogForm, ReplyForm, RequestForm, StatusForm
from rpe.inbox.workflow import INBOX_REQUEST
from rpe.models.inbox import ContactLog, InboxRequest
from rpe.relais_choice import chosen_relais


@login_not_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """Anyone writes to a relais: a question, a theme, how to answer."""
    user = request.user if request.user.is_authenticated else None
    initial = {"name": user.get_full_name(), "email": user.email} if user else {}
    form = RequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.request_create(
            relais=data["relais"],
            person=data["person"],
            theme=data["theme"],
            message=data["message"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            user=user,
            assistant=perms.am_of(user) if user else None,
            family=Family.objects.filter(account=user).first() if user else None,
        )
        messages.success(
            request, _("Votre message est envoyé au relais. Vous recevez un accusé de réception par courriel.")
        )
        return redirect("rpe:inbox_new")
    return render(
        request, "rpe/inbox/request_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@allowed_if(perms.can_use_inbox)
@require_GET
def inbox(request):
    relais, choices = chosen_relais(request)
    status = request.GET.get("statut") or ""
    requests = InboxRequest.objects.filter(relais=relais)
    counts = dict(requests.values_list("status").annotate(n=Count("pk")).order_by())
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    else:
        status = ""
        requests = requests.open()
    page = Paginator(requests.select_related("assigned_to").order_by("created_at", "id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "rpe/inbox/inbox.html",
        {
            "relais": relais,
            "choices": choices,
            "page": page,
            "status": status,
            "statuses": [(value, label, counts.get(value, 0)) for value, label in RequestStatus.choices],
            "now": timezone.now(),
            "querystring": f"relais={relais.pk}&statut={status}",
        },
    )


def staff_request(request, pk):
    inbox_request = get_object_or_404(InboxRequest.objects.select_related("relais", "assigned_to"), pk=pk)
    if not perms.can_use_inbox(request.user, inbox_request.relais):
        raise Http404
    return inbox_request


def status_form(inbox_request, user, data=None):
    targets = INBOX_REQUEST.targets(inbox_request, Actor.STAFF, user)
    return StatusForm(data, targets=[(target, RequestStatus(target).label) for target in targets])


@allowed_if(perms.can_use_inbox)
@require_GET
def request_detail(request, pk):
    return detail_page(request, staff_request(request, pk))


def detail_page(request, inbox_request, *, status=200, error=None, **forms):
    """The request's page; a refused POST shows it again with its form's errors (400) or the refusal (409)."""
    return render(
        request,
        "rpe/inbox/request_detail.html",
        {
            "item": inbox_request,
            "replies": inbox_request.replies.select_related("author"),
            "contacts": inbox_request.contacts.select_related("logged_by"),
            "log": [
                (entry, INBOX_REQUEST.label(entry.to_status)) for entry in inbox_request.log.select_related("user")
            ],
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "assign_form": forms.get("assign_form")
            or AssignForm(relais=inbox_request.relais, initial={"assignee": inbox_request.assigned_to}),
            "status_form": forms.get("status_form") or status_form(inbox_request, request.user),
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@allowed_if(perms.can_use_inbox)
@require_POST
def request_reply(request, pk):
    inbox_request = staff_request(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return detail_page(request, inbox_request, status=400, reply_form=form)
    try:
        services.request_reply(
            inbox_request, body=form.cleaned_data["body"], user=request.user, close=form.cleaned_data["close"]
        )
    except (services.InboxError, TransitionError) as error:
        return detail_page(request, inbox_request, status=409, error=str(error))
    messages.success(request, _("Réponse envoyée par courriel à %(email)s.") % {"email": inbox_request.email})
    return redirect("rpe:inbox_request", pk=pk)


@allowed_if(perms.can_use_inbox)
@require_POST
def request_assign(request, pk):
    inbox_request = staff_request(request, pk)
    form = AssignForm(request.POST, relais=inbox_request.relais)
    if not form.is_valid():
        return detail_page(request, inbox_request, status=400, assign_form=form)
    try:
        services.request_assign(inbox_request, assignee=form.cleaned_data["assignee"], user=request.user)
    except TransitionError as error:
        return detail_page(request, inbox_request, status=409, error=str(error))
    messages.success(request, _("Demande attribuée."))
    return redirect("rpe:inbox_request", pk=pk)


@allowed_if(perms.can_use_inbox)
@require_POST
def request_status(request, pk):
    inbox_request = staff_request(request, pk)
    form = status_form(inbox_request, request.user, request.POST)
    if not form.is_valid():
        return detail_page(request, inbox_request, status=400, status_form=form)
    try:
        INBOX_REQUEST.transition(inbox_request, form.cleaned_data["status"], actor=Actor.STAFF, user=request.user)
    except TransitionError as error:
        return detail_page(request, inbox_request, status=409, error=str(error))
    messages.success(request, _("Statut modifié."))
    return redirect("rpe:inbox_request", pk=pk)


@allowed_if(perms.can_use_inbox)
@require_http_methods(["GET", "POST"])
def contacts(request):
    """The contact log: the quick form on top (a call in a few seconds), the latest contacts below."""
    relais, choices = chosen_relais(request)
    links = contact_links(request, relais)
    form = ContactLogForm(request.POST or None, initial={"channel": ContactChannel.PHONE})
    if request.method == "POST" and form.is_valid():
        services.contact_log(relais=relais, logged_by=request.user, **form.cleaned_data, **links)
        messages.success(request, _("Contact enregistré."))
        back = links.get("request")
        if back is not None:
            return redirect("rpe:inbox_request", pk=back.pk)
        return redirect(reverse("rpe:contacts") + f"?relais={relais.pk}")
    logged = ContactLog.objects.filter(relais=relais).select_related("logged_by", "assistant")
    page = Paginator(logged, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rpe/inbox/contacts.html",
        {
            "relais": relais,
            "choices": choices,
            "form": form,
            "page": page,
            "links": links,
            "querystring": f"relais={relais.pk}",
        },
        status=400 if request.method == "POST" else 200,
    )


def contact_links(request, relais):
    """The request and AM a contact is about, from `?demande=` and `?am=` (only the relais' own)."""
    links = {}
    source = request.POST if request.method == "POST" else request.GET
    if (request_id := source.get("demande", "")).isdigit():
        links["request"] = get_object_or_404(InboxRequest, pk=request_id, relais=relais)
    if (am_id := source.get("am", "")).isdigit():
        links["assistant"] = get_object_or_404(perms.visible_to(request.user), pk=am_id, relais=relais)
    return links

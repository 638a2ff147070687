"""Every write on families' data that touches several rows or has side effects."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from families import notifications
from families.enums import (
    CLOSED_STATUSES,
    CURRENT_DOCUMENT_STATUSES,
    LIVE_STATUSES,
    USABLE_DOCUMENT_STATUSES,
    Actor,
    ApplicationStatus,
    AuditAction,
    DocumentStatus,
)
from families.models import (
    MODE_FIELDS,
    Application,
    AuditEntry,
    Document,
    DocumentType,
    Family,
    Guardian,
    GuichetSettings,
    InternalNote,
    Message,
    StatusChange,
    Wish,
)
from families.queue_cache import queue_changed
from families.uploads import inspect_upload
from families.workflow import (
    APPLICATION,
    DEDICATED_TARGETS,
    DOCUMENT,
    EDITABLE_STATUSES,
    OFFER_TARGETS,
    pieces_refusal,
)
from portal.dates import months_between
from portal.i18n import Deferred, choice, deferred, field_labels
from portal.tasks import enqueue_on_commit

# Fields whose change, after instruction, calls for a new look by the guichet.
MATERIAL_FIELDS = (
    "kind",
    "desired_start",
    "planning",
    *MODE_FIELDS.values(),
)


def audit(*, user, application, action, detail=""):
    """One line of the access log; `detail` is a system message (portal.i18n.deferred) or plain text."""
    message = detail.as_json() if isinstance(detail, Deferred) else None
    text = detail.french() if message else detail
    AuditEntry.objects.create(
        user=user, application=application, action=action, detail=text[:300], detail_message=message
    )


def family_for(user):
    """The family of a parent account, created on first use."""
    return Family.objects.get_or_create(account=user)[0]


@transaction.atomic
def family_guardians_save(*, family, changed=(), added=(), removed=()):
    """Save the foyer's responsables: two at most, whatever a form sent.

    `changed`, `added` and `removed` are Guardian instances of this family (as a formset gives them).
    The foyer is locked so that two saves at once count one after the other; the database's unique
    (family, position) and its check on 1 or 2 hold even for a write that bypasses this function.
    """
    Family.objects.select_for_update().filter(pk=family.pk).first()
    for guardian in removed:
        guardian.delete()
    taken = set(family.guardians.values_list("position", flat=True))
    free = [position for position in range(1, Guardian.MAX_PER_FAMILY + 1) if position not in taken]
    if len(added) > len(free):
        raise ValidationError(
            _("Un foyer compte au plus deux responsables : modifiez ou retirez l'un d'eux avant d'en ajouter un.")
        )
    for guardian in changed:
        guardian.save()
    for guardian, position in zip(added, free, strict=False):
        guardian.family = family
        guardian.position = position
        guardian.save()


def weekly_hours(planning):
    total = Decimal(0)
    for hours in planning.values():
        start, end = (datetime.time.fromisoformat(value) for value in hours)
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        total += Decimal(minutes) / 60
    return total.quantize(Decimal("0.1"))


def application_refresh_facts(application):
    """Derived facts the queue filters on: hours per week and the child's age at the start date."""
    application.weekly_hours = weekly_hours(application.planning)
    application.age_at_start_months = months_between(application.child.reference_date, application.desired_start)


def wishes_set(*, application, establishments):
    """Replace the vœux by `establishments`, in the family's order."""
    limit = GuichetSettings.current().max_wishes
    if len(establishments) > limit:
        raise ValidationError(_("Au plus %(limit)d vœux en crèche.") % {"limit": limit})
    if len(set(establishments)) != len(establishments):
        raise ValidationError(_("Chaque établissement ne peut figurer qu'une fois parmi vos vœux."))
    application.wishes.all().delete()
    Wish.objects.bulk_create(
        Wish(application=application, establishment=establishment, rank=rank)
        for rank, establishment in enumerate(establishments, start=1)
    )
    queue_changed()  # bulk_create sends no signal; the queue shows the first wish


ONE_REQUEST_PER_CHILD = gettext_lazy(
    "%(child)s a déjà une demande en cours : une seule demande par enfant, pour tous les modes d'accueil. "
    "Modifiez-la plutôt."
)


REOPEN_INSTEAD = gettext_lazy(
    "La demande de %(child)s a expiré : reprenez-la pour une nouvelle période plutôt que d'en créer une autre."
)


def live_application_of(child):
    return Application.objects.live().filter(child=child).first()


def reopenable_application_of(child):
    """The child's expired request, which a new period takes up again (when the child has no live one)."""
    return Application.objects.filter(child=child, status=ApplicationStatus.EXPIREE).order_by("-id").first()


@transaction.atomic
def application_create(*, family, child, fields, establishments):
    """A new draft for a child who has no live request (the database decides when two arrive at once)."""
    if live_application_of(child) is not None:
        raise ValidationError(ONE_REQUEST_PER_CHILD % {"child": child.display_name})
    if reopenable_application_of(child) is not None:
        raise ValidationError(REOPEN_INSTEAD % {"child": child.display_name})
    application = Application(family=family, child=child, **fields)
    application_refresh_facts(application)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:
        raise ValidationError(ONE_REQUEST_PER_CHILD % {"child": child.display_name}) from error
    wishes_set(application=application, establishments=establishments)
    return application


@transaction.atomic
def application_update(*, application, user, fields, establishments, actor=Actor.FAMILY):
    """Apply a family's edit; after "complète", a material change goes back to instruction."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Cette demande ne peut plus être modifiée."))
    before = {field: getattr(application, field) for field in MATERIAL_FIELDS}
    before_wishes = list(application.wishes.values_list("establishment_id", flat=True))
    for field, value in fields.items():
        setattr(application, field, value)
    application_refresh_facts(application)
    application.save()
    wishes_set(application=application, establishments=establishments)
    changed = [field for field in MATERIAL_FIELDS if getattr(application, field) != before[field]]
    if [establishment.pk for establishment in establishments] != before_wishes:
        changed.append("wishes")
    if changed and application.status != ApplicationStatus.BROUILLON:
        labels = field_labels(Application, changed)  # "wishes" reads as the wishes' plural name
        StatusChange.objects.create(
            subject=application,
            from_status=application.status,
            to_status=application.status,
            actor=actor,
            user=user,
            **StatusChange.note_fields(deferred(gettext_noop("Modification : %(fields)s"), fields=labels)),
        )
        if application.status == ApplicationStatus.COMPLETE:
            application_transition(
                application=application,
                to_status=ApplicationStatus.DEPOSEE,
                actor=actor,
                user=user,
                reason=deferred(
                    gettext_noop("Demande modifiée après instruction (%(fields)s) : nouvelle vérification."),
                    fields=labels,
                ),
            )
    return application


@transaction.atomic
def application_transition(*, application, to_status, actor, user=None, reason="", notify=True):
    """Move a request along the workflow (families.workflow.APPLICATION); log it and tell the family."""
    revived = application.status not in LIVE_STATUSES and to_status in LIVE_STATUSES
    try:
        change = APPLICATION.transition(
            application, to_status, actor=actor, user=user, note=reason, changes={"status_changed_at": timezone.now()}
        )
    except IntegrityError as error:
        if not revived:
            raise
        # Back to life (a new period, a refusal put back on the list): the child may have another live request.
        raise ValidationError(ONE_REQUEST_PER_CHILD % {"child": application.child.display_name}) from error
    if notify:
        notifications.status_changed(application, change)
    return change


@transaction.atomic
def application_staff_transition(*, application, user, to_status, reason=""):
    """A move the guichet makes from the dossier's generic form (not one that has an action of its own)."""
    if to_status in DEDICATED_TARGETS:
        raise ValidationError(
            _("Pour passer la demande à « %(status)s », utilisez l'action prévue : elle vérifie les pièces.")
            % {"status": ApplicationStatus(to_status).label}
        )
    if application.status == ApplicationStatus.PROPOSITION and to_status in OFFER_TARGETS:
        raise ValidationError(
            _("Enregistrez la réponse de la famille depuis la proposition de place : elle garde ou libère la place.")
        )
    change = application_transition(
        application=application, to_status=to_status, actor=Actor.STAFF, user=user, reason=reason
    )
    audit(
        user=user,
        application=application,
        action=AuditAction.UPDATE,
        detail=deferred(gettext_noop("statut : %(status)s"), status=choice(ApplicationStatus(to_status))),
    )
    return change


@transaction.atomic
def application_submit(*, application, user):
    """The family files its request: "déposée", an email, and the attestation built by the worker."""
    family = application.family
    problems = []
    if not family.is_profile_complete:
        problems.append(_("Renseignez l'adresse de votre foyer."))
    if not family.guardians.exists():
        problems.append(_("Indiquez au moins un responsable de l'enfant."))
    if application.wants_collective and not application.wishes.exists():
        problems.append(_("Choisissez au moins un établissement, ou décochez l'accueil collectif."))
    if not application.modes:
        problems.append(_("Choisissez au moins un mode d'accueil."))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    application.submitted_at = now
    application.consent_at = now
    application.renewal_due_on = now.date() + relativedelta(months=GuichetSettings.current().renewal_months)
    application.save(update_fields=["submitted_at", "consent_at", "renewal_due_on", "updated_at"])
    change = application_transition(
        application=application, to_status=ApplicationStatus.DEPOSEE, actor=Actor.FAMILY, user=user
    )
    attestation_queue(application)
    return change


def attestation_queue(application):
    """Record that the attestation is being built, and hand the build to the worker once committed."""
    application.attestation_queued_at = timezone.now()
    Application.objects.filter(pk=application.pk).update(attestation_queued_at=application.attestation_queued_at)
    enqueue_on_commit("families.tasks.build_attestation", application.pk)


def attestation_build(application):
    """Draw the attestation de dépôt, store it and clear the queued mark."""
    from families.pdf import attestation_pdf

    pdf = attestation_pdf(application, connection.tenant)
    application.attestation.save(f"attestation-{application.number}.pdf", ContentFile(pdf), save=False)
    application.attestation_queued_at = None
    Application.objects.filter(pk=application.pk).update(
        attestation=application.attestation.name, attestation_queued_at=None
    )
    return application.attestation


def attestation_is_stored(application):
    return bool(application.attestation) and application.attestation.storage.exists(application.attestation.name)


# A build still queued after this long is considered lost: the page offers the download, which rebuilds it.
ATTESTATION_QUEUE_PATIENCE = datetime.timedelta(minutes=10)


def attestation_in_preparation(application):
    """True only while a build is actually queued (and recent), never for a request whose build was never asked."""
    return (
        not application.attestation
        and application.attestation_queued_at is not None
        and timezone.now() - application.attestation_queued_at < ATTESTATION_QUEUE_PATIENCE
    )


def attestation_ensure(application):
    """The stored attestation of a filed request, rebuilt on the spot when it is missing."""
    if not application.submitted_at:
        raise ValidationError(_("Une demande non déposée n'a pas d'attestation."))
    if not attestation_is_stored(application):
        attestation_build(application)
    return application.attestation


def attestations_build_missing():
    """Build every filed request's missing attestation (the demo's, and any whose build was lost)."""
    count = 0
    missing = Application.objects.filter(submitted_at__isnull=False, attestation="")
    for application in missing.select_related("child", "family").iterator(chunk_size=200):
        attestation_build(application)
        count += 1
    return count


@transaction.atomic
def document_add(*, application, document_type, upload, user):
    """The family adds a piece; a refused or unchecked piece of the same type is replaced by it (kept as history)."""
    # One upload at a time per request, and only while the request may still change.
    application = Application.objects.select_for_update().get(pk=application.pk)
    if refusal := pieces_refusal(application):
        raise ValidationError(refusal)
    current = (
        application.documents.select_for_update()
        .filter(document_type=document_type, status__in=CURRENT_DOCUMENT_STATUSES)
        .first()
    )
    if current is not None and current.status == DocumentStatus.VALID:
        raise ValidationError(
            _("La pièce « %(type)s » est déjà validée : écrivez au guichet si elle doit changer.")
            % {"type": document_type.label}
        )
    checked = inspect_upload(upload)  # a PDF comes back without its active content
    if current is not None:
        DOCUMENT.transition(current, DocumentStatus.REPLACED, actor=Actor.FAMILY, user=user)
    document = Document(
        application=application,
        document_type=document_type,
        original_name=upload.name[:255],
        content_type=checked.content_type,
        size=checked.file.size,
        sha256=checked.sha256,
        uploaded_by=user,
        replaces=current,
    )
    document.file.save(upload.name, checked.file, save=False)
    document.save()
    return document


@transaction.atomic
def document_withdraw(*, document, user):
    """The family takes back a piece the guichet has not checked yet; it stays in the history."""
    if refusal := pieces_refusal(Application.objects.select_for_update().get(pk=document.application_id)):
        raise ValidationError(refusal)
    DOCUMENT.transition(
        document, DocumentStatus.WITHDRAWN, actor=Actor.FAMILY, user=user, changes={"withdrawn_at": timezone.now()}
    )
    return document


@transaction.atomic
def document_review(*, document, user, valid, reason=""):
    if not valid and not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus : la famille le lira."))
    target = DocumentStatus.VALID if valid else DocumentStatus.REJECTED
    review = {"review_reason": "" if valid else reason.strip(), "reviewed_by": user, "reviewed_at": timezone.now()}
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != target:
        DOCUMENT.transition(
            document, target, actor=Actor.STAFF, user=user, note=review["review_reason"], changes=review
        )
    else:
        # The same decision again (a new reason): no move, the review is updated.
        for name, value in review.items():
            setattr(document, name, value)
        document.save(update_fields=list(review))
    audit(
        user=user,
        application=document.application,
        action=AuditAction.UPDATE,
        detail=deferred(
            "%(type)s : %(status)s", type=str(document.document_type), status=choice(DocumentStatus(document.status))
        ),
    )
    return document


def current_documents(application):
    """{document type id: the current piece of that type} (replaced and withdrawn pieces are history)."""
    return {
        document.document_type_id: document
        for document in application.documents.filter(status__in=CURRENT_DOCUMENT_STATUSES)
    }


def missing_document_types(application):
    """Required pieces with no current piece that is valid or still to check."""
    current = current_documents(application)
    return [
        kind
        for kind in DocumentType.objects.filter(required=True, is_active=True)
        if kind.pk not in current or current[kind.pk].status not in USABLE_DOCUMENT_STATUSES
    ]


def pieces_checklist(application):
    """What the family is asked for, piece by piece: each required or requested type with its current piece.

    Rows are dicts {kind, document, requested, to_provide}; `to_provide` when nothing usable is there yet.
    """
    requested = {kind.pk for kind in application.requested_document_types.all()}
    current = current_documents(application)
    kinds = DocumentType.objects.filter(is_active=True).filter(Q(required=True) | Q(pk__in=requested))
    rows = []
    for kind in kinds:
        document = current.get(kind.pk)
        rows.append(
            {
                "kind": kind,
                "document": document,
                "requested": kind.pk in requested,
                "to_provide": document is None or document.status not in USABLE_DOCUMENT_STATUSES,
            }
        )
    return rows


@transaction.atomic
def pieces_request(*, application, user, reason, document_types=None):
    """Ask the family for what is missing: "incomplète", the pieces asked recorded, and an email listing them."""
    missing = missing_document_types(application)
    rejected = application.documents.filter(status=DocumentStatus.REJECTED).select_related("document_type")
    asked = {kind.pk: kind for kind in [*missing, *(document.document_type for document in rejected)]}
    asked.update({kind.pk: kind for kind in document_types or []})
    reasons = {document.document_type_id: document.review_reason for document in rejected}
    lines = [f"- {kind.label} : {reasons[pk]}" if reasons.get(pk) else f"- {kind.label}" for pk, kind in asked.items()]
    text = "\n".join(filter(None, [reason.strip(), *lines]))
    if not text:
        raise ValidationError(_("Précisez ce qui manque."))
    application.requested_document_types.set(asked.values())
    audit(
        user=user,
        application=application,
        action=AuditAction.UPDATE,
        detail=deferred(gettext_noop("pièces demandées")),
    )
    return application_transition(
        application=application, to_status=ApplicationStatus.INCOMPLETE, actor=Actor.STAFF, user=user, reason=text
    )


@transaction.atomic
def application_mark_complete(*, application, user):
    """Every required piece's current version is validated: the request is ready for the commission."""
    problems = []
    if missing_document_types(application):
        problems.append(_("Des pièces obligatoires manquent."))
    current = application.documents.filter(status__in=CURRENT_DOCUMENT_STATUSES, document_type__required=True)
    if current.exclude(status=DocumentStatus.VALID).exists():
        problems.append(_("Toutes les pièces obligatoires doivent être validées."))
    if problems:
        raise ValidationError(problems)
    application.requested_document_types.clear()
    audit(
        user=user,
        application=application,
        action=AuditAction.UPDATE,
        detail=deferred(gettext_noop("demande complète")),
    )
    return application_transition(
        application=application, to_status=ApplicationStatus.COMPLETE, actor=Actor.STAFF, user=user
    )


@transaction.atomic
def quotient_familial_verify(*, family, user, value, application=None):
    family.quotient_familial = value
    family.quotient_familial_verified_at = timezone.now()
    family.quotient_familial_verified_by = user
    family.save(update_fields=["quotient_familial", "quotient_familial_verified_at", "quotient_familial_verified_by"])
    audit(
        user=user,
        application=application,
        action=AuditAction.UPDATE,
        detail=deferred(gettext_noop("QF vérifié : %(value)s €"), value=str(value)),
    )


@transaction.atomic
def message_send(*, application, user, body, from_family):
    body = body.strip()
    if not body:
        raise ValidationError(_("Le message est vide."))
    message = Message.objects.create(application=application, author=user, from_family=from_family, body=body)
    if from_family:
        notifications.message_to_guichet(message)
    else:
        audit(
            user=user,
            application=application,
            action=AuditAction.UPDATE,
            detail=deferred(gettext_noop("message à la famille")),
        )
        notifications.message_to_family(message)
    return message


def note_add(*, application, user, body):
    if not body.strip():
        raise ValidationError(_("La note est vide."))
    audit(user=user, application=application, action=AuditAction.UPDATE, detail=deferred(gettext_noop("note interne")))
    return InternalNote.objects.create(application=application, author=user, body=body.strip())


@transaction.atomic
def application_reopen(*, application, user):
    """An expired request starts a new period: the same row, filed again today, renewed from today."""
    change = application_transition(
        application=application,
        to_status=ApplicationStatus.DEPOSEE,
        actor=Actor.FAMILY,
        user=user,
        reason=deferred(gettext_noop("Demande reprise par la famille pour une nouvelle période.")),
    )
    now = timezone.now()
    application.submitted_at = now
    application.renewal_due_on = now.date() + relativedelta(months=GuichetSettings.current().renewal_months)
    application.renewal_reminded_at = None
    application.attestation = ""  # the new period gets its own attestation, dated today
    application.save(
        update_fields=["submitted_at", "renewal_due_on", "renewal_reminded_at", "attestation", "updated_at"]
    )
    attestation_queue(application)
    return change


@transaction.atomic
def renewal_confirm(*, application):
    """The family says it still needs a place: the request keeps its seniority for another period."""
    if not application.is_waiting:
        raise ValidationError(_("Cette demande n'est plus en attente : rien à renouveler."))
    period = GuichetSettings.current().renewal_months
    application.renewal_due_on = max(
        application.renewal_due_on or timezone.localdate(), timezone.localdate()
    ) + relativedelta(months=period)
    application.renewal_reminded_at = None
    application.save(update_fields=["renewal_due_on", "renewal_reminded_at", "updated_at"])
    StatusChange.objects.create(
        subject=application,
        from_status=application.status,
        to_status=application.status,
        actor=Actor.FAMILY,
        user=application.family.account,
        **StatusChange.note_fields(
            deferred(gettext_noop("Renouvellement confirmé jusqu'au %(date)s."), date=application.renewal_due_on)
        ),
    )
    return application


def renewal_remind_due(today=None):
    """Email every waiting request whose renewal date has come and that was not reminded yet."""
    today = today or timezone.localdate()
    due = Application.objects.waiting().filter(renewal_due_on__lte=today, renewal_reminded_at__isnull=True)
    count = 0
    for application in due.select_related("family__account", "child"):
        with transaction.atomic():
            notifications.renewal_reminder(application)
            application.renewal_reminded_at = timezone.now()
            application.save(update_fields=["renewal_reminded_at"])
        count += 1
    return count


def renewal_expire_overdue(today=None):
    """Requests not renewed within the grace period expire (the family is told)."""
    today = today or timezone.localdate()
    grace = GuichetSettings.current().renewal_grace_days
    overdue = Application.objects.waiting().filter(
        renewal_due_on__lt=today - datetime.timedelta(days=grace), renewal_reminded_at__isnull=False
    )
    count = 0
    for application in overdue:
        application_transition(
            application=application,
            to_status=ApplicationStatus.EXPIREE,
            actor=Actor.SYSTEM,
            reason=deferred(gettext_noop("Demande non renouvelée dans le délai.")),
        )
        count += 1
    return count


def retention_purge(today=None):
    """Erase requests closed for longer than the collectivité's retention, with their files (RGPD art. 5-1-e).

    The family's account stays; its foyer is kept while it has a child with a request.
    """
    today = today or timezone.localdate()
    limit = today - relativedelta(months=GuichetSettings.current().retention_months)
    expired = Application.objects.filter(status__in=CLOSED_STATUSES, status_changed_at__date__lt=limit)
    count = 0
    for application in expired.prefetch_related("documents"):
        with transaction.atomic():
            files = [document.file for document in application.documents.all()] + [application.attestation]
            child = application.child
            application.delete()
            if not child.applications.exists():
                child.delete()
            for stored in files:
                if stored:
                    transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))
        count += 1
    return count


def family_export(family):
    """Everything the guichet holds about a foyer, for the family itself (RGPD art. 15 and 20)."""
    applications = family.applications.select_related("child").prefetch_related(
        "wishes__establishment", "documents__document_type", "history", "messages"
    )
    return {
        "foyer": {
            "adresse": family.address,
            "code_postal": family.postal_code,
            "commune": family.commune,
            "numero_allocataire": family.numero_allocataire,
            "quotient_familial": family.quotient_familial,
            "enfants_a_charge": family.dependent_children,
            "situations": [situation.label for situation in family.situations.all()],
            "responsables": [
                {
                    "prenom": guardian.first_name,
                    "nom": guardian.last_name,
                    "courriel": guardian.email,
                    "telephone": guardian.phone,
                    "situation_professionnelle": guardian.get_professional_situation_display(),
                }
                for guardian in family.guardians.all()
            ],
        },
        "enfants": [
            {
                "prenom": child.first_name,
                "nom": child.last_name,
                "date_de_naissance": child.birth_date.isoformat() if child.birth_date else None,
                "naissance_prevue": child.expected_date.isoformat() if child.expected_date else None,
                "aeeh": child.aeeh,
            }
            for child in family.children.all()
        ],
        "demandes": [
            {
                "numero": application.number,
                "enfant": str(application.child),
                "statut": application.get_status_display(),
                "type": application.get_kind_display(),
                "entree_souhaitee": application.desired_start.isoformat(),
                "planning": application.planning,
                "voeux": [wish.establishment.name for wish in application.wishes.all()],
                "deposee_le": application.submitted_at.isoformat() if application.submitted_at else None,
                "pieces": [
                    {
                        "piece": document.document_type.label,
                        "fichier": document.original_name,
                        "verification": document.get_status_display(),
                    }
                    for document in application.documents.all()
                ],
                "historique": [
                    {
                        "date": change.created_at.isoformat(),
                        "de": change.from_status,
                        "vers": change.to_status,
                        "motif": change.note_text,
                    }
                    for change in application.history.all()
                ],
                "messages": [
                    {"date": message.sent_at.isoformat(), "de_la_famille": message.from_family, "texte": message.body}
                    for message in application.messages.all()
                ],
            }
            for application in applications
        ],
    }

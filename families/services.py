"""Every write on families' data that touches several rows or has side effects."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creches.models import months_between
from families import notifications
from families.enums import CLOSED_STATUSES, Actor, ApplicationStatus, AuditAction, DocumentStatus
from families.models import (
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
from families.uploads import inspect_upload
from families.workflow import check_transition
from portal.tasks import enqueue_on_commit

# Fields whose change, after instruction, calls for a new look by the guichet.
MATERIAL_FIELDS = (
    "kind",
    "desired_start",
    "planning",
    "wants_collective",
    "wants_assistant_maternel",
    "wants_home_care",
)


def audit(*, user, application, action, detail=""):
    AuditEntry.objects.create(user=user, application=application, action=action, detail=detail[:300])


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


@transaction.atomic
def application_create(*, family, child, fields, establishments):
    application = Application(family=family, child=child, **fields)
    application_refresh_facts(application)
    application.save()
    wishes_set(application=application, establishments=establishments)
    return application


@transaction.atomic
def application_update(*, application, user, fields, establishments, actor=Actor.FAMILY):
    """Apply a family's edit; after "complète", a material change goes back to instruction."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (
        ApplicationStatus.BROUILLON,
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.INCOMPLETE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.LISTE_ATTENTE,
    ):
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
        labels = ", ".join(
            str(Application._meta.get_field(field).verbose_name) if field != "wishes" else _("vœux")
            for field in changed
        )
        StatusChange.objects.create(
            application=application,
            from_status=application.status,
            to_status=application.status,
            actor=actor,
            user=user,
            reason=_("Modification : %(fields)s") % {"fields": labels},
        )
        if application.status == ApplicationStatus.COMPLETE:
            application_transition(
                application=application,
                to_status=ApplicationStatus.DEPOSEE,
                actor=actor,
                user=user,
                reason=_("Demande modifiée après instruction (%(fields)s) : nouvelle vérification.")
                % {"fields": labels},
            )
    return application


@transaction.atomic
def application_transition(*, application, to_status, actor, user=None, reason="", notify=True):
    """Move a request along the workflow table; log it and tell the family."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    check_transition(locked.status, to_status, actor)
    change = StatusChange.objects.create(
        application=locked, from_status=locked.status, to_status=to_status, actor=actor, user=user, reason=reason
    )
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at", "updated_at"])
    application.status, application.status_changed_at = locked.status, locked.status_changed_at
    if notify:
        notifications.status_changed(locked, change)
    return change


@transaction.atomic
def application_submit(*, application, user):
    """The family files its request: "déposée", an email, and the attestation built by the worker."""
    from families.tasks import build_attestation

    family = application.family
    problems = []
    if not family.is_profile_complete:
        problems.append(_("Renseignez l'adresse de votre foyer."))
    if not family.guardians.exists():
        problems.append(_("Indiquez au moins un responsable de l'enfant."))
    if application.wants_collective and not application.wishes.exists():
        problems.append(_("Choisissez au moins un établissement, ou décochez l'accueil collectif."))
    if not (application.wants_collective or application.wants_assistant_maternel or application.wants_home_care):
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
    enqueue_on_commit(build_attestation, application.pk)
    return change


@transaction.atomic
def document_add(*, application, document_type, upload, user):
    checked = inspect_upload(upload)  # a PDF comes back without its active content
    document = Document(
        application=application,
        document_type=document_type,
        original_name=upload.name[:255],
        content_type=checked.content_type,
        size=checked.file.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    document.file.save(upload.name, checked.file, save=False)
    document.save()
    return document


@transaction.atomic
def document_review(*, document, user, valid, reason=""):
    if not valid and not reason.strip():
        raise ValidationError(_("Indiquez le motif du refus : la famille le lira."))
    document.status = DocumentStatus.VALID if valid else DocumentStatus.REJECTED
    document.review_reason = reason.strip()
    document.reviewed_by = user
    document.reviewed_at = timezone.now()
    document.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    audit(
        user=user,
        application=document.application,
        action=AuditAction.UPDATE,
        detail=f"{document.document_type}: {document.get_status_display()}",
    )
    return document


def missing_document_types(application):
    """Required pieces with no document that is valid or still to check."""
    present = set(
        application.documents.exclude(status=DocumentStatus.REJECTED).values_list("document_type_id", flat=True)
    )
    return [kind for kind in DocumentType.objects.filter(required=True, is_active=True) if kind.pk not in present]


@transaction.atomic
def pieces_request(*, application, user, reason):
    """Ask the family for what is missing: "incomplète" and an email listing it."""
    missing = missing_document_types(application)
    rejected = application.documents.filter(status=DocumentStatus.REJECTED).select_related("document_type")
    lines = [f"- {kind.label}" for kind in missing] + [
        f"- {document.document_type.label} : {document.review_reason}" for document in rejected
    ]
    text = "\n".join(filter(None, [reason.strip(), *lines]))
    if not text:
        raise ValidationError(_("Précisez ce qui manque."))
    audit(user=user, application=application, action=AuditAction.UPDATE, detail=_("pièces demandées"))
    return application_transition(
        application=application, to_status=ApplicationStatus.INCOMPLETE, actor=Actor.STAFF, user=user, reason=text
    )


@transaction.atomic
def application_mark_complete(*, application, user):
    problems = []
    if missing_document_types(application):
        problems.append(_("Des pièces obligatoires manquent."))
    if application.documents.exclude(status=DocumentStatus.VALID).filter(document_type__required=True).exists():
        problems.append(_("Toutes les pièces obligatoires doivent être validées."))
    if problems:
        raise ValidationError(problems)
    audit(user=user, application=application, action=AuditAction.UPDATE, detail=_("demande complète"))
    return application_transition(
        application=application, to_status=ApplicationStatus.COMPLETE, actor=Actor.STAFF, user=user
    )


@transaction.atomic
def quotient_familial_verify(*, family, user, value, application=None):
    family.quotient_familial = value
    family.quotient_familial_verified_at = timezone.now()
    family.quotient_familial_verified_by = user
    family.save(update_fields=["quotient_familial", "quotient_familial_verified_at", "quotient_familial_verified_by"])
    audit(user=user, application=application, action=AuditAction.UPDATE, detail=f"QF vérifié : {value} €")


@transaction.atomic
def message_send(*, application, user, body, from_family):
    body = body.strip()
    if not body:
        raise ValidationError(_("Le message est vide."))
    message = Message.objects.create(application=application, author=user, from_family=from_family, body=body)
    if from_family:
        notifications.message_to_guichet(message)
    else:
        audit(user=user, application=application, action=AuditAction.UPDATE, detail=_("message à la famille"))
        notifications.message_to_family(message)
    return message


def note_add(*, application, user, body):
    if not body.strip():
        raise ValidationError(_("La note est vide."))
    audit(user=user, application=application, action=AuditAction.UPDATE, detail=_("note interne"))
    return InternalNote.objects.create(application=application, author=user, body=body.strip())


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
        application=application,
        from_status=application.status,
        to_status=application.status,
        actor=Actor.FAMILY,
        user=application.family.account,
        reason=_("Renouvellement confirmé jusqu'au %(date)s.")
        % {"date": application.renewal_due_on.strftime("%d/%m/%Y")},
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
            reason=_("Demande non renouvelée dans le délai."),
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
                        "date": change.at.isoformat(),
                        "de": change.from_status,
                        "vers": change.to_status,
                        "motif": change.reason,
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

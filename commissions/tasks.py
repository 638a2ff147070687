from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import translation

from commissions.models import Dossier, Session
from commissions.pdf import letter_pdf, minutes_pdf
from commissions.sessions import offers_expire


@shared_task
def build_minutes(session_id):
    """Draw the procès-verbal of a validated session and store it with the session.

    The minutes and the letters are administrative acts: written in French, whoever's request triggered them
    (a task run at once in that request would otherwise inherit its language)."""
    session = Session.objects.get(pk=session_id)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = minutes_pdf(session, connection.tenant)
    session.minutes.save(f"pv-commission-{session.pk}.pdf", ContentFile(pdf), save=False)
    Session.objects.filter(pk=session.pk).update(minutes=session.minutes.name)


@shared_task
def build_letter(dossier_id):
    """Draw the family's decision letter (a place offered, or why not and what next)."""
    dossier = Dossier.objects.select_related("application__child", "application__family", "session").get(pk=dossier_id)
    offer = dossier.offers.pending().select_related("establishment", "section").first()
    with translation.override(settings.LANGUAGE_CODE):
        pdf = letter_pdf(dossier, offer, connection.tenant)
    name = f"courrier-{dossier.number}{'-' + str(offer.pk) if offer else ''}.pdf"
    dossier.letter.save(name, ContentFile(pdf), save=False)
    Dossier.objects.filter(pk=dossier.pk).update(letter=dossier.letter.name)
    if offer is not None:
        type(offer).objects.filter(pk=offer.pk).update(letter=dossier.letter.name)


@shared_task
def offers_expire_daily():
    """Pending offers past their deadline: declined by the system, the place offered again (per collectivité)."""
    return {"expired": offers_expire()}

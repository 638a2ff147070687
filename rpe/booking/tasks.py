from celery import shared_task

from rpe.booking.services import waiting_list_notify_motif
from rpe.models import Motif


@shared_task
def waiting_list_notify(motif_id):
    """A slot of this motif was freed: tell those waiting for an earlier one (inside its collectivité)."""
    motif = Motif.objects.filter(pk=motif_id).first()
    return waiting_list_notify_motif(motif) if motif is not None else 0


@shared_task
def waiting_list_daily():
    """Slots also free up when plages are added: look once a day for every motif someone waits on."""
    motifs = Motif.objects.filter(appointments__waiting__isnull=False).distinct()
    return sum(waiting_list_notify_motif(motif) for motif in motifs)

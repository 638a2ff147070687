from rpe.models.appointments import *  # noqa: F403  (booking: motifs, plages, absences, closures, appointments)
from rpe.models.directory import *  # noqa: F403  (rpecore: relais, lieux, AM, MAM, availability)
from rpe.models.offers import *  # noqa: F403  (rpesearch: job offers, contacts, saved searches, follow-up)

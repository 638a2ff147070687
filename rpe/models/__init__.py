from rpe.models.ateliers import *  # noqa: F403  (ateliers: ateliers, programmes, registrations)
from rpe.models.directory import *  # noqa: F403  (rpecore: relais, lieux, AM, MAM, availability)
from rpe.models.inbox import *  # noqa: F403  (ateliers: the relais' inbox and contact log)
from rpe.models.offers import *  # noqa: F403  (rpesearch: job offers, contacts, saved searches, follow-up)

from rpe.models.directory import *  # noqa: F403  (rpecore: relais, lieux, AM, MAM, availability)

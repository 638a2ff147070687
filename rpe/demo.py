"""The relais' demo data (rpecore writes the directory's seed here; the other areas add one call line each)."""


def seed(collectivite):
    from rpe import demo_booking

    demo_booking.seed(collectivite)

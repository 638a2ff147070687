"""Demo data of the observatoire: the INSEE children under 3 of each demo commune (fictional but calibrated:
Metz ≈ 3,337; the Vie et Boulogne communes ≈ 1,350 in all, 400-500 births a year)."""

import zlib

from django.utils import timezone
from django.utils.translation import gettext as _

from observatoire.models import CommunePopulation

METZ_CHILDREN = 3337
VIE_ET_BOULOGNE_CHILDREN = 1350


def seed(collectivite):
    year = timezone.localdate().year - 3  # the census year INSEE publishes three years later
    communes = collectivite.territory()
    total = METZ_CHILDREN if collectivite.slug == "metz" else VIE_ET_BOULOGNE_CHILDREN
    # Stable weights per commune (a checksum of its code), so the demo says the same thing each time.
    weights = {c.code_insee: 50 + zlib.crc32(c.code_insee.encode()) % 150 for c in communes}
    whole = sum(weights.values()) or 1
    for commune in communes:
        CommunePopulation.objects.update_or_create(
            code_insee=commune.code_insee,
            year=year,
            defaults={
                "name": commune.name,
                "children_under_3": round(total * weights[commune.code_insee] / whole),
                "source": _("INSEE, recensement %(year)s") % {"year": year},
            },
        )

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartementShare(models.Model):
    """A collectivité's published (statistical secrecy applied) figures of one year, per commune, shared with its
    département. Lives in the public schema: only these aggregates ever cross the schema boundary."""

    collectivite = models.ForeignKey(
        "portal.Collectivite",
        on_delete=models.CASCADE,
        related_name="departement_shares",
        verbose_name=_("collectivité"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    # [{"code_insee", "name", "departement", <indicator>: value or None (secret)}]
    rows = models.JSONField(_("communes"), default=list)
    shared_at = models.DateTimeField(_("partagé le"))

    class Meta:
        verbose_name = _("partage avec le département")
        verbose_name_plural = _("partages avec le département")
        constraints = [models.UniqueConstraint(fields=["collectivite", "year"], name="obs_departement_share_year")]

    def __str__(self):
        return f"{self.collectivite} {self.year}"

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import HOME_ORDER, STAFF_ROLES, Role
from portal.perms import visible_role_changes, visible_users


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The accounts `user` may read (portal.perms.visible_users)."""
        return self.filter(visible_users(user))

    def with_role(self, role):
        return self.filter(roles__contains=[role])

    def staff(self):
        return self.filter(roles__overlap=list(STAFF_ROLES))


class EmailUserManager(UserManager.from_queryset(UserQuerySet)):
    def _create_user(self, email, password, **extra_fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person's account within one collectivité (or a platform operator in the public schema)."""

    username = None
    email = models.EmailField(_("adresse électronique"), unique=True)
    roles = ArrayField(
        models.CharField(max_length=30, choices=Role.choices), verbose_name=_("rôles"), default=list, blank=True
    )
    # The language the person last chose on the portal: the one of the emails sent to them, whoever's
    # action sends them (an agent reading English writes to a family in its own language).
    language = models.CharField(
        _("langue des messages"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def home_role(self):
        return next((role for role in HOME_ORDER if role in self.roles), None)

    def get_roles_display(self):
        return [Role(role).label for role in HOME_ORDER if role in self.roles]


class RoleChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_role_changes(user))


class RoleChange(models.Model):
    """Every grant or withdrawal of a role, by whom and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_changes", verbose_name=_("personne")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )
    changed_at = models.DateTimeField(_("date"), auto_now_add=True)
    added = ArrayField(models.CharField(max_length=30), verbose_name=_("rôles ajoutés"), default=list)
    removed = ArrayField(models.CharField(max_length=30), verbose_name=_("rôles retirés"), default=list)

    objects = RoleChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("changement de rôles")
        verbose_name_plural = _("changements de rôles")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.changed_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def labels(roles):
        return [Role(role).label for role in roles if role in Role.values]

    @property
    def added_labels(self):
        return self.labels(self.added)

    @property
    def removed_labels(self):
        return self.labels(self.removed)

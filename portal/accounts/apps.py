from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("comptes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal.accounts.services import language_remember

        user_logged_in.connect(language_remember, dispatch_uid="accounts.language_remember")

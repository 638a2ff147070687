from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_tenants.utils import get_public_schema_name

from portal import mail
from portal.accounts.roles import Role
from portal.clients import client_ip
from portal.tasks import queue_email


def in_collectivite():
    return connection.schema_name != get_public_schema_name()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Families sign up with their collectivité; the platform has operators only.
        return in_collectivite()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.roles = [Role.PARENT]
        if commit:
            user.save()
        return user

    def get_from_email(self):
        return mail.sender()

    def send_mail(self, template_prefix, email, context):
        # allauth's templates greet with `current_site.name`: the collectivité, not the Sites framework.
        context = {"email": email, "current_site": mail.site(), **context}
        message = self.render_mail(template_prefix, email, context)
        html_body = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), None
        )
        queue_email(subject=message.subject, body=message.body, to=message.to, html_body=html_body)

    def get_client_ip(self, request):
        # Login and reset limits count per client: the same answer as the API's throttles.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def is_safe_url(self, url):
        # `next=` leads only within this collectivité's own site, never to another host of the platform.
        request = context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def get_login_redirect_url(self, request):
        return reverse("home") if in_collectivite() else reverse("admin:index")


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user):
        return user.email

    def get_totp_issuer(self):
        tenant = getattr(connection, "tenant", None)
        name = getattr(tenant, "name", None)
        return f"Guichet petite enfance — {name}" if name and in_collectivite() else "Guichet petite enfance"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return in_collectivite()

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        if not user.roles:
            user.roles = [Role.PARENT]
            user.save(update_fields=["roles"])
        return user

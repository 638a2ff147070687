from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from portal.accounts.models import RoleChange, User
from portal.mail import absolute_url
from portal.notifications import notify


def user_set_roles(*, user, roles, changed_by):
    """Give `user` exactly `roles`, logging what changed. Returns the log entry, or None."""
    roles = sorted(set(roles))
    added = sorted(set(roles) - set(user.roles))
    removed = sorted(set(user.roles) - set(roles))
    if not added and not removed:
        return None
    with transaction.atomic():
        user.roles = roles
        user.save(update_fields=["roles"])
        return RoleChange.objects.create(user=user, changed_by=changed_by, added=added, removed=removed)


def password_setup_url(user):
    key = default_token_generator.make_token(user)
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
    return absolute_url(path)


@transaction.atomic
def user_invite(*, email, first_name, last_name, roles, invited_by):
    """Create an account for a colleague and email them a link to choose their password.

    The address is taken as verified: the administrator vouches for it, and only its owner
    receives the link.
    """
    user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user_set_roles(user=user, roles=roles, changed_by=invited_by)
    context = {
        "user": user,
        "invited_by": invited_by,
        "setup_url": password_setup_url(user),
    }
    notify("accounts/email/invitation", to=[user.email], context=context)
    return user


def language_remember(sender, request, user, **kwargs):
    """On signing in, a language chosen before (the language cookie) becomes the one of the person's emails.
    No cookie is no choice: the one stored from an earlier visit stays."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    if chosen in dict(settings.LANGUAGES) and chosen != user.language:
        User.objects.filter(pk=user.pk).update(language=chosen)
        user.language = chosen

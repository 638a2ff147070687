"""The family's dashboard as last rendered, kept for one account and one session until what it shows changes.

Building it reads the foyer, its children, requests, pieces and pending offers and renders the page, while a
family reads it far more often than any of that changes. So two things are kept in Redis, each with the
versions it was made under:

- the content: versions per account, bumped on every change of what it shows (the receivers below, and the
  workflows' bulk moves), and per collectivité for what every family's page shows alike (kinds of pieces,
  establishments' names);
- the whole page around it, kept per session and query string by `portal.caching.kept_page` (when no message
  waits and HTMX asks nothing) under the same versions.

An entry is never read by another account or another session (both are in its key).
"""

from django.db import connection
from django.utils.translation import get_language

from portal.caching import PAGE_SECONDS, kept_page, session_digest, shared, version_bump, version_of


def account_version_key(account_id):
    return f"famille:{connection.schema_name}:{account_id}:version"


def collectivite_version_key():
    return f"famille:{connection.schema_name}:version"


def content_key(request):
    session = session_digest(request)
    return f"famille:{connection.schema_name}:{request.user.pk}:contenu:{session}:{get_language()}"


def dashboard_response(request, render_content, render_page):
    """The dashboard: the kept page, else the page around the kept content, else both rendered.

    `render_content()` returns the content's HTML, `render_page(content)` the response around it.
    """
    keys = [account_version_key(request.user.pk), collectivite_version_key(), content_key(request)]
    found = shared().get_many(keys)  # one round trip
    versions = tuple(found.get(key) or version_of(key) for key in keys[:2])

    def render():
        entry = found.get(keys[2])
        if entry is not None and entry[0] == versions:
            return render_page(entry[1])
        content = render_content()
        shared().set(keys[2], (versions, content), PAGE_SECONDS)
        return render_page(content)

    return kept_page(request, "famille", versions, render)


# --- What changes a dashboard ----------------------------------------------------------------------------


def accounts_changed(account_ids):
    for account_id in set(account_ids):
        version_bump(account_version_key(account_id))


def families_changed(families):
    """`families`: a queryset of the families whose dashboard changed."""
    accounts_changed(families.values_list("account_id", flat=True))


def account_saved(instance, **_kwargs):
    accounts_changed([instance.pk])


def family_saved(instance, **_kwargs):
    accounts_changed([instance.account_id])


def family_part_saved(sender, instance, **_kwargs):
    """A responsable, a child or a request (each has a family)."""
    from families.models import Family

    families_changed(Family.objects.filter(pk=instance.family_id))


def request_part_saved(sender, instance, **_kwargs):
    """A piece or an offer (each belongs to a request)."""
    from families.models import Family

    families_changed(Family.objects.filter(applications=instance.application_id))


def shared_part_saved(**_kwargs):
    """A kind of piece or an establishment: any family's page may name it."""
    version_bump(collectivite_version_key())


def moved_many(sender, objs, **_kwargs):
    """Requests or offers moved together by a workflow (one UPDATE, no `post_save`)."""
    from commissions.models import Offer
    from families.models import Application, Family

    if sender is Application:
        families_changed(Family.objects.filter(pk__in={obj.family_id for obj in objs}))
    elif sender is Offer:
        families_changed(Family.objects.filter(applications__in={obj.application_id for obj in objs}))


def connect():
    from django.db.models.signals import post_delete, post_save

    from portal.workflows import moved_many as moved_many_signal

    receivers = {
        "accounts.User": account_saved,
        "families.Family": family_saved,
        "families.Guardian": family_part_saved,
        "families.Child": family_part_saved,
        "families.Application": family_part_saved,
        "families.Document": request_part_saved,
        "commissions.Offer": request_part_saved,
        "families.DocumentType": shared_part_saved,
        "creches.Establishment": shared_part_saved,
    }
    for sender, receiver in receivers.items():
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=sender, dispatch_uid=f"dashboard-{sender}-{signal}", weak=False)
    moved_many_signal.connect(moved_many, dispatch_uid="dashboard-moved-many")

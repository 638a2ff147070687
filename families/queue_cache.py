"""The guichet's queue kept rendered in Redis: per collectivité, question asked, language and reader.

Rendering 50 rows and the filters costs tens of milliseconds; agents reload the same queue all day. Entries
are dropped by a version (portal.caching): any save or delete of what a row or a filter shows, and every move
of a request's status (a commission moves hundreds at once, without `save()`), bumps the collectivité's
version, and an entry made under an older version is never served.
"""

import hashlib
import uuid

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from families.perms import is_family
from portal.caching import PAGE_SECONDS, shared, version_of


def queue_version_key(schema_name):
    return f"queue:{schema_name}:version"


def version_write(key):
    shared().set(key, uuid.uuid4().hex, timeout=None)


def connection_state():
    """This database connection's (so this thread's): the bumps it scheduled at commit, the versions it read."""
    return connection.__dict__.setdefault("queue_cache_state", {"scheduled": {}, "read": set()})


def queue_changed(schema_name=None):
    """Something the queue shows changed in this collectivité: its cached pages are dropped, now and at commit.

    Now, for reads inside this transaction; at commit, since another connection may cache the old state in
    between. A commission moving 900 requests in one transaction writes the version twice, not 1,800 times:
    once scheduled, a bump is skipped unless this connection read the queue since (other connections cannot
    see the uncommitted change anyway). Django replaces `run_on_commit` at each commit or rollback, so the
    list we scheduled into tells whether our bump is still to come.
    """
    key = queue_version_key(schema_name or connection.schema_name)
    state = connection_state()
    scheduled = connection.in_atomic_block and state["scheduled"].get(key) is connection.run_on_commit
    if scheduled and key not in state["read"]:
        return
    version_write(key)
    state["read"].discard(key)
    if connection.in_atomic_block and not scheduled:
        state["scheduled"][key] = connection.run_on_commit
        transaction.on_commit(lambda: version_write(key))


def queue_cache_key(request, variant):
    """The key of this page of the queue as `request` asks it; `variant` names the part of the page cached.

    The rows depend on the reader through `visible_to` only, that is on their roles, and for a parent on who
    they are (their own requests): readers with the same roles share entries, a parent has their own.
    """
    user = request.user
    reader = ",".join(sorted(getattr(user, "roles", ())))
    if is_family(user):
        reader += f":{user.pk}"
    question = "|".join(
        [
            variant,
            get_language(),
            timezone.get_current_timezone_name(),
            reader,
            request.META.get("QUERY_STRING", ""),
        ]
    )
    schema = connection.schema_name
    return f"queue:{schema}:{hashlib.sha256(question.encode()).hexdigest()}"


def queue_version():
    """The version of what this collectivité's queue shows, as this connection reads it (see queue_changed)."""
    version_key = queue_version_key(connection.schema_name)
    connection_state()["read"].add(version_key)
    return version_of(version_key)


def cached_queue_html(request, variant, render):
    """The HTML `render()` makes for this request, from Redis when nothing the queue shows changed since."""
    version_key = queue_version_key(connection.schema_name)
    key = queue_cache_key(request, variant)
    connection_state()["read"].add(version_key)
    found = shared().get_many([version_key, key])  # one round trip
    version = found.get(version_key) or version_of(version_key)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    html = render()
    shared().set(key, (version, html), PAGE_SECONDS)
    return html

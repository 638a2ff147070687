"""What the portal keeps in Redis to answer fast: domain → collectivité, and public pages read anonymously.

Both are invalidated by versions: a change bumps a version number, and entries made under an older
version are never read again (they expire on their own). Keys name the schema themselves, in the
`shared` cache whose keys do not depend on the connection's current schema: a change made from any
schema reaches the right entries.
"""

import copy
import hashlib
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.translation import get_language

ROUTING_VERSION = "routing:version"
ROUTING_SECONDS = 10 * 60
PAGE_SECONDS = 10 * 60
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
UNKNOWN = "inconnu"


def shared():
    return caches["shared"]


def version_of(key):
    """The current version under `key`, created if Redis lost it (a new one: nothing older is trusted)."""
    version = shared().get(key)
    if version is None:
        shared().add(key, uuid.uuid4().hex, timeout=None)
        version = shared().get(key)
    return version


def version_bump(key):
    """A new version now, and again once the transaction commits (a read in between may re-cache the old state)."""

    def bump():
        shared().set(key, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


# --- Domain → collectivité -------------------------------------------------------------------


# This process's copy of the routes it used, each with the routing version it was read under: a
# request then costs no query, and at most one small Redis read a second (the version).
LOCAL_ROUTES = {}
LOCAL_ROUTES_MAX = 10_000  # any name under the platform's domain is an allowed host: keep the memory bounded


# The routing version as this process last read it. Re-read at most every second: a change made by
# another process reaches this one within a second; one made by this process, at once.
ROUTING_CHECK_SECONDS = 1.0
ROUTING_SEEN = {"version": None, "at": 0.0}


def routing_version():
    now = time.monotonic()
    if ROUTING_SEEN["version"] is None or now - ROUTING_SEEN["at"] > ROUTING_CHECK_SECONDS:
        ROUTING_SEEN.update(version=version_of(ROUTING_VERSION), at=now)
    return ROUTING_SEEN["version"]


def tenant_for_host(hostname, lookup):
    """The collectivité served at `hostname` (or None), from the cache, else from `lookup(hostname)`."""
    version = routing_version()
    local = LOCAL_ROUTES.get(hostname)
    if local is not None and local[0] == version:
        tenant = local[1]
    else:
        key = f"routing:{version}:{hostname}"
        tenant = shared().get(key)
        if tenant is None:
            found = lookup(hostname)
            tenant = UNKNOWN if found is None else found
            shared().set(key, tenant, ROUTING_SECONDS)
        if len(LOCAL_ROUTES) >= LOCAL_ROUTES_MAX:
            LOCAL_ROUTES.clear()
        LOCAL_ROUTES[hostname] = (version, tenant)
    # A copy per request: the middleware and views set attributes on request.tenant.
    return None if tenant == UNKNOWN else copy.copy(tenant)


def forget_local_routes():
    """Drop this process's copy of the routes (tests do, after rolling back and emptying Redis)."""
    LOCAL_ROUTES.clear()
    ROUTING_SEEN["version"] = None


def routing_changed(**_kwargs):
    """A domain or a collectivité was saved or deleted: every host is looked up again."""
    version_bump(ROUTING_VERSION)
    ROUTING_SEEN["version"] = None
    transaction.on_commit(lambda: ROUTING_SEEN.update(version=None))


# --- Public pages --------------------------------------------------------------------------------


def pages_version_key(schema_name):
    return f"pages:{schema_name}:version"


def public_pages_changed(schema_name=None):
    """Something a public page shows changed in this collectivité: its cached pages are dropped."""
    version_bump(pages_version_key(schema_name or connection.schema_name))


def visitor_language(request):
    """French unless the visitor chose another language (the language cookie), whatever the browser says."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def cacheable_request(request):
    """A GET of a page itself by a visitor with no session (so anonymous, and with no message waiting).

    Only the page itself: a query string or an HTMX fragment is built for one visitor's question, and
    keying on them would let anyone fill Redis with as many copies as they invent URLs.
    """
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and "HX-Request" not in request.headers
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and getattr(request, "tenant", None) is not None
    )


def cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(request, "public_page", False)
        and response.status_code == 200
        and not response.streaming
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_keys(request):
    """The collectivité's pages version key and this page's key."""
    schema = request.tenant.schema_name
    variant = "|".join(
        [
            request.scheme,
            visitor_language(request),
            request.path,
            timezone.localdate().isoformat(),  # pages that say "today" or list upcoming dates
        ]
    )
    return pages_version_key(schema), f"page:{schema}:{hashlib.sha256(variant.encode()).hexdigest()}"


def public_page(view):
    """Mark a view whose page anonymous visitors may get from the cache (see PublicPageCacheMiddleware).

    No transaction: such a view only reads, and under READ COMMITTED a transaction around reads adds
    no consistency (each statement takes its own snapshot anyway).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.public_page = True
        return view(request, *args, **kwargs)

    wrapper._non_atomic_requests = {*getattr(view, "_non_atomic_requests", ()), "default"}
    return wrapper


class PublicPageCache:
    """The collectivité's public pages as an anonymous visitor gets them, headers included.

    Kept per collectivité, language and path; dropped when what public pages show changes
    (`public_pages_changed`): an entry made under an older version is never served. Served before
    sessions, accounts and the view run; only the CSRF token (and its cookie) is the visitor's own,
    handled by Django's own CSRF middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        version_key, key = page_keys(request)
        found = shared().get_many([version_key, key])  # one round trip
        version = found.get(version_key) or version_of(version_key)
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            return self.cached_response(request, entry)
        response = self.get_response(request)
        if cacheable_response(request, response):
            content = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
            headers = {name: value for name, value in response.headers.items() if name != "Content-Length"}
            shared().set(key, (version, content, headers), PAGE_SECONDS)
        return response

    def cached_response(self, request, entry):
        _version, content, headers = entry
        self.csrf.process_request(request)  # the visitor's CSRF cookie, read as for any request
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response["Content-Length"] = str(len(content))  # as CommonMiddleware says it
        return self.csrf.process_response(request, response)


# --- Signed-in pages kept whole for one session ----------------------------------------------------------


def asks_nothing_of_its_own(request):
    """No message waiting and no HTMX swap: the page is what the same URL gave this session last time."""
    from django.contrib import messages

    return "HX-Request" not in request.headers and not len(messages.get_messages(request))  # counts, leaves them


def session_digest(request):
    """What names a session in a cache key: the session key is a credential, only its digest is written."""
    return hashlib.sha256(request.session.session_key.encode()).hexdigest()


def session_page_key(request, name):
    # The query string asks its own page.
    session = session_digest(request)
    question = hashlib.sha256(request.META.get("QUERY_STRING", "").encode()).hexdigest()[:16]
    return f"page:{connection.schema_name}:{name}:{request.user.pk}:{session}:{get_language()}:{question}"


def kept_page(request, name, versions, render):
    """`render()`'s page, kept whole for this session while `versions` hold (what the page shows), and the
    collectivité, the menu and the static files' names are unchanged; its CSRF token is the request's own.

    A page read again and again by the same person (a family's dashboard, an agent's queue) then costs a Redis
    read. `versions`: the version strings of what the page shows, read by the caller.
    """
    from django.templatetags.static import static

    from portal.navigation import navigation_for

    if not asks_nothing_of_its_own(request):
        return render()
    key = session_page_key(request, name)
    page_versions = (
        *versions,
        str(request.user),  # the header names the person
        routing_version(),
        static("css/portal.css"),
        "|".join(item.url for item in navigation_for(request.user)),
    )
    entry = shared().get(key)
    if entry is not None and entry[0] == page_versions:
        _versions, content, content_type = entry
        return HttpResponse(content.replace(CSRF_PLACEHOLDER, get_token(request).encode()), content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.streaming:
        content = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        shared().set(key, (page_versions, content, response["Content-Type"]), PAGE_SECONDS)
    return response

"""Hostile input in every public form never makes the portal fail: no server error, whatever is typed.

The forms are found in the pages themselves: every page a visitor or a family reads (the pages the isolation
matrix expects to answer 200 to them) is fetched, each of its forms is submitted as the browser would (its
method, its action, every field it names) with each value below in every field at once. Bytes are sent as they
are: a lone surrogate or a NUL arrives percent-encoded, as a hostile client would send it.
"""

from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin

import pytest
from django.db import connection, transaction

from tests.portal.test_isolation_matrix import EXPECTED, ROUTES, urls_of

HOSTILE_VALUES = {
    "long": b"A" * 20_000,
    "nul": b"avant\x00apres",
    "lone surrogate": "\ud800".encode("utf-8", "surrogatepass"),
    "invalid utf-8": b"\xff\xfe\xc3",
    "impossible date": b"2025-02-30",
    "month 13": b"2024-13-01",
    "year zero": b"0000-00-00",
    "french impossible date": b"31/02/2025",
    "huge number": b"9" * 400,
    "not a number": b"NaN",
    "overflowing float": b"1e309",
    "negative": b"-1",
    "markup": b"<script>alert(1)</script>\"'",
}
PEOPLE = ("anonymous", "parent")
EXPECTED_FORMS = {
    "anonymous": {"/simulateur/", "/creches/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"},
    "parent": {
        "/famille/foyer/",
        "/famille/enfants/ajouter/",
        "/famille/enfants/{child_without_request}/demande/",
        "/famille/demandes/1/messages/",
    },
}


class FormFinder(HTMLParser):
    """The forms of a page: action, method and the names of their fields (file fields left out)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower()})
            self.forms[-1]["fields"] = []
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            if attrs.get("type") != "file" and attrs["name"] not in self.forms[-1]["fields"]:
                self.forms[-1]["fields"].append(attrs["name"])


def pages_read_by(person, matrix):
    for route in ROUTES:
        get_statuses = EXPECTED[route][person][0]
        urls = urls_of(route, matrix, person)
        for index, (variant, url) in enumerate(urls.items()):
            status = get_statuses[0] if len(get_statuses) == 1 else get_statuses[index]
            if status == "200" and variant == "own" and not route.startswith("api/"):
                yield url
    if person == "parent":
        # A child with a live request is sent to it: the request form is read on the child without one.
        yield f"/famille/enfants/{matrix.child_without_request}/demande/"


def forms_of(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the test client then closes the file
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    finder = FormFinder()
    finder.feed(response.content.decode())
    return [{**form, "url": urljoin(url, form["action"])} for form in finder.forms if form["fields"]]


def submit(client, form, value):
    encoded = "&".join(f"{quote_from_bytes(name.encode())}={quote_from_bytes(value)}" for name in form["fields"])
    cookies = client.cookies  # a logout form must not sign the family out for the next forms
    client.cookies = type(cookies)(cookies)
    with transaction.atomic():
        if form["method"] == "post":
            response = client.post(form["url"], encoded, content_type="application/x-www-form-urlencoded")
        else:
            response = client.get(f"{form['url'].split('?')[0]}?{encoded}")
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    client.cookies = cookies
    connection.set_schema_to_public()
    return response.status_code


@pytest.mark.parametrize("person", PEOPLE)
def test_no_form_answers_hostile_input_with_a_server_error(matrix, person, db):
    client = matrix.clients[person]
    forms = {}
    for url in pages_read_by(person, matrix):
        for form in forms_of(client, url):
            forms[(form["url"], form["method"], tuple(form["fields"]))] = form
    connection.set_schema_to_public()
    # Positive control: the forms that matter are found (and thus fuzzed).
    expected = {url.format(child_without_request=matrix.child_without_request) for url in EXPECTED_FORMS[person]}
    assert expected <= {url for url, _method, _fields in forms}, sorted(forms)
    failures = [
        f"{form['method'].upper()} {form['url']} with {label}: {status}"
        for form in forms.values()
        for label, value in HOSTILE_VALUES.items()
        if (status := submit(client, form, value)) >= 500
    ]
    assert failures == []

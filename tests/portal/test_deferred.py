"""System messages stored as JSON (portal.i18n): numbers and plurals are written when read, in the reader's language."""

import json

import pytest
from django.utils import translation

from portal.i18n import deferred, deferred_plural, ngettext_noop, number, number_text, stored_text

POINTS = ngettext_noop("%(points)s point", "%(points)s points")


def stored(message):
    """The message as the database gives it back."""
    return json.loads(json.dumps(message.as_json()))


@pytest.mark.parametrize(
    ("count", "french", "english"),
    [
        (0, "0 point", "0 points"),
        (1, "1 point", "1 point"),
        (-1, "-1 point", "-1 point"),
        (1200, "1 200 points", "1,200 points"),
    ],
)
def test_a_stored_plural_message_takes_each_reader_s_plural_rule_and_grouping(count, french, english):
    message = stored(deferred_plural(POINTS, count, points=number(count)))
    with translation.override("fr"):
        assert stored_text(message) == french
    with translation.override("en"):
        assert stored_text(message) == english


def test_a_message_inside_a_message_is_written_in_the_reader_s_language_too():
    message = stored(
        deferred("Quotient familial non communiqué → %(points)s", points=deferred_plural(POINTS, 3, points=number(3)))
    )
    with translation.override("en"):
        assert stored_text(message) == "Family quotient (QF) not provided → 3 points"


@pytest.mark.parametrize(("value", "text"), [(3, "+3"), (1200, "+1,200"), (0, "0"), (-2, "-2")])
def test_only_a_positive_signed_number_carries_a_plus(value, text):
    with translation.override("en"):
        assert number_text(value, signed=True) == text
        assert stored_text(stored(deferred("%(n)s", n=number(value, signed=True)))) == text


def test_a_text_stored_before_messages_existed_reads_as_it_is():
    with translation.override("en"):
        assert stored_text("Situation reconnue → 5 points") == "Situation reconnue → 5 points"

"""French typography through Django's localisation: dates, numbers, plurals, greetings, buttons, references."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.db import connection
from django.template import Context, Template
from django.utils import translation
from django_tenants.utils import tenant_context

from commissions.scoring import points_text
from families.models import Application, Family, new_application_number
from tests.families.factories import application_in, family_in
from tests.utils import client_for, user_in


def render(template, **context):
    return Template("{% load portal_tags %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("day", "french", "english"),
    [
        (datetime.date(2025, 9, 1), "1er septembre 2025", "Sept. 1, 2025"),
        (datetime.date(2025, 9, 12), "12 septembre 2025", "Sept. 12, 2025"),
    ],
)
def test_a_long_date_says_1er_for_the_first_of_the_month_in_french_only(day, french, english):
    with translation.override("fr"):
        assert render("{{ day|long_date }}", day=day) == french
    with translation.override("en"):
        assert render("{{ day|long_date }}", day=day) == english


def test_a_long_date_can_name_the_weekday_and_the_hour():
    moment = datetime.datetime(2026, 6, 1, 9, 30)
    with translation.override("fr"):
        assert render('{{ day|long_date:"weekday" }}', day=moment.date()) == "lundi 1er juin 2026"
        assert render('{{ moment|long_date:"time" }}', moment=moment) == "1er juin 2026, 09:30"


@pytest.mark.parametrize(("points", "french", "english"), [(0, "0 point", "0 points"), (1, "1 point", "1 point")])
def test_points_are_pluralised_by_each_languages_rule(points, french, english):
    with translation.override("fr"):
        assert points_text(points) == french
    with translation.override("en"):
        assert points_text(points) == english
    with translation.override("en"):
        assert points_text(12) == "12 points"


def test_the_signup_button_is_a_verb(metz):
    page = client_for(metz).get("/accounts/signup/").content.decode()
    assert re.search(r"<button[^>]*>\s*Créer mon compte\s*</button>", page)
    assert "Création de compte" not in page


def test_the_confirmation_page_says_the_address_once(alpha):
    user = user_in(alpha, email="a.confirmer@exemple.fr")
    with tenant_context(alpha):
        address = EmailAddress.objects.get(user=user)
        address.verified = False
        address.save()
        key = EmailConfirmationHMAC(address).key
    connection.set_schema_to_public()
    page = client_for(alpha).get(f"/accounts/confirm-email/{key}/").content.decode()
    main = page.split("<main", 1)[1]
    assert "Confirmez que a.confirmer@exemple.fr est bien votre adresse électronique." in main
    assert main.count("a.confirmer@exemple.fr") == 1


def test_the_family_space_greets_the_parent_by_name_never_by_address(alpha):
    user, family, _child = family_in(alpha, email="une.adresse.tres.longue.pour.un.telephone@exemple-de-domaine.fr")
    with tenant_context(alpha):
        Family.objects.filter(pk=family.pk).update(quotient_familial=1200)
    connection.set_schema_to_public()
    page = client_for(alpha, user).get("/famille/").content.decode()
    lead = page.split('class="lead"', 1)[1].split("</p>", 1)[0]
    assert "Bonjour Alex." in lead
    assert "@" not in lead
    assert "1\u00a0200&nbsp;€" in page


def test_requests_are_numbered_in_one_format_from_the_collectivites_sequence(alpha):
    _user, family, child = family_in(alpha)
    first = application_in(alpha, family, child)
    with tenant_context(alpha):
        numbers = [first.number, new_application_number(), new_application_number()]
    connection.set_schema_to_public()
    assert all(re.fullmatch(r"DALP\d{6}", number) for number in numbers), numbers
    assert len(set(numbers)) == 3


def test_demo_requests_and_new_ones_share_the_format_and_never_collide(metz):
    with tenant_context(metz):
        demo_numbers = set(Application.objects.values_list("number", flat=True))
        fresh = new_application_number()
    connection.set_schema_to_public()
    assert all(re.fullmatch(r"DMET\d{6}", number) for number in demo_numbers)
    assert re.fullmatch(r"DMET\d{6}", fresh)
    assert fresh not in demo_numbers

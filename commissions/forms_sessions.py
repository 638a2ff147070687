"""Forms of commission sessions and offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commissions.enums import AnswerChannel, DeclineReason
from portal.accounts.models import User
from portal.accounts.roles import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = _("Obligatoire : il figurera au procès-verbal.")


def person_with_roles(user):
    """ "Claire Martin — élu·e, membre de commission": who is who when choosing the chair and members."""
    return f"{user.get_full_name() or user.email} — {', '.join(str(role) for role in user.get_roles_display())}"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_with_roles(obj)


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_with_roles(obj)


class SessionCreateForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200, initial=_("Commission d'attribution"))
    date = forms.DateField(label=_("Date de la commission"), widget=DATE)
    places_until = forms.DateField(
        label=_("Places qui s'ouvrent jusqu'au"),
        widget=DATE,
        help_text=_("La commission attribue les places déclarées disponibles entre sa date et celle-ci."),
    )
    chair = UserChoiceField(label=_("Présidence"), queryset=User.objects.none())
    members = UsersChoiceField(
        label=_("Membres"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sitting = User.objects.filter(roles__overlap=[Role.ELU, Role.MEMBRE_COMMISSION], is_active=True)
        self.fields["chair"].queryset = sitting.order_by("last_name", "email")
        self.fields["members"].queryset = sitting.order_by("last_name", "email")


def reason_field():
    return forms.CharField(
        label=_("Motif (obligatoire)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
        error_messages={"required": _("Indiquez le motif : il figurera au procès-verbal.")},
    )


class AdjustForm(forms.Form):
    points = forms.IntegerField(label=_("Points ajoutés (négatif pour en retirer)"), min_value=-100, max_value=100)
    reason = reason_field()


class AssignForm(forms.Form):
    """`choices`, when given, are what the picker shows (computed once for the whole page: no query per form)."""

    seat = forms.ModelChoiceField(label=_("Place"), queryset=None)
    reason = reason_field()

    def __init__(self, *args, session, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = session.seats.select_related("section__establishment")
        if choices is not None:
            self.fields["seat"].choices = choices


class UnassignForm(forms.Form):
    reason = reason_field()


class SwapForm(forms.Form):
    """The other dossier is picked among those a swap can involve (see commissions.views.sessions.swap_choices)."""

    other = forms.ModelChoiceField(
        label=_("Échanger avec le dossier"),
        queryset=None,
        to_field_name="number",
        error_messages={"required": _("Choisissez le dossier avec lequel échanger.")},
    )
    reason = reason_field()

    def __init__(self, *args, session, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = session.dossiers.order_by("number")
        if choices is not None:
            self.fields["other"].choices = choices


class DossierFilterForm(forms.Form):
    """Narrow the session's dossiers to one establishment and/or one age section (the seats' own)."""

    etablissement = forms.TypedChoiceField(label=_("Établissement demandé"), required=False, coerce=int)
    section = forms.ChoiceField(label=_("Section"), required=False)

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        establishments = sorted(
            {(s.section.establishment_id, s.section.establishment.name) for s in seats}, key=lambda e: e[1]
        )
        self.fields["etablissement"].choices = [("", _("Tous"))] + [(str(pk), name) for pk, name in establishments]
        sections = {}
        for seat in sorted(seats, key=lambda s: s.section.min_age_months):
            sections.setdefault(seat.section.code, seat.section.name)
        self.fields["section"].choices = [("", _("Toutes"))] + list(sections.items())

    def values(self):
        """The valid filters ({} when none or invalid)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class ValidateForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "J'ai relu ce récapitulatif : je valide les décisions de la commission et les familles seront prévenues."
        ),
        error_messages={"required": _("Cochez la case pour confirmer la validation.")},
    )


class OfferAnswer(forms.Form):
    """An answer the family gave the guichet by phone, at the desk or by mail, recorded by an agent."""

    ACCEPT, DECLINE = "accept", "decline"

    answer = forms.ChoiceField(
        label=_("Réponse de la famille"),
        choices=[(ACCEPT, _("La famille accepte la place")), (DECLINE, _("La famille refuse la place"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez si la famille accepte ou refuse la place.")},
    )
    channel = forms.ChoiceField(label=_("Réponse donnée"), choices=AnswerChannel.choices)
    note = forms.CharField(
        label=_("Précisions données par la famille"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus : le motif donné par la famille."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == self.DECLINE and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Indiquez le motif du refus donné par la famille."))
        return cleaned


class DeclineForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Raison du refus"),
        choices=[(value, label) for value, label in DeclineReason.choices if value != DeclineReason.EXPIRED],
        widget=forms.RadioSelect,
        help_text=_("Le règlement d'attribution dit quelles raisons retirent des points (voir ci-dessus)."),
    )
    reason = forms.CharField(
        label=_("Précisez si vous le souhaitez"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Votre réponse aide la commission."),
    )

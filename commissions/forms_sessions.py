"""Forms of commission sessions and offers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from commissions.enums import DeclineReason
from portal.accounts.models import User
from portal.accounts.roles import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = _("Obligatoire : il figurera au procès-verbal.")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


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


class AdjustForm(forms.Form):
    points = forms.IntegerField(label=_("Points ajoutés (négatif pour en retirer)"), min_value=-100, max_value=100)
    reason = forms.CharField(
        label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )


class AssignForm(forms.Form):
    seat = forms.ModelChoiceField(label=_("Place"), queryset=None)
    reason = forms.CharField(
        label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = session.seats.select_related("section__establishment")


class UnassignForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )


class SwapForm(forms.Form):
    other = forms.ModelChoiceField(label=_("Échanger avec le dossier"), queryset=None, to_field_name="number")
    reason = forms.CharField(
        label=_("Motif"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = session.dossiers.order_by("number")


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

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.accounts.roles import Role


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, label=_("Rôles"), required=False, **kwargs)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    roles = RolesField()

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Un compte existe déjà avec cette adresse."))
        return email

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if not roles:
            raise forms.ValidationError(_("Choisissez au moins un rôle."))
        return roles


class RolesForm(forms.Form):
    roles = RolesField()

    def __init__(self, *args, editor=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        self.user = user

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        # An administrator cannot lock the collectivité out of its own administration.
        if self.user == self.editor and Role.ADMINISTRATEUR not in roles:
            raise forms.ValidationError(_("Vous ne pouvez pas retirer votre propre rôle d'administrateur·rice."))
        return roles


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher (nom ou adresse)"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), required=False, choices=[("", _("Tous"))] + list(Role.choices))

from django import forms
from django.utils.translation import gettext_lazy as _

from rpe.inbox.enums import ContactChannel, ContactOutcome, ContactPerson, ContactTheme
from rpe.models import Relais
from rpe.models.inbox import ContactLog, InboxRequest

LOGGED_CHANNELS = [(value, label) for value, label in ContactChannel.choices if value != ContactChannel.ONLINE]


class RequestForm(forms.ModelForm):
    """What anyone writes to the relais from the portal."""

    relais = forms.ModelChoiceField(label=_("Relais"), queryset=Relais.objects.all(), empty_label=None)

    class Meta:
        model = InboxRequest
        fields = ["relais", "person", "theme", "message", "name", "email", "phone"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6, "maxlength": 5000})}
        labels = {"name": _("Vos nom et prénom"), "email": _("Votre courriel"), "phone": _("Votre téléphone")}
        help_texts = {"phone": _("Facultatif : si vous préférez être rappelé·e.")}

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) > 5000:
            raise forms.ValidationError(_("5 000 caractères au plus."))
        return message


class ContactLogForm(forms.ModelForm):
    """The few-seconds form: four choices as radio buttons, a note if needed."""

    class Meta:
        model = ContactLog
        fields = ["channel", "person", "theme", "outcome", "note"]
        widgets = {
            "channel": forms.RadioSelect(choices=LOGGED_CHANNELS),
            "person": forms.RadioSelect,
            "theme": forms.Select,
            "outcome": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = LOGGED_CHANNELS
        self.fields["person"].choices = ContactPerson.choices
        self.fields["theme"].choices = ContactTheme.choices
        self.fields["outcome"].choices = ContactOutcome.choices


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Votre réponse"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    close = forms.BooleanField(label=_("Clore la demande après l'envoi"), required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Suivie par"), queryset=None, empty_label=None)

    def __init__(self, *args, relais, **kwargs):
        from portal.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(relais_memberships__relais=relais).order_by(
            "first_name", "last_name"
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = targets

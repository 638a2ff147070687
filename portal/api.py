"""The API's shared pieces: permissions from the apps' perms.py predicates, and the account endpoint."""

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.generics import RetrieveAPIView

from portal.accounts.models import User
from portal.perms import is_signed_in


class PredicatePermission(permissions.BasePermission):
    """`permission_classes = [PredicatePermission.of(can_x)]`: the API asks the same question as the pages."""

    predicate = None
    object_predicate = None

    @classmethod
    def of(cls, predicate, obj=None):
        """`obj`: the per-object predicate (as `allowed_if(..., obj=...)`), asked about each object the view gets;
        by default the same predicate, with the object."""
        attributes = {"predicate": staticmethod(predicate), "object_predicate": staticmethod(obj or predicate)}
        return type(f"Allowed_{predicate.__name__}", (cls,), attributes)

    def has_permission(self, request, view):
        return bool(self.predicate(request.user))

    def has_object_permission(self, request, view, obj):
        # The object was found in the view's `visible_to` queryset; the predicate may still refuse this one.
        return bool(self.object_predicate(request.user, obj))


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "roles"]


@extend_schema(summary="Mon compte", description="Le compte de la personne connectée et ses rôles.")
class MeView(RetrieveAPIView):
    serializer_class = MeSerializer
    permission_classes = [PredicatePermission.of(is_signed_in)]

    def get_object(self):
        return self.request.user


class NoEmptyParametersForm(forms.Form):
    """A parameter is absent or has a value: `?commune=` is refused like any value outside the schema."""

    def clean(self):
        cleaned = super().clean()
        for name, value in self.data.items():
            if name in self.fields and value == "":
                self.add_error(name, _("Valeur vide : omettez ce paramètre plutôt."))
        return cleaned


# PostgreSQL stores no NUL character: the schema says so.
@extend_schema_field({"type": "string", "maxLength": 2000, "pattern": "^[^\\u0000]*$"})
class CommentField(serializers.CharField):
    """Blank or spaces allowed, kept as "" (the schema's pattern says so; DRF's `allow_blank` would write a second,
    overlapping schema that "" matches twice)."""

    def run_validation(self, data=serializers.empty):
        return "" if isinstance(data, str) and not data.strip() else super().run_validation(data)

"""The API's shared pieces: permissions from the apps' perms.py predicates, and the account endpoint."""

from drf_spectacular.utils import extend_schema
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

"""The family's own requests through the API: the same form validation and services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from families import services
from families.enums import WEEKDAYS
from families.forms import ApplicationForm
from families.models import Application, Child, GuichetSettings
from families.perms import is_family
from portal.api import PredicatePermission


class WishesField(serializers.ListField):
    """Written as establishment ids in order of preference; read back the same way from the vœux."""

    def get_attribute(self, instance):
        return [wish.establishment_id for wish in instance.wishes.all()]


class ApplicationSerializer(serializers.ModelSerializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    wishes = WishesField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Identifiants d'établissements, par ordre de préférence (au plus le nombre de vœux que la "
        "collectivité permet).",
    )
    planning = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        help_text="Par jour (mon…sat) : [arrivée, départ] au format HH:MM.",
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "child",
            "kind",
            "desired_start",
            "planning",
            "weekly_hours",
            "wants_collective",
            "wants_assistant_maternel",
            "wants_mam",
            "wants_home_care",
            "wants_shared_home_care",
            "comment",
            "wishes",
            "status",
            "submitted_at",
        ]
        read_only_fields = ["id", "number", "weekly_hours", "status", "submitted_at"]
        # One request per child: the page's form says it in its own words (see validate), the database enforces it.
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["child"].queryset = Child.objects.filter(family__account=request.user)

    def validate_wishes(self, wishes):
        # The form reads only as many vœux as the collectivité allows: more would be dropped unseen.
        allowed = GuichetSettings.current().max_wishes
        if len(wishes) > allowed:
            raise ValidationError(
                _("Au plus %(allowed)d vœux : vous en avez envoyé %(sent)d.")
                % {"allowed": allowed, "sent": len(wishes)}
            )
        return wishes

    def validate(self, attrs):
        """Run the very form the pages use, so that both say the same thing."""
        child = attrs.get("child") or self.instance.child
        merged = {**(self.to_internal_dict(self.instance) if self.instance else {}), **attrs}
        data = {
            key: merged.get(key)
            for key in (
                "kind",
                "desired_start",
                "wants_collective",
                "wants_assistant_maternel",
                "wants_mam",
                "wants_home_care",
                "wants_shared_home_care",
                "comment",
            )
        }
        data = {key: value for key, value in data.items() if value not in (None, False)}
        for day, _label in WEEKDAYS:
            if day in merged.get("planning", {}):
                data[f"{day}_start"], data[f"{day}_end"] = merged["planning"][day]
        for rank, establishment in enumerate(merged.get("wishes", []), start=1):
            data[f"wish_{rank}"] = str(establishment)
        form = ApplicationForm(
            data, instance=self.instance, child=child, max_wishes=GuichetSettings.current().max_wishes
        )
        if not form.is_valid():
            raise ValidationError({key or "non_field_errors": value for key, value in form.errors.items()})
        self.form = form
        return attrs

    @staticmethod
    def to_internal_dict(instance):
        return {
            "kind": instance.kind,
            "desired_start": instance.desired_start,
            "planning": instance.planning,
            "wants_collective": instance.wants_collective,
            "wants_assistant_maternel": instance.wants_assistant_maternel,
            "wants_mam": instance.wants_mam,
            "wants_home_care": instance.wants_home_care,
            "wants_shared_home_care": instance.wants_shared_home_care,
            "comment": instance.comment,
            "wishes": [wish.establishment_id for wish in instance.wishes.all()],
        }

    def create(self, validated_data):
        family = services.family_for(self.context["request"].user)
        try:
            return services.application_create(
                family=family,
                child=validated_data["child"],
                fields=self.form.application_fields(),
                establishments=self.form.chosen_establishments,
            )
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from error

    def update(self, instance, validated_data):
        try:
            return services.application_update(
                application=instance,
                user=self.context["request"].user,
                fields=self.form.application_fields(),
                establishments=self.form.chosen_establishments,
            )
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from error


@extend_schema_view(
    list=extend_schema(summary="Mes demandes d'accueil"),
    create=extend_schema(summary="Créer une demande (brouillon)"),
    retrieve=extend_schema(summary="Une de mes demandes"),
    update=extend_schema(summary="Modifier une de mes demandes"),
    partial_update=extend_schema(summary="Modifier une partie d'une de mes demandes"),
)
class FamilyApplicationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A family's own requests: another family's ids answer 404."""

    serializer_class = ApplicationSerializer
    permission_classes = [PredicatePermission.of(is_family)]

    def get_queryset(self):
        return (
            Application.objects.filter(family__account=self.request.user)
            .select_related("child")
            .prefetch_related("wishes")
            .order_by("-created_at")
        )

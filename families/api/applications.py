"""The family's own requests through the API: the same form validation and services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException

from families import services
from families.enums import WEEKDAYS
from families.forms import ApplicationForm
from families.models import Application, Child, GuichetSettings
from families.perms import is_family, is_own_application
from portal.api import CommentField, PredicatePermission
from portal.api_defaults import JSONParser
from portal.api_schema import VALIDATION

# A time of the planning as the page's form reads it (HH:MM, seconds allowed).
CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
DAYS = [day for day, _label in WEEKDAYS]


class RefusedByRules(APIException):
    """A well-formed body (400 is for one the schema refuses) that the guichet's rules refuse as things stand:
    a child who is not the family's, a date already past or before the child can be taken in, an arrival after
    the departure, a second request for the same child, a vœu the establishment cannot take."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "refused_by_rules"


class ChildField(serializers.PrimaryKeyRelatedField):
    """An integer here; whether it is one of the family's children is a rule (409), checked in `validate`."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Child.objects.none(), **kwargs)

    def to_internal_value(self, data):
        return serializers.IntegerField().run_validation(data)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            day: {
                "type": "array",
                "items": {"type": "string", "pattern": CLOCK_TIME},
                "minItems": 2,
                "maxItems": 2,
            }
            for day in DAYS
        },
        "additionalProperties": False,
        "description": "Par jour (mon…sat) : [arrivée, départ] au format HH:MM.",
    }
)
class PlanningField(serializers.DictField):
    """{day: [arrival, departure]}, days among mon…sat."""

    def __init__(self, **kwargs):
        child = serializers.ListField(
            child=serializers.RegexField(CLOCK_TIME, trim_whitespace=False), min_length=2, max_length=2
        )
        super().__init__(child=child, **kwargs)

    def to_internal_value(self, data):
        planning = super().to_internal_value(data)
        if unknown := sorted(set(planning) - set(DAYS)):
            raise serializers.ValidationError(
                _("Jours inconnus : %(days)s (mon, tue, wed, thu, fri, sat).") % {"days": ", ".join(unknown)}
            )
        return planning


class WishesField(serializers.ListField):
    """Written as establishment ids in order of preference; read back the same way from the vœux."""

    def get_attribute(self, instance):
        return [wish.establishment_id for wish in instance.wishes.all()]


class ApplicationSerializer(serializers.ModelSerializer):
    child = ChildField()
    wishes = WishesField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Identifiants d'établissements, par ordre de préférence (au plus le nombre de vœux que la "
        "collectivité permet).",
    )
    planning = PlanningField()
    comment = CommentField(required=False, max_length=2000)

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

    def own_child(self, child_id):
        user = self.context["request"].user
        child = Child.objects.visible_to(user).filter(family__account=user, pk=child_id).first()
        if child is None:
            raise RefusedByRules({"child": [_("Cet enfant n'est pas rattaché à votre foyer.")]})
        return child

    def validate(self, attrs):
        """Run the very form the pages use, so that both say the same thing (a refusal is a 409)."""
        if "child" in attrs:
            attrs["child"] = self.own_child(attrs["child"])
        child = attrs.get("child") or self.instance.child
        # The form reads only as many vœux as the collectivité allows: more would be dropped unseen.
        allowed = GuichetSettings.current().max_wishes
        if len(attrs.get("wishes", [])) > allowed:
            raise RefusedByRules(
                {
                    "wishes": [
                        _("Au plus %(allowed)d vœux : vous en avez envoyé %(sent)d.")
                        % {"allowed": allowed, "sent": len(attrs["wishes"])}
                    ]
                }
            )
        merged = {**(self.to_internal_dict(self.instance) if self.instance else {}), **attrs}
        # The form's own fields: a field added to the page's form is read here too.
        data = {key: merged.get(key) for key in ApplicationForm.Meta.fields}
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
            raise RefusedByRules({key or "non_field_errors": value for key, value in form.errors.items()})
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
            raise RefusedByRules({"non_field_errors": error.messages}) from error

    def update(self, instance, validated_data):
        try:
            return services.application_update(
                application=instance,
                user=self.context["request"].user,
                fields=self.form.application_fields(),
                establishments=self.form.chosen_establishments,
            )
        except DjangoValidationError as error:
            raise RefusedByRules({"non_field_errors": error.messages}) from error


REFUSED = OpenApiResponse(
    VALIDATION,
    description="Demande bien formée mais refusée par les règles du guichet (enfant d'un autre foyer, date passée "
    "ou trop tôt pour l'âge de l'enfant, départ avant l'arrivée, demande déjà en cours pour cet enfant…) : "
    "messages en français, par champ.",
)


@extend_schema_view(
    list=extend_schema(summary="Mes demandes d'accueil"),
    create=extend_schema(
        summary="Créer une demande (brouillon)", responses={201: ApplicationSerializer, 409: REFUSED}
    ),
    retrieve=extend_schema(summary="Une de mes demandes"),
    update=extend_schema(summary="Modifier une de mes demandes", responses={200: ApplicationSerializer, 409: REFUSED}),
    partial_update=extend_schema(
        summary="Modifier une partie d'une de mes demandes", responses={200: ApplicationSerializer, 409: REFUSED}
    ),
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
    permission_classes = [PredicatePermission.of(is_family, obj=is_own_application)]
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            Application.objects.visible_to(self.request.user)
            .owned_by(self.request.user)
            .select_related("child")
            .prefetch_related("wishes")
            .order_by("-created_at")
        )

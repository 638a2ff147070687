"""The guichet's API: the staff queue, with the page's filters as query parameters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView

from creches.enums import CareKind
from families.api.serializers import QueueApplicationSerializer
from families.enums import CareMode
from families.forms_guichet import NO, QUEUE_STATUSES, YES, QueueQueryForm
from families.models import Application
from families.perms import can_instruct
from portal.api import PredicatePermission

NO_NUL = "^[^\\u0000]*$"  # PostgreSQL stores no NUL character


def choice(name, description, choices):
    return OpenApiParameter(name, OpenApiTypes.STR, enum=[value for value, _label in choices], description=description)


# Each query parameter as QueueQueryForm validates it: absent, or a value the schema allows (never empty).
QUEUE_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "maxLength": 100, "pattern": NO_NUL},
        description="Nom de l'enfant ou d'un responsable, ou numéro.",
    ),
    choice("status", "Statut de la demande.", QUEUE_STATUSES),
    OpenApiParameter(
        "commune",
        OpenApiTypes.STR,
        pattern=QueueQueryForm.COMMUNE,
        description="Code INSEE de la commune du foyer, ou « hors » (hors du territoire).",
    ),
    OpenApiParameter(
        "section",
        OpenApiTypes.STR,
        pattern=QueueQueryForm.SECTION,
        description="Code de section d'âge (âge à l'entrée).",
    ),
    choice("kind", "Type d'accueil.", CareKind.choices),
    OpenApiParameter("start_from", OpenApiTypes.DATE, description="Entrée souhaitée à partir du (AAAA-MM-JJ)."),
    OpenApiParameter("start_to", OpenApiTypes.DATE, description="Entrée souhaitée jusqu'au (AAAA-MM-JJ)."),
    choice("mode", "Mode d'accueil demandé.", CareMode.choices),
    choice("missing", "Pièces manquantes.", [(YES, YES), (NO, NO)]),
]


@extend_schema(
    summary="File des demandes",
    description="Les demandes déposées, de la plus ancienne à la plus récente, avec les filtres de la page du guichet.",
    parameters=QUEUE_PARAMETERS,
)
class QueueView(ListAPIView):
    serializer_class = QueueApplicationSerializer
    permission_classes = [PredicatePermission.of(can_instruct)]

    def get_queryset(self):
        form = QueueQueryForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return form.filter(Application.objects.visible_to(self.request.user).queue_rows())

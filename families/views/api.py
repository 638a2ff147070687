"""The guichet's API: the staff queue, with the page's filters as query parameters."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView

from families.api_serializers import QueueApplicationSerializer
from families.forms_guichet import QueueFilterForm
from families.perms import can_instruct
from families.views.guichet import queue_queryset
from portal.api import PredicatePermission

QUEUE_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Nom de l'enfant ou d'un responsable, ou numéro."),
    OpenApiParameter("status", OpenApiTypes.STR, description="Statut de la demande (deposee, incomplete…)."),
    OpenApiParameter("commune", OpenApiTypes.STR, description="Code INSEE de la commune du foyer, ou « hors »."),
    OpenApiParameter("section", OpenApiTypes.STR, description="Code de section d'âge (âge à l'entrée)."),
    OpenApiParameter("kind", OpenApiTypes.STR, description="Type d'accueil (regulier, occasionnel, urgence)."),
    OpenApiParameter("start_from", OpenApiTypes.DATE, description="Entrée souhaitée à partir du."),
    OpenApiParameter("start_to", OpenApiTypes.DATE, description="Entrée souhaitée jusqu'au."),
    OpenApiParameter(
        "mode",
        OpenApiTypes.STR,
        description="Mode d'accueil demandé (collective, assistant_maternel, mam, home_care, shared_home_care).",
    ),
    OpenApiParameter("missing", OpenApiTypes.STR, enum=["oui", "non"], description="Pièces manquantes."),
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
        form = QueueFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return form.filter(queue_queryset())

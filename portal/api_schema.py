"""The OpenAPI schema of the API states its errors, as the views answer them (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Message en français."}},
    "required": ["detail"],
}
# A field's messages (a list, or per item of a list field), `non_field_errors`, or `detail` for a body
# that is not JSON at all.
VALIDATION = {
    "type": "object",
    "additionalProperties": {},
    "description": "Messages en français, par champ ; `non_field_errors` pour l'ensemble ; `detail` si le "
    "corps n'est pas lisible.",
}


def error(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema plus the 400, 403, 404, 415 and 429 each operation can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in self.error_responses().items():
            responses.setdefault(code, response)
        return responses

    def error_responses(self):
        view = self.view
        responses = {}
        takes_query = bool(getattr(view, "filterset_class", None)) or any(
            parameter.get("in") == "query" and parameter.get("name") != "page" for parameter in self._get_parameters()
        )
        if self.method in ("POST", "PUT", "PATCH") or takes_query:
            responses["400"] = error("Données ou paramètres invalides.", VALIDATION)
        if self.method in ("POST", "PUT", "PATCH"):
            # DRF refuses a body whose type none of the view's parsers reads, before the view runs.
            responses["415"] = error("Type de contenu non pris en charge : envoyez du JSON.", DETAIL)
        if not all(isinstance(permission, AllowAny) for permission in view.get_permissions()):
            responses["403"] = error("Connexion requise, ou ce compte n'y a pas droit.", DETAIL)
        paginated = self.method == "GET" and self._is_list_view() and self._get_paginator() is not None
        if "{" in self.path or paginated:
            responses["404"] = error("Introuvable (ou page de résultats inexistante).", DETAIL)
        if view.get_throttles():
            responses["429"] = error("Trop d'appels anonymes : réessayez dans une minute.", DETAIL)
        return responses

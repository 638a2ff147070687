"""What an API client of the guichet reads: the queue's rows, as the page shows them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from families.enums import CareMode
from families.models import Application


class QueueApplicationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    child = serializers.SerializerMethodField()
    child_birth_date = serializers.DateField(source="child.birth_date", read_only=True, allow_null=True)
    child_expected_date = serializers.DateField(source="child.expected_date", read_only=True, allow_null=True)
    commune = serializers.CharField(source="family.commune", read_only=True)
    code_insee = serializers.CharField(source="family.code_insee", read_only=True)
    first_wish = serializers.CharField(read_only=True, allow_null=True)
    missing_documents = serializers.BooleanField(read_only=True)
    dossier_url = serializers.SerializerMethodField()
    modes = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "kind",
            "kind_label",
            "child",
            "child_birth_date",
            "child_expected_date",
            "commune",
            "code_insee",
            "desired_start",
            "age_at_start_months",
            "weekly_hours",
            "modes",
            "first_wish",
            "missing_documents",
            "submitted_at",
            "dossier_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField)
    def get_child(self, application):
        return str(application.child.display_name)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CareMode.choices)))
    def get_modes(self, application):
        return [str(mode.value) for mode in application.modes]

    @extend_schema_field(serializers.URLField)
    def get_dossier_url(self, application):
        return reverse("families:dossier", args=[application.pk], request=self.context.get("request"))

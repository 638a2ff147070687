"""PDF documents of a request, drawn by WeasyPrint from HTML templates."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML


def attestation_pdf(application, collectivite):
    html = render_to_string(
        "families/pdf/attestation.html",
        {
            "application": application,
            "collectivite": collectivite,
            "wishes": application.wishes.select_related("establishment"),
            "guardians": application.family.guardians.all(),
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()

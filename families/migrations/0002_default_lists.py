"""The lists a new collectivité starts with; its administrator adapts them."""

from django.db import migrations

SITUATIONS = [
    ("handicap_enfant", "Enfant en situation de handicap", "Avec ou sans AEEH, sur justificatif (MDPH, médecin)."),
    ("handicap_parent", "Parent en situation de handicap", "Sur justificatif (MDPH)."),
    ("monoparentalite", "Famille monoparentale", "Un seul parent élève l'enfant."),
    ("fratrie", "Frère ou sœur déjà accueilli", "Dans l'un des établissements demandés."),
    ("insertion", "Parcours d'insertion ou minima sociaux", "RSA, parcours d'insertion sociale ou professionnelle."),
    ("suivi_social", "Accompagnement social", "Famille suivie par un service social ou la PMI."),
    ("parent_mineur", "Parent mineur", "L'un des parents a moins de 18 ans."),
    ("naissances_multiples", "Naissances multiples", "Jumeaux, triplés…"),
]
DOCUMENT_TYPES = [
    ("domicile", "Justificatif de domicile de moins de trois mois", True),
    ("caf", "Attestation de quotient familial CAF ou MSA", True),
    ("imposition", "Dernier avis d'imposition", False),
    ("activite", "Justificatifs d'activité des parents", True),
    ("naissance", "Acte de naissance ou certificat de grossesse", True),
]


def create(apps, schema_editor):
    Situation = apps.get_model("families", "Situation")
    DocumentType = apps.get_model("families", "DocumentType")
    for order, (code, label, help_text) in enumerate(SITUATIONS):
        Situation.objects.get_or_create(code=code, defaults={"label": label, "help_text": help_text, "order": order})
    for order, (code, label, required) in enumerate(DOCUMENT_TYPES):
        DocumentType.objects.get_or_create(code=code, defaults={"label": label, "required": required, "order": order})


class Migration(migrations.Migration):
    dependencies = [("families", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

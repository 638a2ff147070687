"""Text stored in the database in French with its English beside it (`label` and `label_en`).

Why fields rather than gettext or a library: these labels are written by each collectivité in its own
configuration (gettext only knows texts in the code), there are two languages, and an explicit
`<field>_en` column with a fallback to the French keeps every model and query as it is. When more
languages come, django-modeltranslation does the same with one column per language.
"""

from django.conf import settings
from django.utils import translation


def localized(obj, field="label"):
    """`obj.<field>` in the reader's language: its `<field>_en` for an English reader when filled in."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language != "fr":
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return translated
    return getattr(obj, field)

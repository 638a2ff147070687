import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def unescape(text):
    """A .po string as msgfmt reads it: \\n, \\" and \\\\ unescaped, UTF-8 kept."""
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def po_entries(path):
    """Yield (msgid, [msgstr…], fuzzy) for each entry of a .po file, the header left out."""
    for block in path.read_text().split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line):
                current = match.group(1)
                fields[current] = match.group(2)
            elif current and line.startswith('"'):
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [value for key, value in fields.items() if key.startswith("msgstr")]
            yield fields["msgid"], strings, "#, fuzzy" in block


def test_the_english_catalogue_translates_every_string():
    entries = list(po_entries(CATALOGUE))
    assert len(entries) > 100
    missing = [msgid for msgid, strings, fuzzy in entries if fuzzy or not all(strings)]
    assert missing == [], f"{len(missing)} chaînes à traduire (make messages) : {missing[:5]}"


def test_the_compiled_catalogue_holds_every_translation():
    with CATALOGUE.with_suffix(".mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in catalog}
    source_ids = {unescape(msgid) for msgid, _strings, _fuzzy in po_entries(CATALOGUE)}
    assert source_ids <= compiled_ids, "le catalogue compilé est en retard : make messages"

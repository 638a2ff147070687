"""Django's makemessages, which also extracts the plural messages marked with `portal.i18n.ngettext_noop`."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    # Plural system messages are stored untranslated and translated when read (portal.i18n.deferred_plural).
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]

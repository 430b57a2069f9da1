"""makemessages without gettext's fuzzy guesses: a new string stays empty until translated,
instead of borrowing the translation of a similar one (which the i18n tests would refuse)."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]

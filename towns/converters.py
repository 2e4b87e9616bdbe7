"""URL converters: a malformed code never reaches the database (PostgreSQL rejects NUL bytes with a 500)."""

from mot_portal.converters import CodeConverter
from towns.models import INSEE_CODE_REGEX, SIREN_REGEX


class InseeCodeConverter(CodeConverter):
    regex = INSEE_CODE_REGEX.strip("^$")


class SirenConverter(CodeConverter):
    regex = SIREN_REGEX.strip("^$")

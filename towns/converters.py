"""URL converters: a malformed code never reaches the database (PostgreSQL rejects NUL bytes with a 500)."""

from towns.models import INSEE_CODE_REGEX, SIREN_REGEX


class InseeCodeConverter:
    regex = INSEE_CODE_REGEX.strip("^$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SirenConverter(InseeCodeConverter):
    regex = SIREN_REGEX.strip("^$")

"""Base of the URL converters for codes: a malformed code never reaches the database."""


class CodeConverter:
    """Matches ``regex`` and passes the text through unchanged; subclasses set the regex."""

    regex: str

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value

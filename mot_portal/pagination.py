"""Page-number parsing shared by the pages and the API."""

import re

PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")


def page_number(raw: str | None, *, default: int | None = 1) -> int | None:
    """The page number in ``raw`` (ASCII digits, 1 to 999,999,999), or ``default`` when it is not one."""
    if raw is None:
        return default
    return int(raw) if PAGE_NUMBER.fullmatch(raw) else default

"""Reading what a request carries, bounded: ids, pages, years and dates from the URL, the query string and
forms. A malformed or out-of-range value is dropped (and named, where the page shows it), never a 500.

Three layers, so that no view can forget: every request's parameters lose their NUL bytes (PostgreSQL
refuses them in text) and ``.get(name, type=int)`` answers only ids the database can hold; the ``int``
URL converter answers 404 for a larger id; and the helpers below read pages, years and dates in range.
"""
from datetime import date

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

MAX_ID = 2**31 - 1  # an INTEGER column on PostgreSQL
MAX_PAGE = 10_000
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_LABELS = {"start": "起始日期", "end": "截止日期"}


def bounded_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """``int(value)`` within [minimum, maximum]; ValueError otherwise (so ``.get(type=...)`` gives the default)."""
    text = str(value).strip()
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise ValueError(f"not a bounded integer: {text[:20]!r}")
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValueError(f"out of range: {number}")
    return number


def page_arg(args, name: str = "page") -> int:
    """A page number, 1 to MAX_PAGE; anything else is page 1."""
    return args.get(name, 1, type=lambda v: bounded_int(v, minimum=1, maximum=MAX_PAGE))


def year_arg(args, default: int, name: str = "year") -> int:
    return args.get(name, default, type=lambda v: bounded_int(v, minimum=FIRST_YEAR, maximum=LAST_YEAR))


class OutOfRange(ValueError):
    """A well-formed value the platform has no use for (a date in the year 9999)."""


def parse_date(value: str) -> date:
    """An ISO date between FIRST_YEAR and LAST_YEAR; ValueError (OutOfRange) otherwise."""
    day = date.fromisoformat(value.strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise OutOfRange(f"year out of range: {day.year}")
    return day


def date_args(args, errors: list[str]) -> dict[str, date | None]:
    """start and end as dates; a value that is no date adds a message in Chinese to ``errors``."""
    dates = {}
    for name, label in DATE_LABELS.items():
        value = args.get(name, "").strip()
        try:
            dates[name] = parse_date(value) if value else None
        except OutOfRange:
            errors.append(f"{label}“{value[:20]}”超出范围，年份须在{FIRST_YEAR}至{LAST_YEAR}之间。")
            dates[name] = None
        except ValueError:
            errors.append(f"{label}“{value[:20]}”格式不正确，请写成 2026-11-23。")
            dates[name] = None
    return dates


class Parameters(ImmutableMultiDict):
    """Query and form parameters without NUL bytes, whose ``type=int`` reads only ids that fit a column."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            if any(isinstance(v, str) and "\x00" in v for v in values):
                dict.__setitem__(self, key, [v.replace("\x00", "") if isinstance(v, str) else v for v in values])

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's own signature)
        return super().get(key, default, bounded_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = Parameters


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: a number too large for an id answers 404, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """``<name>`` in a route: a NUL byte answers 404."""

    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError()
        return value


def install(app) -> None:
    """Before any route is registered."""
    app.request_class = BoundedRequest
    app.url_map.converters.update({"int": IdConverter, "default": TextConverter, "string": TextConverter})

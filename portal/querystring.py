"""Reading filters from a query string: a malformed value is dropped and named, never a 500."""
from datetime import date

DATE_LABELS = {"start": "起始日期", "end": "截止日期"}


def date_args(args, errors: list[str]) -> dict[str, date | None]:
    """start and end as dates; a value that is no date adds a message in Chinese to ``errors``."""
    dates = {}
    for name, label in DATE_LABELS.items():
        value = args.get(name, "").strip()
        try:
            dates[name] = date.fromisoformat(value) if value else None
        except ValueError:
            errors.append(f"{label}“{value}”格式不正确，请写成 2026-11-23。")
            dates[name] = None
    return dates

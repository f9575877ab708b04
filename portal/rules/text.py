"""Text as channels deliver it."""
import re


def clean(text) -> str:
    """Strip the scraped whitespace: tabs and newlines around, \u3000 and \xa0 inside."""
    text = str(text or "").replace("\xa0", " ").replace("\u3000", " ")
    text = re.sub(r"[ \t]*\n[\s]*", "\n", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()

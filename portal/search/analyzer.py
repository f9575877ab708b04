"""The analyzer both search backends share, and the highlighter.

At index time it emits every single character, every pair of 汉字 in a row and every dictionary
word of three or more 汉字 at every offset (rjieba's full mode, jieba-compatible), each at its
character offset as its position. A phrase is cut into words that tile it, and each word must stand
exactly len(previous word) positions after the one before (a phrase of 汉字: its pairs, one apart).
So "噪音扰民" finds the texts that contain those four characters in a row, and only those, whatever
the segmentation around them; two-character words (噪音, 城管) are found inside longer ones (城管委).
Runs of Latin letters and digits are one token each (12345 never inside 12345678).
"""
import html
import re
import unicodedata
from importlib import resources

import rjieba

WORD = re.compile(r"[0-9a-z]+|[^\W\d_a-z]", re.UNICODE)  # an ASCII run, or one other letter (a 汉字)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
QUOTED = re.compile(r"[\"“”「」『』]([^\"“”「」『』]+)[\"“”「」『』]")


def _load_domain_terms() -> None:
    for line in resources.files("portal").joinpath("search_terms.txt").read_text("utf-8").splitlines():
        word, freq, tag = (line.split() + ["", "", ""])[:3]
        if word:
            rjieba.add_word(word, int(freq or 50), tag or "n")


_load_domain_terms()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: the same on both sides of the index."""
    return unicodedata.normalize("NFKC", text).lower()


def index_positions(text: str) -> dict[str, list[int]]:
    """What the index holds of ``text``, token → its character offsets, ascending: every letter (each
    汉字 alone, a run of Latin letters and digits whole), every pair of 汉字 in a row, and every
    dictionary word of three or more 汉字 (rjieba's full mode). A two-character word needs no entry of
    its own: it is the pair at each of its offsets, and found inside longer words (城管 in 城管委)."""
    text = normalise(text)
    positions: dict[str, list[int]] = {}
    for match in WORD.finditer(text):
        _add(positions, match.group(), match.start())
    for run in HAN.finditer(text):
        start, chars = run.start(), run.group()
        for i in range(len(chars) - 1):
            _add(positions, chars[i:i + 2], start + i)
        if len(chars) > 2:
            for word, offset in _full_mode(chars):
                if len(word) > 2:
                    _add(positions, word, start + offset)
    return positions


def _add(positions: dict[str, list[int]], token: str, offset: int) -> None:
    if token in positions:
        positions[token].append(offset)
    else:
        positions[token] = [offset]


def index_tokens(text: str) -> list[tuple[str, int]]:
    """index_positions() as (token, offset) pairs, for Whoosh's tokenizer."""
    return [(token, offset) for token, offsets in index_positions(text).items() for offset in offsets]


def phrase_pairs(phrase: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A phrase of two or more 汉字 (its words tile it) as its overlapping pairs of characters:
    "我们家的情" is 我们 们家 家的 的情, each one character after the previous. Exactly the same texts
    match as with its words (the characters in a row either way), but the index finds far fewer
    candidates to check than with 我们 & 家 & 的 & 情, each in most texts. Other phrases unchanged."""
    chars = "".join(word for word, _ in phrase)
    tiled = all(offset == phrase[0][1] + sum(len(w) for w, _ in phrase[:n]) for n, (_, offset) in enumerate(phrase))
    if len(chars) < 2 or not tiled or not HAN.fullmatch(chars):
        return phrase
    return [(chars[i:i + 2], phrase[0][1] + i) for i in range(len(chars) - 1)]


def _full_mode(run: str):
    """(word, offset) for every dictionary word in a run of 汉字. rjieba's full mode lists, for
    each position in turn, its single character and then the longer words that start there."""
    position = -1
    for word in rjieba.cut_all(run):
        if len(word) == 1 and run.startswith(word, position + 1):
            position += 1
        elif not run.startswith(word, position):  # never seen; keep the index right regardless
            position = run.find(word, max(position, 0))
            if position < 0:
                raise ValueError(f"cannot place {word!r} in {run!r}")
        yield word, position


def query_words(text: str) -> list[tuple[str, int]]:
    """(word, offset): words that tile ``text`` exactly — jieba's accurate mode without HMM guesses
    for 汉字, whole runs of Latin letters and digits — split as the index splits them."""
    words = []
    for match in re.finditer(r"[\u3400-\u9fff\uf900-\ufaff]+|[0-9a-z]+|[^\W_]", normalise(text)):
        if HAN.fullmatch(match.group()):
            offset = match.start()
            for word in rjieba.cut(match.group(), hmm=False):
                words.append((word, offset))
                offset += len(word)
        else:
            words.append((match.group(), match.start()))
    return words


def parse(text: str) -> tuple[list[list[tuple[str, int]]], list[str], list[str]]:
    """What a citizen typed: ("quoted phrases" as their tiling words, the other words, the words to
    highlight). Every phrase and every word is required."""
    phrases, highlights = [], []
    for phrase in QUOTED.findall(text):
        words = query_words(phrase)
        if words:
            phrases.append(words)
            highlights.append(normalise(phrase).strip())
    words = [word for word, _ in query_words(QUOTED.sub(" ", text))]
    return phrases, words, highlights + words


def suggestion_words(highlights: list[str]) -> list[str]:
    """For an empty result: the words worth trying alone (single characters only if that is all: in
    "业自冬季来", 冬季; they are also the costliest to count, each in most of the texts)."""
    words = list(dict.fromkeys(w for phrase in highlights for w, _ in query_words(phrase)))
    longer = [word for word in words if len(word) > 1]
    return longer or words


def highlight(text: str, words: list[str], width: int) -> str:
    """An HTML-escaped excerpt of ``text`` around the first match, every match in <mark>."""
    spans = _match_spans(text, words)
    if len(text) <= width or not spans:
        start, end = 0, min(len(text), width)
    else:
        start = max(0, spans[0][0] - width // 4)
        end = min(len(text), start + width)
    out, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(html.escape(text[cursor:s]) + "<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


def _match_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    folded = normalise(text)
    if len(folded) != len(text):  # NFKC changed the length: fall back to the text as it is
        folded = text.lower()
    spans = []
    for word in sorted(set(filter(None, words)), key=len, reverse=True):
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(word), folded))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged

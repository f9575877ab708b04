"""What the monthly analysis reads out of the messages (R10.1): hot-topic keywords and groups of
similar messages written by different citizens (重复、集中反映的事项).

Words come from rjieba's precise mode over the same dictionary as the search index. Keywords are
ranked by TF-IDF against a background of document frequencies learned once from the 2020 corpus
(`keyword_idf.txt`, built by `bench/build_keyword_idf.py`), so that words every petition uses
(反映, 小区, 希望) do not crowd out what this month is about. Similar messages are found by an exact
Jaccard similarity join with prefix filtering: every pair at or above the threshold is found, and
only pairs that share a rare word are ever compared.
"""
import math
import re
import sys
from array import array
from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import rjieba

from .search import normalise

WORDLIKE = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]{2,}")
MASKED_PLACE = re.compile(r"^[a-z]\d*$")  # the data set's masked places: a市, a3区 → "a3"
STOPWORDS = frozenset("""
您好 你好 请问 谢谢 感谢 希望 要求 请求 反映 问题 情况 相关 部门 有关 领导 政府 市民 网友 我们 你们 他们 这个 那个
没有 什么 怎么 为什么 如何 是否 能否 可以 已经 现在 目前 一直 还是 但是 因为 所以 如果 而且 并且 以及 或者 还有
这些 那些 一个 一些 进行 存在 出现 导致 表示 认为 觉得 知道 时候 之后 以后 以来 其中 自己 大家 这样 那样 非常
严重 很多 不能 不是 就是 只是 都是 也是 可能 应该 需要 必须 关于 对于 根据 通过 由于 为了 特此 此致 敬礼 尊敬
书记 市长 县长 区长 处理 解决 答复 回复 留言 投诉 举报 咨询 建议 给予 帮助 一下 今年 去年 今天 年月日 小时
能够 包括 第二 第一 考虑 时间 明显 早上 晚上 每天 地址 隐去 其他 一定 不会 不要 不到 多年 很大 这种 一样 任何
起来 部分 方便 对接 名下 方面 工作 有效 及时 正常 一起 加上 放心 属实 碰到 只能 只能靠 同一天 一方面 不但 稍微
本人 家里 老婆 老公 孩子 当时 后来 然后 结果 一次 两次 多次 多少 左右 以上 以下 上述 如下 具体 实际 真正 确实
""".split())
LIFT = math.log(2)  # a hot word is used at least twice as often as in messages in general
VERB_LIFT = math.log(4)  # a verb (加上, 碰到) is everyday talk unless the period uses it far more than usual
# Word classes that name no matter (rjieba's tags): conjunctions, adverbs, pronouns, numerals and measure
# words, prepositions, particles, time and place words, adjectives, idioms and set phrases, interjections.
NOT_A_TOPIC = frozenset("c d r m mq q p u uj ul uz ud ug uv t f s a ad ag y e o z i l".split())


def words(text: str) -> list[str]:
    """Content words of a text in order: two characters or more; no stop words, numbers (dates,
    masked phone tails) or the data set's masked places."""
    result = []
    for run in WORDLIKE.finditer(normalise(text)):
        for word in rjieba.cut(run.group(), hmm=False):
            if len(word) > 1 and not word.isdigit() and word not in STOPWORDS and not MASKED_PLACE.match(word):
                result.append(word)
    return result


@lru_cache
def background_idf() -> tuple[dict[str, float], float]:
    """(idf by word, idf of an unseen word) from the packaged background corpus."""
    lines = resources.files(__package__).joinpath("keyword_idf.txt").read_text("utf-8").splitlines()
    documents = int(lines[0].split()[1])  # first line: "#documents N"
    idf = {}
    for line in lines[1:]:
        word, df = line.split()
        idf[word] = math.log(documents / (int(df) + 1))
    return idf, math.log(documents)


@dataclass(frozen=True)
class Keyword:
    word: str
    messages: int  # how many of the period's messages use it
    score: float
    examples: tuple[int, ...]  # indexes of up to three messages that use it


def keywords(documents: list[list[str]], limit: int = 15) -> list[Keyword]:
    """The period's hot words, by keyness: messages using the word × log(how much more often the
    period's messages use it than messages in general). Everyday words score about zero."""
    used_by: dict[str, list[int]] = defaultdict(list)
    for index, document in enumerate(documents):
        for word in dict.fromkeys(document):
            used_by[word].append(index)
    return ranked_keywords(((word, len(users), users[:3]) for word, users in used_by.items()), len(documents), limit)


def keyword_floor(documents: int) -> int:
    return max(2, math.ceil(documents * 0.005))  # a hot topic is raised by more than one citizen


def ranked_keywords(counted, documents: int, limit: int) -> list[Keyword]:
    """Keywords from (word, how many documents use it, the first three of them) of ``documents`` in all."""
    idf, unseen = background_idf()
    total, floor = max(documents, 1), keyword_floor(documents)
    ranked = [Keyword(word, count, count * (math.log(count / total) + idf.get(word, unseen)), tuple(first))
              for word, count, first in counted if count >= floor]
    ranked = [k for k in ranked if _topical(k)]
    ranked.sort(key=lambda k: (-k.score, k.word))
    return ranked[:limit]


def _topical(keyword: Keyword) -> bool:
    """A word that can name what people complain about, used clearly more than in messages in general."""
    kind = word_class(keyword.word)
    if kind in NOT_A_TOPIC:
        return False
    return keyword.score >= keyword.messages * (VERB_LIFT if kind == "v" else LIFT)


@lru_cache(maxsize=50_000)
def word_class(word: str) -> str:
    """The word's class in rjieba's dictionary; a word it splits is a compound (a noun phrase, say n)."""
    tags = rjieba.tag(word)
    return tags[0][1] if len(tags) == 1 else "n"


SUBJECT_THRESHOLD, SUBJECT_MINIMUM = 0.7, 2  # subjects alike
TEXT_THRESHOLD, TEXT_MINIMUM = 0.5, 4  # or the whole texts alike


def similar_groups(subjects: list[list[str]], bodies: list[list[str]]) -> list[list[int]]:
    """Groups (indexes, two or more) of messages that are near-duplicates: subjects alike, or the whole
    text alike. Largest groups first; each group in index order."""
    return groups_of(len(subjects), near_duplicates(subjects, bodies))


def near_duplicates(subjects: list[list[str]], bodies: list[list[str]]) -> set:
    """Every pair (i, j), i < j, of near-duplicates (Corpus.pairs_with: only those with a few messages)."""
    subject_sets = [set(s) for s in subjects]
    whole_sets = [set(s) | set(b) for s, b in zip(subjects, bodies, strict=True)]
    joins = ((subject_sets, SUBJECT_THRESHOLD, SUBJECT_MINIMUM), (whole_sets, TEXT_THRESHOLD, TEXT_MINIMUM))
    return {pair for sets, threshold, minimum in joins for pair in similar_pairs(sets, threshold, minimum=minimum)}


def _prefix_length(size: int, threshold: float) -> int:
    """A set y with Jaccard(x, y) >= t shares at least ceil(t·|x|) of x's words, so one of any
    |x| - ceil(t·|x|) + 1 of them (the float error taken off so as never to make the prefix too short)."""
    return size - math.ceil(threshold * size - 1e-9) + 1


def groups_of(size: int, pairs) -> list[list[int]]:
    """The connected groups (two or more) of ``pairs`` over ``size`` items: largest first, each in order."""
    links = UnionFind(size)
    for pair in pairs:
        links.join(*pair)
    groups = [sorted(members) for members in links.groups() if len(members) > 1]
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def similar_pairs(sets: list[set[str]], threshold: float, *, minimum: int = 1):
    """Every pair (i, j) with Jaccard(sets[i], sets[j]) >= threshold; sets smaller than ``minimum``
    words are left out. PPJoin (Xiao et al. 2008): words ordered rarest first, sets taken smallest
    first; two sets that reach the threshold share a word among the first |x| - ceil(t·|x|) + 1 of
    the larger (probing) and the first |y| - ceil(2t/(1+t)·|y|) + 1 of the smaller (indexed), and a
    candidate is dropped as soon as the words left cannot make up the overlap needed."""
    frequency = Counter(word for s in sets for word in s)
    ordered = {i: sorted(s, key=lambda w: (frequency[w], w)) for i, s in enumerate(sets) if len(s) >= minimum}
    size = {i: len(words_of_i) for i, words_of_i in ordered.items()}
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    start: dict[str, int] = defaultdict(int)  # entries before it are too small for every set still to come
    for i in sorted(ordered, key=size.__getitem__):
        x, length = ordered[i], size[i]
        smallest = threshold * length
        overlap: dict[int, int] = {}
        for px, word in enumerate(x[:length - math.ceil(threshold * length) + 1]):
            entries = index[word]
            first = start[word]
            while first < len(entries) and size[entries[first][0]] < smallest:
                first += 1
            start[word] = first
            for j, py in entries[first:]:
                seen = overlap.get(j, 0)
                if seen < 0:
                    continue
                needed = math.ceil(threshold / (1 + threshold) * (length + size[j]) - 1e-9)
                overlap[j] = seen + 1 if seen + 1 + min(length - px - 1, size[j] - py - 1) >= needed else -1
        for px, word in enumerate(x[:length - math.ceil(2 * threshold / (1 + threshold) * length - 1e-9) + 1]):
            index[word].append((i, px))
        for j, count in overlap.items():
            if count > 0 and jaccard(sets[i], sets[j]) >= threshold:
                yield min(i, j), max(i, j)


def jaccard(a: set, b: set) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common) if a or b else 0.0


class UnionFind:
    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> list[list[int]]:
        members: dict[int, list[int]] = defaultdict(list)
        for item in range(len(self.parent)):
            members[self.find(item)].append(item)
        return list(members.values())


class Corpus:
    """A period's messages as word sets kept both ways, so that a few messages can be added or changed
    without going over all the others (the open month's report, issue 15 §5): each message's subject
    words and whole-text words (ids into ``vocabulary``), and each word's messages (positions,
    ascending) for both. ``keys`` and ``marks`` name each message for its keeper (its id and the
    hash of its text, MARK bytes). Packed as arrays of ints, loaded without parsing, and a list is
    unpacked only when read: a view that adds 20 messages to 10,000 reads a few hundred of them."""

    MAGIC, MARK = b"corpus2\n", 8

    def __init__(self, vocabulary: list[str], keys: list[int], marks: list[bytes], lists: list["_Lists"]):
        self.vocabulary, self.keys, self.marks = vocabulary, keys, marks
        self.subjects, self.wholes, self.subject_users, self.whole_users = lists
        self._word_id: dict[str, int] | None = None

    @classmethod
    def of(cls, subjects: list[list[str]], bodies: list[list[str]], keys: list[int], marks: list[bytes]) -> "Corpus":
        corpus = cls([], [], [], [_Lists() for _ in range(4)])
        for key, mark, subject, body in zip(keys, marks, subjects, bodies, strict=True):
            corpus.put(len(corpus.keys), key, mark, subject, body)
        return corpus

    def __len__(self) -> int:
        return len(self.keys)

    def put(self, position: int, key: int, mark: bytes, subject: list[str], body: list[str]) -> None:
        """Set the message at ``position`` (a new one at the end, or one whose text changed)."""
        new_subject, new_whole = self._ids(subject), self._ids(subject + body)
        if position == len(self.keys):
            self.keys.append(key)
            self.marks.append(mark)
            self.subjects.append([])
            self.wholes.append([])
        self.keys[position], self.marks[position] = key, mark
        for sets, users, new in ((self.subjects, self.subject_users, new_subject),
                                 (self.wholes, self.whole_users, new_whole)):
            for word in sets[position]:
                users.mutable(word).remove(position)
            for word in new:
                insort(users.mutable(word), position)  # at the end for a new message: a cheap append
            sets.put(position, new)

    @property
    def word_id(self) -> dict[str, int]:
        if self._word_id is None:
            self._word_id = {word: number for number, word in enumerate(self.vocabulary)}
        return self._word_id

    def _ids(self, words: list[str]) -> list[int]:
        ids = []
        for word in dict.fromkeys(words):
            number = self.word_id.get(word)
            if number is None:
                number = self.word_id[word] = len(self.vocabulary)
                self.vocabulary.append(word)
                self.subject_users.append([])
                self.whole_users.append([])
            ids.append(number)
        return ids

    def reordered(self, keys: list[int]) -> "Corpus":
        """The messages of ``keys`` in that order: those known with their words, the others empty and
        unmarked (to be put); for when a message left the period or came in between others."""
        at = {key: position for position, key in enumerate(self.keys)}
        kept = [at.get(key) for key in keys]
        subjects = [self.subjects[p] if p is not None else [] for p in kept]
        wholes = [self.wholes[p] if p is not None else [] for p in kept]
        lists = [_Lists.of(subjects), _Lists.of(wholes), _Lists.of(_postings(subjects, len(self.vocabulary))),
                 _Lists.of(_postings(wholes, len(self.vocabulary)))]
        return Corpus(self.vocabulary, list(keys), [self.marks[p] if p is not None else b"" for p in kept], lists)

    def word_lists(self) -> tuple[list[list[str]], list[list[str]]]:
        """(subject words, whole-text words) of each message, for a join of all."""
        vocabulary = self.vocabulary
        return ([[vocabulary[w] for w in self.subjects[i]] for i in range(len(self))],
                [[vocabulary[w] for w in self.wholes[i]] for i in range(len(self))])

    def pairs_with(self, new: set[int]) -> set[tuple[int, int]]:
        """Every near-duplicate pair (as near_duplicates finds them) with a message of ``new`` in it."""
        joins = ((self.subjects, self.subject_users, SUBJECT_THRESHOLD, SUBJECT_MINIMUM),
                 (self.wholes, self.whole_users, TEXT_THRESHOLD, TEXT_MINIMUM))
        pairs = set()
        for sets, users, threshold, minimum in joins:
            sizes, used = sets.lengths(), users.lengths()  # so as to unpack only the lists compared
            for i in sorted(new):
                pairs.update(_pairs_of(i, sets, sizes, users, used, threshold, minimum))
        return pairs

    def keywords(self, limit: int) -> list[Keyword]:
        floor, users = keyword_floor(len(self)), self.whole_users
        counted = ((self.vocabulary[w], n, users.head(w, 3)) for w, n in enumerate(users.lengths()) if n >= floor)
        return ranked_keywords(counted, len(self), limit)

    def pack(self) -> bytes:
        if any(len(mark) != self.MARK for mark in self.marks):
            raise ValueError("every message needs its mark to be packed")
        sections = ["\n".join(self.vocabulary).encode(), _bytes(array("q", self.keys)), b"".join(self.marks)]
        for lists in (self.subjects, self.wholes, self.subject_users, self.whole_users):
            sections += lists.pack()
        return self.MAGIC + _bytes(array("q", [len(s) for s in sections])) + b"".join(sections)

    @classmethod
    def unpack(cls, data: bytes) -> "Corpus":
        if not data.startswith(cls.MAGIC):
            raise ValueError("not a packed corpus")
        start = len(cls.MAGIC) + 11 * 8
        sections = []
        for length in _array("q", data[len(cls.MAGIC):start]):
            sections.append(data[start:start + length])
            start += length
        vocabulary = sections[0].decode().split("\n") if sections[0] else []
        marks = [sections[2][n:n + cls.MARK] for n in range(0, len(sections[2]), cls.MARK)]
        lists = [_Lists(_array("I", sections[n]), _array("I", sections[n + 1])) for n in range(3, 11, 2)]
        return cls(vocabulary, _array("q", sections[1]).tolist(), marks, lists)


class _Lists:
    """Lists of ints packed in one array with each one's start (and the end); a list is unpacked when
    read, and kept apart once changed."""

    def __init__(self, starts: array | None = None, flat: array | None = None):
        self.starts, self.flat = starts if starts is not None else array("I", [0]), flat or array("I")
        self.changed: dict[int, list[int]] = {}
        self.size = len(self.starts) - 1

    @classmethod
    def of(cls, lists: list[list[int]]) -> "_Lists":
        result = cls()
        result.changed, result.size = dict(enumerate(lists)), len(lists)
        return result

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> list[int]:
        found = self.changed.get(index)
        if found is not None:
            return found
        if index < len(self.starts) - 1:
            return self.flat[self.starts[index]:self.starts[index + 1]].tolist()
        raise IndexError(index)

    def head(self, index: int, size: int) -> list[int]:
        """The first ``size`` of a list, without unpacking the rest."""
        found = self.changed.get(index)
        if found is not None:
            return found[:size]
        start = self.starts[index]
        return self.flat[start:min(start + size, self.starts[index + 1])].tolist()

    def mutable(self, index: int) -> list[int]:
        if index not in self.changed:
            self.changed[index] = self[index]
        return self.changed[index]

    def put(self, index: int, values: list[int]) -> None:
        self.changed[index] = values

    def append(self, values: list[int]) -> None:
        self.changed[self.size] = values
        self.size += 1

    def lengths(self) -> list[int]:
        starts = self.starts
        lengths = [b - a for a, b in zip(starts, starts[1:])]  # noqa: B905 (starts has one more)
        lengths += [0] * (self.size - len(lengths))
        for index, values in self.changed.items():
            lengths[index] = len(values)
        return lengths

    def pack(self) -> tuple[bytes, bytes]:
        if not self.changed:
            return _bytes(array("I", self.starts)), _bytes(array("I", self.flat))
        lists = [self[index] for index in range(self.size)]
        starts = array("I", [0])
        for values in lists:
            starts.append(starts[-1] + len(values))
        return _bytes(starts), _bytes(array("I", (value for values in lists for value in values)))


def _postings(sets: list[list[int]], words: int) -> list[list[int]]:
    users: list[list[int]] = [[] for _ in range(words)]
    for position, words_of in enumerate(sets):
        for word in words_of:
            users[word].append(position)
    return users


def _pairs_of(i: int, sets: _Lists, sizes: list[int], users: _Lists, used: list[int], threshold: float,
              minimum: int):
    """Pairs of message i at or above the threshold: only the messages holding one of i's prefix words,
    its words used by the fewest messages first (any prefix of that length will do), are compared."""
    x = sets[i]
    if len(x) < minimum:
        return
    ordered = sorted(x, key=lambda w: (used[w], w))
    candidates = set().union(*(users[w] for w in ordered[:_prefix_length(len(x), threshold)]))
    low, high, words = threshold * len(x) - 1e-9, len(x) / threshold + 1e-9, set(x)
    for j in candidates:
        size = sizes[j]
        if j != i and low <= size <= high and size >= minimum:
            common = len(words.intersection(sets[j]))
            if common / (len(x) + size - common) >= threshold:  # as jaccard(), to the last bit
                yield min(i, j), max(i, j)


def _array(kind: str, data: bytes) -> array:
    values = array(kind)
    values.frombytes(data)
    if sys.byteorder != "little":  # packed little-endian, whatever machine reads it
        values.byteswap()
    return values


def _bytes(values: array) -> bytes:
    if sys.byteorder != "little":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()

"""R10.1 hot topics and repeated matters: the similarity join is exact, and on the real messages of
附件3 every subject written more than once is found inside one group."""
import itertools
import random
from collections import defaultdict

import pytest

from portal import textmining
from tests.test_importing import DATA, needs_data


def brute_force(sets, threshold, minimum):
    return {(i, j) for i, j in itertools.combinations(range(len(sets)), 2)
            if min(len(sets[i]), len(sets[j])) >= minimum and textmining.jaccard(sets[i], sets[j]) >= threshold}


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7, 1.0])
def test_the_similarity_join_finds_exactly_the_pairs_a_brute_force_finds(threshold):
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    sets = [set(rng.sample(vocabulary, rng.randint(1, 12))) for _ in range(250)]
    sets += [set(s) for s in sets[:20]]  # exact duplicates too
    assert set(textmining.similar_pairs(sets, threshold, minimum=2)) == brute_force(sets, threshold, 2)


@pytest.mark.parametrize("threshold", [0.5, 0.7, 1.0])
def test_the_pairs_of_a_few_new_sets_are_exactly_those_a_brute_force_finds_with_them(threshold, monkeypatch):
    """What the open month's report adds to the pairs mined before: nothing missed, nothing extra."""
    for name in ("SUBJECT_THRESHOLD", "TEXT_THRESHOLD"):
        monkeypatch.setattr(textmining, name, threshold)
    monkeypatch.setattr(textmining, "SUBJECT_MINIMUM", 2)
    monkeypatch.setattr(textmining, "TEXT_MINIMUM", 2)
    rng = random.Random(11)
    vocabulary = [f"w{n}" for n in range(40)] + ["噪音", "施工", "停车"]  # some known to the background corpus
    sets = [set(rng.sample(vocabulary, rng.randint(1, 12))) for _ in range(250)]
    sets += [set(s) for s in sets[:20]]
    new = set(rng.sample(range(len(sets)), 15)) | {len(sets) - 1}
    corpus = textmining.Corpus.of([sorted(s) for s in sets], [[] for _ in sets], list(range(len(sets))),
                                  [bytes(8)] * len(sets))
    expected = {pair for pair in brute_force(sets, threshold, 2) if new & set(pair)}
    assert corpus.pairs_with(new) == expected


def test_a_corpus_added_to_and_changed_finds_exactly_the_pairs_and_keywords_of_its_texts():
    """The open month's report keeps every message's words as a Corpus and adds a few at each view."""
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(30)] + ["噪音", "施工", "停车", "幼儿园", "收费"]

    def text():
        return rng.sample(vocabulary, rng.randint(1, 5)), rng.sample(vocabulary, rng.randint(0, 10))

    texts = [text() for _ in range(200)]
    texts += texts[:15]  # exact duplicates too
    subjects, bodies = map(list, zip(*texts, strict=True))
    corpus = textmining.Corpus.of(subjects, bodies, list(range(len(texts))), [b"x" * 8] * len(texts))
    corpus = textmining.Corpus.unpack(corpus.pack())  # as the tick stores it and a view loads it
    new = set(rng.sample(range(len(texts)), 10))
    for position in sorted(new):  # texts changed in place …
        texts[position] = text()
        corpus.put(position, position, b"y" * 8, *texts[position])
    for position in range(len(texts), len(texts) + 12):  # … and new ones at the end
        texts.append(texts[rng.randrange(len(texts))] if position % 3 else text())
        corpus.put(position, position, b"z" * 8, *texts[position])
        new.add(position)
    subjects, bodies = [list(s) for s, _ in texts], [list(b) for _, b in texts]
    subject_sets, whole_sets = [set(s) for s in subjects], [set(s) | set(b) for s, b in texts]
    expected = {pair for pair in brute_force(subject_sets, textmining.SUBJECT_THRESHOLD, textmining.SUBJECT_MINIMUM)
                | brute_force(whole_sets, textmining.TEXT_THRESHOLD, textmining.TEXT_MINIMUM) if new & set(pair)}
    assert corpus.pairs_with(new) == expected
    assert textmining.near_duplicates(*corpus.word_lists()) == textmining.near_duplicates(subjects, bodies)
    documents = [s + b for s, b in zip(subjects, bodies, strict=True)]
    assert corpus.keywords(45) == textmining.keywords(documents, limit=45)
    again = textmining.Corpus.unpack(corpus.pack())
    assert [again.wholes[i] for i in range(len(texts))] == [corpus.wholes[i] for i in range(len(texts))]
    assert again.keywords(45) == corpus.keywords(45) and again.pairs_with(new) == expected


def test_words_leave_out_stop_words_masked_places_and_single_characters():
    words = textmining.words("您好，A3区新城小区附近搅拌站噪音扰民的问题")
    assert words == ["新城", "小区", "附近", "搅拌站", "噪音", "扰民"]


def test_keywords_rank_the_matter_of_the_period_above_everyday_words():
    documents = [textmining.words(text) for text in (
        ["丽发新城附近搅拌站噪音扰民，影响居民休息"] * 6 + ["小区停车难，希望增加车位"] * 2 +
        ["学校周边交通拥堵"] * 2)]
    ranked = [k.word for k in textmining.keywords(documents)]
    assert ranked.index("搅拌站") < ranked.index("小区") if "小区" in ranked else "搅拌站" in ranked
    assert "影响" not in ranked[:3]


def test_groups_need_two_members_and_come_largest_first():
    subjects = [textmining.words(s) for s in ("搅拌站噪音扰民", "搅拌站噪音扰民", "搅拌站噪音扰民", "学校周边交通拥堵",
                                              "学校周边交通拥堵", "路灯不亮")]
    assert textmining.similar_groups(subjects, [[] for _ in subjects]) == [[0, 1, 2], [3, 4]]


@needs_data
def test_the_repeated_subjects_of_attachment_3_are_found_as_groups():
    from portal.services.importing import read_rows

    rows = read_rows(DATA / "附件3.xlsx")
    subjects = [textmining.words(row["subject"]) for row in rows]
    bodies = [textmining.words(row["body"]) for row in rows]
    groups = textmining.similar_groups(subjects, bodies)
    group_of = {index: number for number, group in enumerate(groups) for index in group}
    repeated = defaultdict(list)
    for index, row in enumerate(rows):
        repeated[row["subject"].strip()].append(index)
    repeated = [indexes for indexes in repeated.values() if len(indexes) > 1]
    assert len(repeated) == 104  # the data's README: the same subject recurs
    for indexes in repeated:
        assert len({group_of.get(i, -1 - i) for i in indexes}) == 1, rows[indexes[0]]["subject"]
    # and it finds the concentrated matters that are written differently: the 伊景园 parking complaints
    largest = [rows[i]["subject"] for i in groups[0]]
    assert len(largest) >= 15 and all("伊景园" in s or "车位" in s for s in largest)


def test_hot_topics_leave_out_words_that_name_no_matter():
    """Issue 17 §15: 起来、部分、方便、对接、名下 and their kind were listed as hot topics. Every message of the
    month uses them; a third is about the kindergarten fees: only what names a matter is a topic."""
    filler = "孩子上学起来不方便，部分名下对接加上稍微一方面不但放心属实碰到"
    documents = [textmining.words(f"{filler}，{'幼儿园收费标准过高' if n % 3 == 0 else '路面'}") for n in range(30)]
    ranked = [k.word for k in textmining.keywords(documents)]
    assert "幼儿园" in ranked and "收费" in ranked
    junk = {"起来", "部分", "方便", "对接", "名下", "加上", "稍微", "一方面", "不但", "放心", "属实", "碰到"}
    assert junk.isdisjoint(ranked), junk & set(ranked)


@pytest.mark.parametrize(("word", "topical"), [("搅拌站", True), ("低保", True), ("稍微", False), ("一方面", False),
                                               ("哪些", False), ("下一代", False)])
def test_a_word_names_a_matter_by_its_class(word, topical):
    assert (textmining.word_class(word) not in textmining.NOT_A_TOPIC) is topical

"""R11.2 search on the real replies of 附件4 (the bundled sample of portal/demo): quoted phrases
find exactly the texts that contain them, two-character words are found, output is escaped."""
from datetime import datetime

import pytest
import rjieba
from whoosh.fields import TEXT

from portal import search
from portal.demo.sample import load
from portal.extensions import db

PHRASES = ["噪音扰民", "不动产", "公积金", "物业公司", "现答复如下", "城管", "学位", "违章建筑", "停车位", "A3区"]


@pytest.fixture(scope="module")
def corpus():
    rows = [row for row in load() if row["source"] == "附件4.xlsx"]
    return [search.Document(id=i, subject=r["subject"], body=r["body"], reply=r["reply"], unit=f"单位{i % 3}",
                            category=r["category"], topic=r["topic"], channel="website",
                            published=datetime(2020, 1, 1 + i % 28), answered=None) for i, r in enumerate(rows)]


@pytest.fixture(scope="module", params=["whoosh", "postgres"])
def corpus_index(request, apps, corpus, tmp_path_factory):
    """The corpus indexed once per backend (PostgreSQL full text only over PostgreSQL), Whoosh's in a
    folder of its own: every test below runs against both."""
    app = apps["longnan"]
    with app.app_context():
        if request.param == "postgres" and db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    folder, before = tmp_path_factory.mktemp("corpus_index"), dict(app.config)
    app.config.update(SEARCH_INDEX_DIR=str(folder), SEARCH_BACKEND=request.param)
    with app.app_context():
        search.rebuild(corpus)
    yield app
    with app.app_context():
        search.rebuild([])
    app.config.update(SEARCH_INDEX_DIR=before["SEARCH_INDEX_DIR"], SEARCH_BACKEND=before.get("SEARCH_BACKEND", ""))


@pytest.fixture
def indexed(corpus_index, corpus):
    with corpus_index.app_context():
        yield {doc.id: search.normalise(f"{doc.subject}\n{doc.body}\n{doc.reply}") for doc in corpus}


def found(query, **filters):
    return {hit.id for hit in search.search(query, search.Filters(**filters), per_page=10_000).hits}


@pytest.mark.parametrize("phrase", PHRASES)
def test_a_quoted_phrase_finds_exactly_the_texts_containing_it(indexed, phrase):
    truth = {i for i, text in indexed.items() if search.normalise(phrase) in text}
    assert truth, f"the sample should contain {phrase!r}"
    assert found(f"“{phrase}”") == truth
    assert found(f'"{phrase}"') == truth


def test_phrases_cut_anywhere_across_words_are_exact(indexed):
    """Like the benchmark's phrases: 3 to 6 汉字 cut from a text wherever (PostgreSQL looks them up as
    pairs of characters, Whoosh as words): found exactly in the texts holding them in a row."""
    texts = sorted(indexed.items())
    for n in range(0, 40 * 7, 7):
        text = texts[n % len(texts)][1]
        runs = [run for run in search.HAN.findall(text) if len(run) >= 6]
        if not runs:
            continue
        run = runs[n % len(runs)]
        phrase = run[n % (len(run) - 5):][:3 + n % 4]
        assert found(f'"{phrase}"') == {i for i, t in indexed.items() if phrase in t}, phrase


def test_a_phrase_split_by_punctuation_is_not_the_phrase(indexed):
    assert found('"扰民噪音"') == {i for i, text in indexed.items() if "扰民噪音" in text}


def _single_han(indexed, at_run_end: bool) -> list[str]:
    """汉字 of the corpus that, in some text, stand only at the end of a run of 汉字 (before a
    punctuation mark, a digit or a Latin letter) or, with ``at_run_end`` false, only inside runs."""
    chosen = {}
    for i, text in sorted(indexed.items()):
        for run in search.HAN.finditer(text):
            for offset, char in enumerate(run.group()):
                if (offset == len(run.group()) - 1) == at_run_end and char not in chosen:
                    chosen[char] = i
    return sorted(chosen, key=lambda char: (chosen[char], char))[::40][:12]


@pytest.mark.parametrize("at_run_end", [True, False])
def test_a_single_han_character_is_found_wherever_it_stands(indexed, at_run_end):
    """A 汉字 at the end of a run of 汉字 or inside one: alone, beside another word, in a phrase after a
    Latin run, and as a quoted pair (looked up as the pair): found exactly where it stands."""
    for char in _single_han(indexed, at_run_end):
        truth = {i for i, text in indexed.items() if char in text}
        assert truth and found(char) == truth, char
        assert found(f"{char} 的") == {i for i in truth if "的" in indexed[i]}, char
        assert found(f'"a3{char}"') == {i for i, text in indexed.items() if f"a3{char}" in text}, char
        pair = next(run[run.index(char):][:2] for text in map(indexed.get, sorted(truth))
                    for run in search.HAN.findall(text) if char in run[:-1])
        assert found(f'"{pair}"') == {i for i, text in indexed.items() if pair in text}, pair


@pytest.mark.parametrize("word", ["噪音", "城管", "学位", "物业"])
def test_two_character_words_are_found_also_inside_longer_words(indexed, word):
    truth = {i for i, text in indexed.items() if word in text}
    assert truth and found(word) == truth


def test_unquoted_words_are_all_required(indexed):
    both = {i for i, text in indexed.items() if "噪音" in text and "物业" in text}
    assert both and found("噪音 物业") == both


def test_filters_narrow_the_results(indexed, corpus):
    unit0 = {d.id for d in corpus if d.unit == "单位0"}
    assert found("物业", unit="单位0") == {i for i in unit0 if "物业" in indexed[i]}
    early = found("物业", start=datetime(2020, 1, 1), end=datetime(2020, 1, 5))
    assert early and all(corpus[i].published <= datetime(2020, 1, 5) for i in early)


def test_results_are_ranked_paginated_and_counted(indexed):
    pages = [search.search("物业", page=n, per_page=5) for n in range(1, 4)]
    first = pages[0]
    assert first.total > 10 and all(len(p.hits) == 5 and p.total == first.total for p in pages)
    ids = [h.id for p in pages for h in p.hits]
    assert len(set(ids)) == 15, "pages never overlap"
    assert ids == [h.id for h in search.search("物业", per_page=15).hits], "and follow one order"
    assert first.hits[0].score >= first.hits[-1].score and first.pages == -(-first.total // 5)
    assert not search.search("物业", page=first.pages + 1, per_page=5).hits, "past the last page: nothing"


def test_past_the_cap_the_count_says_more_than_and_pages_stop_there(corpus_index, indexed, monkeypatch):
    """A common word is counted up to COUNT_CAP (1,000; 3 here): "超过 3 条", and only those pages."""
    from portal.search import documents, postgres_backend, whoosh_backend

    for module in (documents, postgres_backend, whoosh_backend):
        monkeypatch.setattr(module, "COUNT_CAP", 3)
    first, second = search.search("物业", per_page=2), search.search("物业", page=2, per_page=2)
    assert first.more and first.total_text == "超过 3" and first.pages == 2
    assert len(first.hits) == 2 and len(second.hits) == 1 and not search.search("物业", page=3, per_page=2).hits
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    page = corpus_index.test_client().get("/search?q=物业").get_data(as_text=True)
    assert "找到超过 3 条结果，列出最新的 3 条" in page


def test_past_the_cap_postgresql_finds_the_same_newest_matches_whichever_way_it_looks(corpus_index, corpus, indexed,
                                                                                     monkeypatch):
    """A query with more matches than counted: PostgreSQL looks for its newest in windows of the newest
    entries (here 1 and 3 × what the pages need), or along the date index (a common query), and a word
    the planner expects in far more entries is not counted at all. None of it changes the pages: the
    newest matches, a word's and a phrase's, as a plain search finds them."""
    from portal.search import documents, postgres_backend

    if corpus_index.config["SEARCH_BACKEND"] != "postgres":
        pytest.skip("the windows are PostgreSQL's")
    for module in (documents, postgres_backend):
        monkeypatch.setattr(module, "COUNT_CAP", 3)
    monkeypatch.setattr(postgres_backend, "RANKED", 2)
    sizes, since = [], postgres_backend._since
    monkeypatch.setattr(postgres_backend, "_since", lambda size: sizes.append(size) or since(size))
    ways = {"plain": {"WINDOWS": (), "COMMON": 1.0, "ESTIMATED": 10**9},
            "windows": {"WINDOWS": (1, 3), "COMMON": 1.0, "ESTIMATED": 10**9},
            "by date": {"COMMON": 0.0, "ESTIMATED": 10**9},
            "not counted, by date": {"COMMON": 0.0, "ESTIMATED": 0},
            "not counted, windows": {"WINDOWS": (1, 3), "COMMON": 1.0, "ESTIMATED": 0}}
    for query, text in (("物业", "物业"), ('"物业公司"', "物业公司")):
        newest = sorted((i for i, folded in indexed.items() if text in folded),
                        key=lambda i: (corpus[i].published, i), reverse=True)[:3]
        pages = {}
        for way, settings in ways.items():
            for name, value in settings.items():
                monkeypatch.setattr(postgres_backend, name, value)
            postgres_backend._since_cache.clear()
            results = [search.search(query, page=n, per_page=2) for n in (1, 2)]
            assert all(r.more for r in results)
            pages[way] = [[hit.id for hit in r.hits] for r in results]
        assert all(found == pages["plain"] for found in pages.values()), pages
        first, second = pages["plain"]
        assert set(first) == set(newest[:2]) and second == newest[2:]
    assert sizes[:2] == [2, 6], "page 1 needs the newest 2: windows of the newest 2 and 6 entries"


@pytest.mark.parametrize("way", ["scored in full", "listed, then scored as needed"])
def test_whoosh_lists_in_one_order_whichever_way_it_scores(corpus_index, corpus, indexed, monkeypatch, way):
    """Words expected in more texts than counted are listed unscored and only what the order needs is
    scored, one by one; others are scored in one pass. Either way the scores are those of Whoosh's own
    search and the order PostgreSQL's — by score, newest, number; past the cap the newest RANKED by
    score, then the next newest (hidden entries, filters, several words alike)."""
    from whoosh.query import And, Term

    from portal.search import documents, whoosh_backend

    if corpus_index.config["SEARCH_BACKEND"] != "whoosh":
        pytest.skip("Whoosh's own way")
    searcher = whoosh_backend._searcher()
    expected = {"scored in full": 0.0, "listed, then scored as needed": 1e9}[way]
    monkeypatch.setattr(whoosh_backend, "_expected", lambda searcher, words: expected)

    def whoosh_scores(*words):
        found = searcher.search(And([Term("content", w) for w in words]), limit=None)
        return {int(hit["id"]): round(hit.score, 6) for hit in found}

    def listed(query, hidden=(), **filters):
        pages = [whoosh_backend.search(query, search.Filters(**filters), n, 2, set(hidden)) for n in range(1, 9)]
        return pages[0].total, [(hit.id, round(hit.score, 6)) for page in pages for hit in page.hits]

    def matching(words, unit="", hidden=()):
        return [i for i, folded in indexed.items() if all(w in folded for w in words)
                and (not unit or corpus[i].unit == unit) and i not in hidden]

    rare = next(w for w in ("噪音", "学位", "城管", "公积金") if 3 <= len(matching([w])) <= 14)
    scores = whoosh_scores(rare)
    truth = sorted(matching([rare]), key=lambda i: (-scores[i], -corpus[i].published.timestamp(), -i))
    assert listed(rare) == (len(truth), [(i, scores[i]) for i in truth]), "below the cap: every match by score"

    for module in (documents, whoosh_backend):
        monkeypatch.setattr(module, "COUNT_CAP", 5)
    monkeypatch.setattr(whoosh_backend, "RANKED", 3)
    hidden = sorted(matching(["物业"]), key=lambda i: (corpus[i].published, i))[-2:]
    cases = [("物业", ["物业"], {}, ()), ("物业", ["物业"], {}, hidden),
             ("物业", ["物业"], {"unit": "单位1"}, ()), ("物业 公司", ["物业", "公司"], {}, ())]
    for query, words, filters, hide in cases:
        newest = sorted(matching(words, hidden=hide, **filters), key=lambda i: (corpus[i].published, i),
                        reverse=True)
        scores = whoosh_scores(*words)
        ranked = sorted(newest[:3], key=lambda i: (-scores[i], newest.index(i)))
        total, hits = listed(query, hide, **filters)
        assert total == 6 and hits == [(i, scores[i]) for i in ranked] + [(i, 0.0) for i in newest[3:5]], query


def test_postgresql_takes_a_word_as_more_than_counted_only_alone_unfiltered_and_expected_far_beyond(
        corpus_index, corpus, indexed, monkeypatch):
    """Only a single word without filters, which the planner expects in more than ESTIMATED × COUNT_CAP
    entries, is "超过 1,000" uncounted — and should fewer than a page's worth turn up, their number is the
    count. A phrase, several words, a word with a filter are always counted: the planner takes them as
    independent (a word in one category only, filtered by another, has no match)."""
    from portal.search import postgres_backend

    if corpus_index.config["SEARCH_BACKEND"] != "postgres":
        pytest.skip("the estimates are PostgreSQL's")

    def truth(*texts, unit=""):
        return sum(all(t in folded for t in texts) and (not unit or corpus[i].unit == unit)
                   for i, folded in indexed.items())

    monkeypatch.setattr(postgres_backend, "RANKED", 5)  # page 1 of 10 needs the newest 10
    rare = next(w for w in ("火星", "噪音", "公积金", "学位", "城管") if 0 < truth(w) < 10)
    monkeypatch.setattr(postgres_backend, "ESTIMATED", 0)  # every word expected beyond
    assert truth("物业") >= 10 and search.search("物业", per_page=10).more, "not counted"
    assert search.search('"物业"', per_page=10).more, "a quoted pair is the same lexeme, no position to check"
    assert search.search(rare, per_page=10).total == truth(rare), "fewer than the page needs: their number"
    assert search.search("物业", search.Filters(unit="单位1")).total == truth("物业", unit="单位1")
    assert search.search("物业 噪音").total == truth("物业", "噪音")
    assert search.search('"物业公司"').total == truth("物业公司")
    monkeypatch.setattr(postgres_backend, "ESTIMATED", 10**9)
    assert search.search("物业").total == min(truth("物业"), 1001)


def test_an_empty_result_suggests_the_words_that_do_find_something(indexed):
    results = search.search("物业 火星基地")
    assert results.total == 0
    assert results.suggestions and results.suggestions[0][0] == "物业"
    suggested = [word for word, _ in search.search('"物业的火星基地"').suggestions]
    assert suggested[0] == "物业" and "的" not in suggested
    assert search.analyzer.suggestion_words(["业自冬季来"]) == ["冬季"], "single characters only if that is all"
    assert search.analyzer.suggestion_words(["下有何"]) == ["下", "有", "何"]


def test_snippets_are_highlighted_and_html_escaped(app):
    search.rebuild([search.Document(id=1, subject="<b>噪音</b>扰民", body="夜里<script>alert(1)</script>噪音扰民",
                                    reply="已处理", unit="u", category="c", topic="t", channel="w",
                                    published=datetime(2026, 1, 1), answered=None)])
    hit = search.search('"噪音扰民"').hits[0]
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    assert "<mark>噪音扰民</mark>" in hit.snippet_html
    assert hit.subject_html == "&lt;b&gt;噪音&lt;/b&gt;扰民", "the subject does not hold the phrase in a row"


def test_full_mode_emits_every_dictionary_word_at_its_offset(corpus):
    for doc in corpus[:40]:
        text = search.normalise(doc.reply)
        for run in search.HAN.findall(text):
            expected = {(run[i:j], i) for i in range(len(run)) for j in range(i + 2, min(len(run), i + 8) + 1)
                        if rjieba.has_word(run[i:j])}
            assert expected <= set(search._full_mode(run))


@pytest.mark.parametrize("backend", ["whoosh", "postgres"])
def test_latin_runs_match_whole_and_short_words_inside_longer_ones(app, backend):
    if backend == "postgres" and db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    app.config["SEARCH_BACKEND"] = backend
    try:
        texts = {1: "拨打12345678反映", 2: "请拨打12345热线", 3: "市城管委回复", 4: "城市管理", 5: "it's O'Brien\\路"}
        search.rebuild([search.Document(id=i, subject="留言", body=body, reply="", unit="u", category="c", topic="t",
                                        channel="w", published=datetime(2026, 1, i), answered=None)
                        for i, body in texts.items()])
        assert found("12345") == {2} and found("12345678") == {1}
        assert found("城管") == {3} and found('"城管委"') == {3}
        assert found("o'brien") == {5} and found('"s o"') == {5}, "quotes and backslashes are escaped"
        assert search.search("'\\ & | ! <-> :*").total == len(texts), "no word in it: like no query, no error"
    finally:
        app.config["SEARCH_BACKEND"] = ""


def test_the_index_holds_every_letter_every_pair_and_every_longer_dictionary_word(corpus):
    """index_positions (both backends' tokens) against a brute force: each letter, each pair of 汉字 in
    a row, each dictionary word of 3+ 汉字, at each of its offsets; nothing else."""
    for doc in corpus[:60]:
        text = search.normalise(doc.content)
        expected: dict[str, list[int]] = {}
        for match in search.WORD.finditer(text):
            expected.setdefault(match.group(), []).append(match.start())
        for run in search.HAN.finditer(text):
            chars = run.group()
            for i in range(len(chars)):
                for j in range(i + 2, min(len(chars), i + 8) + 1):
                    if j == i + 2 or rjieba.has_word(chars[i:j]):
                        expected.setdefault(chars[i:j], []).append(run.start() + i)
        got = search.analyzer.index_positions(doc.content)
        assert got == {token: sorted(offsets) for token, offsets in expected.items()}
        assert sorted(search.index_tokens(doc.content)) == sorted((t, o) for t, os in got.items() for o in os)


def test_whoosh_content_postings_are_those_of_its_text_field_with_the_tokenizer(corpus, tmp_path):
    """ChineseText writes its postings straight from index_positions(): the same terms, documents,
    weights and encoded positions, byte for byte, as Whoosh's TEXT analysing with ChineseTokenizer."""
    from whoosh import index as whoosh_index

    from portal.search import whoosh_backend

    def postings(content_field, folder):
        schema = whoosh_backend.schema()
        schema.remove("content")
        schema.add("content", content_field)
        folder.mkdir()
        ix = whoosh_index.create_in(folder, schema)
        with ix.writer() as writer:
            for doc in corpus[:60]:
                writer.add_document(id=str(doc.id), content=doc.content)
        with ix.reader() as reader:
            return [posting for posting in reader.iter_postings() if posting[0] == "content"]

    fast = postings(whoosh_backend.ChineseText(), tmp_path / "fast")
    assert len(fast) > 10_000
    assert fast == postings(TEXT(analyzer=whoosh_backend.ChineseTokenizer(), phrase=True), tmp_path / "text")


def test_a_large_postgresql_rebuild_analyses_in_processes_and_writes_the_same_entries(app, corpus, monkeypatch):
    from sqlalchemy import String, cast, select

    from portal.models import SearchEntry
    from portal.search import postgres_backend

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    app.config["SEARCH_BACKEND"] = "postgres"
    entries = select(SearchEntry.id, SearchEntry.subject, cast(SearchEntry.terms, String)).order_by(SearchEntry.id)
    try:
        search.rebuild(corpus[:60])
        alone = db.session.execute(entries).all()
        monkeypatch.setattr(postgres_backend, "POOL_FROM", 20)  # batches of 20, three of them
        pools = []
        real_pool = postgres_backend._pool
        monkeypatch.setattr(postgres_backend, "_pool", lambda count: pools.append(count) or real_pool(count))
        assert search.rebuild(corpus[:60]) == 60
        assert pools == [20] and db.session.execute(entries).all() == alone
    finally:
        search.rebuild([])
        app.config["SEARCH_BACKEND"] = ""


def test_a_postgresql_search_plans_on_its_own_connections_and_leaves_the_callers_alone(app, corpus):
    from sqlalchemy import text

    from portal.search import postgres_backend

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL full text needs TEST_DATABASE_URL")
    app.config["SEARCH_BACKEND"] = "postgres"
    setting = text("SELECT current_setting('enable_seqscan'), current_setting('enable_bitmapscan')")
    try:
        search.rebuild(corpus[:5])
        before = db.session.execute(setting).one()
        assert search.search("答复").total and db.session.execute(setting).one() == before == ("on", "on")
        with postgres_backend._connection("bitmap") as bitmap, postgres_backend._connection("by date") as by_date:
            assert bitmap.execute(setting).one() == ("off", "on") and by_date.execute(setting).one() == ("off", "off")
    finally:
        search.rebuild([])
        app.config["SEARCH_BACKEND"] = ""


def test_a_whoosh_index_written_before_the_pairs_finds_phrases_by_words_until_rebuilt(app, tmp_path, monkeypatch):
    from whoosh import index as whoosh_index

    from portal.search import whoosh_backend

    before = dict(app.config)
    app.config.update(SEARCH_INDEX_DIR=str(tmp_path), SEARCH_BACKEND="whoosh")
    try:
        doc = search.Document(id=1, subject="留言", body="楼下噪音扰民", reply="", unit="u", category="c", topic="t",
                              channel="w", published=datetime(2026, 1, 1), answered=None)
        old = whoosh_backend.schema()
        old.remove("pairs")
        old.remove("content")  # and the content as Whoosh's TEXT analysed it
        old.add("content", TEXT(analyzer=whoosh_backend.ChineseTokenizer(), phrase=True))

        def old_tokens(text):  # every letter and every dictionary word, no pairs of characters
            text = search.normalise(text)
            return ([(m.group(), m.start()) for m in search.WORD.finditer(text)]
                    + [(word, run.start() + offset) for run in search.HAN.finditer(text)
                       for word, offset in search._full_mode(run.group()) if len(word) > 1])

        whoosh_index.create_in(tmp_path, old)
        with monkeypatch.context() as patched:
            patched.setattr(whoosh_backend, "index_tokens", old_tokens)  # as the tokenizer was
            search.write([doc])
        assert found('"噪音扰民"') == {1} and found('"音扰"') == {1}
        search.rebuild([doc])
        rebuilt = whoosh_backend.open_index().schema
        assert "pairs" in rebuilt and isinstance(rebuilt["content"], whoosh_backend.ChineseText)
        assert found('"噪音扰民"') == {1}
    finally:
        app.config.update(SEARCH_INDEX_DIR=before["SEARCH_INDEX_DIR"], SEARCH_BACKEND=before.get("SEARCH_BACKEND", ""))

"""Confidentiality first (R9.1–R9.3): for messages full of personal data taken through the whole
workflow, nothing public carries any of it — pages, search results and snippets, feeds, public
statistics, the public versions, and the search index files on disk."""
import pytest
from sqlalchemy import select

from portal import search
from portal.extensions import db
from portal.models import PublicVersion
from portal.rules.workflow import Role
from portal.services import publication, rating
from portal.services import redaction as review
from tests.conftest import on
from tests.factories import answered

PEOPLE = [
    {"name": "欧阳娜娜", "phone": "13912345678", "email": "nana.oy@example.com", "id": "110101199003070011",
     "address": "芙蓉路128号5栋2单元301室", "plate": "湘AD12345", "card": "4111 1111 1111 1111"},
    {"name": "司马建国", "phone": "0731-88886666", "email": "simajg@163.com", "id": "430104197805121236",
     "address": "锦绣华庭10栋5单元1653室", "plate": "湘B7K9Q2", "card": "6222 0212 3456 7890 128"},
]
BODY = ("我叫{name}，住在{address}，电话{phone}，身份证号{id}，邮箱{email}。我的车{plate}停在楼下被刮，"
        "保险理赔打到银行卡{card}一直没有到账。小区夜间施工噪音扰民，请尽快处理。")


def _private_strings(person):
    return [person["name"], person["phone"], person["email"], person["id"], person["address"], person["plate"],
            person["card"], person["phone"].replace("-", ""), person["card"].replace(" ", "")]


@pytest.fixture
def published(city):
    messages = []
    for person in PEOPLE:
        message = answered(city, "2026-11-02", category="complaint", body=BODY.format(**person),
                           phone="13800000000")
        p = message.petitioner
        p.name, p.phone, p.email, p.address, p.id_number = (person["name"], person["phone"], person["email"],
                                                           person["address"], person["id"])
        db.session.commit()
        proposal = review.propose(message)  # the reviewer accepts what the engine proposes
        publication.publish(message, actor=city.user(Role.REVIEWER), subject=proposal.public["subject"],
                            body=proposal.public["body"], reply_text=proposal.public["reply"])
        with on("2026-11-05"):
            rating.rate(message, level="satisfied")
        messages.append(message)
    return messages


def test_public_pages_feeds_and_figures_carry_no_personal_data(client, city, published):
    urls = ["/", "/messages", "/units", "/feed.atom", f"/units/{city.units['住建局'].id}/feed.atom",
            "/search?q=噪音扰民", "/search?q=%22噪音扰民%22", "/search?q=银行卡"]
    urls += [f"/messages/{m.id}" for m in published]
    pages = {url: client.get(url).get_data(as_text=True) for url in urls}
    for person in PEOPLE:  # a search page echoes what was typed: that is the searcher's, not a leak
        for typed in (person["name"], person["phone"]):
            pages[f"/search?q={typed}"] = client.get(f"/search?q={typed}").get_data(as_text=True).replace(typed, "")
    assert "噪音扰民" in pages[f"/messages/{published[0].id}"], "the page shows the (masked) message"
    for person in PEOPLE:
        for private in _private_strings(person):
            leaks = [url for url, html in pages.items() if private in html]
            assert not leaks, f"{private} leaks on {leaks}"


def test_searching_for_personal_data_finds_nothing(city, published):
    for person in PEOPLE:
        for private in (person["name"], person["phone"], person["id"], person["email"]):
            assert search.search(f'"{private}"').total == 0, private


def test_the_public_versions_hold_no_personal_data(city, published):
    versions = db.session.scalars(select(PublicVersion)).all()
    text = " ".join(f"{v.subject} {v.body} {v.reply_text}" for v in versions)
    assert len(versions) == 2 and "噪音扰民" in text
    for person in PEOPLE:
        for private in _private_strings(person):
            assert private not in text


def _index_contents() -> str:
    """Everything the index holds, read back through the backend in use: with Whoosh every stored field
    and every term of every field (the files are compressed); with PostgreSQL every column and lexeme."""
    return search.dump()


def test_the_search_index_files_hold_no_personal_data(city, published):
    contents = _index_contents()
    assert "噪音扰民" in contents and "13800000000" not in contents
    for person in PEOPLE:
        for private in _private_strings(person):
            assert private not in contents, private


def test_the_index_scan_would_see_personal_data_if_it_were_there(app):
    """The control: the same scan finds a phone and a name that are indexed."""
    from datetime import datetime

    search.write(add=[search.Document(id=999, subject="对照", body="欧阳娜娜 13912345678", reply="", unit="u",
                                      category="c", topic="t", channel="w", published=datetime(2026, 1, 1),
                                      answered=None)])
    contents = _index_contents()
    assert "13912345678" in contents and "欧阳娜娜" in contents


# --- Issue 12: the same, with personal data written the way citizens really write it ------------

ADVERSARIAL = [
    {"subject": "融科东南海25栋1704室楼上漏水", "phone": "１５９ ８７６５ ４３２１", "canonical_phone": "15987654321",
     "id": "3607 2719 9001 0112 34", "name": "令狐小红", "address": "融科东南海25栋1704室",
     "body": "我叫令狐小红，手机１５９ ８７６５ ４３２１，身份证3607 2719 9001 0112 34，住融科东南海25栋1704室。"
             "邻居谌为民家漏水，微信号：linghu_xh88，QQ：20931477，邮箱 lhxh at sohu.com，"
             "车牌浙e4825c。赔偿请打到卡号95599 80123 45678 9013，户名：令狐小红。",
     "others": ["谌为民", "linghu_xh88", "20931477", "lhxh at sohu.com", "浙e4825c", "9559980123456789013"]},
    {"subject": "麓山名园13-5-104门口乱停车", "phone": "一三九 幺二三四 五六七八", "canonical_phone": "13912345678",
     "id": "４３０１０４１９９００３０７００１１", "name": "本人姚为民", "address": "麓山名园13-5-104",
     "body": "本人姚为民，电话一三九 幺二三四 五六七八，身份证４３０１０４１９９００３０７００１１，"
             "家住麓山名园13-5-104。房东缑强的车皖A-5105A天天堵门，他的电话是+86 137.5740.6817，"
             "vx：goujiang2020，扣扣 88776655。",
     "others": ["姚为民", "缑强", "皖A-5105A", "13757406817", "goujiang2020", "88776655"]},
]


def _canonical(text: str) -> str:
    from portal.rules.normalize import digits_view

    return digits_view(text).text


@pytest.fixture
def published_adversarial(city):
    messages = []
    for person in ADVERSARIAL:
        message = answered(city, "2026-11-02", category="complaint", subject=person["subject"], body=person["body"],
                           phone="13800000000")
        p = message.petitioner
        p.name, p.phone, p.id_number = person["name"].removeprefix("本人"), person["canonical_phone"], person["id"]
        db.session.commit()
        proposal = review.propose(message)  # a hurried reviewer accepts every proposal
        publication.publish(message, actor=city.user(Role.REVIEWER), subject=proposal.public["subject"],
                            body=proposal.public["body"], reply_text=proposal.public["reply"])
        messages.append(message)
    return messages


def _identifying(person) -> list[str]:
    return [person["name"].removeprefix("本人"), person["phone"], person["canonical_phone"], person["id"],
            person["address"], *person["others"]]


def test_adversarial_spellings_reach_no_public_page_feed_search_or_index(client, city, published_adversarial):
    urls = ["/", "/messages", "/feed.atom", "/search?q=漏水", "/search?q=乱停车"]
    urls += [f"/messages/{m.id}" for m in published_adversarial]
    pages = {url: client.get(url).get_data(as_text=True) for url in urls}
    pages["index"] = _index_contents()
    pages["public versions"] = " ".join(f"{v.subject} {v.body} {v.reply_text}"
                                        for v in db.session.scalars(select(PublicVersion)))
    assert "漏水" in pages[f"/messages/{published_adversarial[0].id}"]
    for person in ADVERSARIAL:
        for private in _identifying(person):
            digits = _canonical(private)
            leaks = [where for where, text in pages.items()
                     if private in text or (digits.isdigit() and len(digits) >= 6 and digits in _canonical(text))]
            assert not leaks, f"{private} leaks on {leaks}"


def test_check_public_text_refuses_the_petitioners_own_details_in_any_spelling(city, published_adversarial):
    from portal.services.common import DomainError

    message = published_adversarial[0]
    for spelling in ("１５９８７６５４３２１", "一五九八七六五四三二一", "159-8765-4321", "+86 15987654321",
                     "360727199001011234", "令 狐小红"):
        with pytest.raises(DomainError, match="诉求人本人的信息"):
            review.check_public_text(message, {"body": f"请联系{spelling}。"})

"""The units and staff a complaint is about never read the complainant (R9.2, LN 第十九条, CZ 第十二条):
not in the panel, the title, the text, the replies, the attachments' names or the timeline; the office
marks or changes them at any time; it calls the complainant for them."""
import pytest

from portal.extensions import db
from portal.models import Attachment, Event
from portal.rules.workflow import Role
from portal.services import DomainError, confidentiality, handling, intake
from tests.conftest import on
from tests.factories import assigned, reply
from tests.test_admin import act, sign_in

NAME, PHONE, ADDRESS = "欧阳向阳", "13812345678", "融科东南海25栋1704室"
# The complainant's own details as people write them, inside the text the accused unit would read.
SUBJECT = f"投诉住建局工作人员推诿（{NAME}）"
BODY = (f"我叫欧阳向阳，住{ADDRESS}。住建局的王科长三次推诿，请联系我：１３８１２３４５６７８，"
        "或 138.1234.5678，也可打一三八一二三四五六七八，微信号：oyxy_2020，QQ：20201234。")
SPELLINGS = (NAME, PHONE, "１３８１２３４５６７８", "138.1234.5678", "一三八一二三四五六七八", ADDRESS, "oyxy_2020",
             "20201234")


def complaint(city, day="2026-11-23", **kwargs):
    return assigned(city, day, subject=SUBJECT, body=BODY, name=NAME, phone=PHONE, **kwargs)


def mark(city, message, units=(), staff=(), note="投诉该单位工作人员推诿"):
    confidentiality.mark_complaint(message, actor=city.user(Role.DISPATCHER), units=[city.units[u] for u in units],
                                   staff=list(staff), note=note)


def assert_nothing_identifying(page: str):
    leaked = [value for value in SPELLINGS if value in page]
    assert not leaked, leaked


def test_the_office_marks_later_and_the_unit_then_reads_nothing_identifying(client, city):
    message = complaint(city)
    handler = city.user(Role.HANDLER, "住建局")
    sign_in(client, handler)
    assert NAME in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)  # not marked yet

    mark(city, message, units=["住建局"])
    for who in (handler, city.user(Role.DEPUTY_HEAD, "住建局"), city.user(Role.PRINCIPAL_HEAD, "住建局")):
        sign_in(client, who)
        page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
        assert_nothing_identifying(page)
        assert "诉求人信息已对被投诉单位屏蔽" in page and "［号码已屏蔽］" in page and "［姓名已屏蔽］" in page
        assert "王科长三次推诿" in page  # the substance of the complaint stays readable
        queue = client.get("/admin/?queue=all").get_data(as_text=True)
        assert message.tracking_no in queue
        assert_nothing_identifying(queue)
        assert client.post(f"/admin/messages/{message.id}/reveal").status_code == 403
    sign_in(client, city.user(Role.DISPATCHER))  # the office's queue shows whom the complaint is about
    assert 'title="投诉对象：住建局">投诉单位</span>' in client.get("/admin/?queue=all").get_data(as_text=True)
    event = db.session.query(Event).filter_by(message_id=message.id, kind="mark_complaint").one()
    assert event.data["units"] == ["住建局"] and event.actor_id == city.user(Role.DISPATCHER).id


def test_several_units_and_named_staff_are_shielded_and_others_are_not(client, city):
    message = complaint(city, co_units=("生态环境局", "A3区"))
    named = city.user(Role.HANDLER, "A3区")
    mark(city, message, units=["住建局", "生态环境局"], staff=[named])
    for who in (city.user(Role.HANDLER, "住建局"), city.user(Role.HANDLER, "生态环境局"), named):
        sign_in(client, who)
        assert_nothing_identifying(client.get(f"/admin/messages/{message.id}").get_data(as_text=True))
    sign_in(client, city.user(Role.DEPUTY_HEAD, "A3区"))  # a colleague of the named person is not accused
    assert NAME in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    sign_in(client, city.user(Role.DISPATCHER))
    assert NAME in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)

    mark(city, message, note="经核实不涉及该单位，取消标记")  # the office may clear it again
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    assert NAME in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)


def test_the_mark_is_the_offices_and_names_only_units_staff(city):
    message = complaint(city)
    with pytest.raises(DomainError) as refused:
        confidentiality.mark_complaint(message, actor=city.user(Role.PRINCIPAL_HEAD, "住建局"), units=[], staff=[],
                                       note="撤销")
    assert refused.value.status_code == 403
    with pytest.raises(DomainError, match="承办单位的工作人员"):
        mark(city, message, staff=[city.user(Role.REVIEWER)])
    with pytest.raises(DomainError, match="请填写标记依据"):
        mark(city, message, units=["住建局"], note=" ")


def test_marking_through_the_message_page_keeps_what_was_typed_on_a_refusal(client, city):
    message = complaint(city)
    sign_in(client, city.user(Role.DISPATCHER))
    unit_id = str(city.units["住建局"].id)
    refused = act(client, message, "mark_complaint", complained_units=unit_id, note="")
    assert refused.status_code == 422 and "请填写标记依据" in refused.get_data(as_text=True)
    done = act(client, message, "mark_complaint", complained_units=unit_id,
               complained_staff=str(city.user(Role.HANDLER, "A3区").id), note="投诉住建局")
    assert done.status_code == 302
    db.session.refresh(message)
    assert message.shielded_from() == (frozenset({city.units["住建局"].id}),
                                       frozenset({city.user(Role.HANDLER, "A3区").id}))


def test_replies_timeline_and_attachment_names_are_masked_and_citizen_files_withheld(client, city):
    message = complaint(city, co_units=("生态环境局",))
    co_unit = city.user(Role.HANDLER, "生态环境局")
    handling.add_attachment(message, actor=co_unit, filename=f"{NAME}的现场照片.pdf",
                            content_type="application/pdf", data=b"%PDF-1.4 test", purpose="other")
    handling.submit_co_opinion(message, actor=co_unit, text=f"已联系{NAME}（{PHONE}），核实情况属实。")
    mark(city, message, units=["住建局"], note=f"{NAME}投诉住建局")
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert_nothing_identifying(page)
    assert "已联系［姓名已屏蔽］（［号码已屏蔽］）" in page
    assert "不向被投诉单位提供" in page  # another's file may show the complainant: listed, not served
    attachment = db.session.query(Attachment).filter_by(message_id=message.id).one()
    assert client.get(f"/admin/attachments/{attachment.id}").status_code == 403


def test_searching_a_queue_cannot_probe_for_the_complainant(client, city):
    shielded, plain = complaint(city), complaint(city, unit="住建局")
    mark(city, shielded, units=["住建局"])
    sign_in(client, city.user(Role.HANDLER, "住建局"))
    found = client.get("/admin/", query_string={"queue": "all", "q": NAME}).get_data(as_text=True)
    assert plain.tracking_no in found and shielded.tracking_no not in found


def test_the_office_calls_the_complainant_for_the_accused_lead_unit(client, city):
    """LN: the 2-WD contact duty stands, but the accused unit may not call; the office does."""
    message = complaint(city)
    mark(city, message, units=["住建局"])
    handler = city.user(Role.HANDLER, "住建局")
    with pytest.raises(DomainError, match="平台办公室") as refused:
        handling.record_contact(message, actor=handler, note="已电话联系")
    assert refused.value.status_code == 403
    sign_in(client, handler)
    assert 'id="act-record_contact"' not in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    sign_in(client, city.user(Role.DISPATCHER))
    assert 'id="act-record_contact"' in client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    with on("2026-11-24"):
        handling.record_contact(message, actor=city.user(Role.DISPATCHER), note="平台办公室已电话联系诉求人")
    assert message.lead_assignment().first_contact_at is not None
    with on("2026-11-25"):
        reply(city, message)  # the unit's reply is no longer held up by a call it may not make


def test_the_office_does_not_call_for_a_unit_that_is_not_accused(city):
    message = complaint(city)
    with pytest.raises(DomainError, match="由承办单位负责"):
        handling.record_contact(message, actor=city.user(Role.DISPATCHER), note="已联系")


@pytest.mark.parametrize("policy_name", ["chizhou"])
def test_cz_the_accused_unit_submits_its_result_without_a_visit_it_may_not_make(city):
    """CZ 第九条(七) wants the unit's visit noted in its result; for the accused unit the office visits."""
    plain, accused = complaint(city), complaint(city)
    mark(city, accused, units=["住建局"])
    with on("2026-11-25"):
        with pytest.raises(DomainError, match="回访"):
            reply(city, plain, visit_note="")
        reply(city, accused, visit_note="")
    assert accused.replies[-1].visit_note == ""


def test_accepting_with_the_unit_complained_about_marks_it(city):
    with on("2026-11-23"):
        message, _ = intake.submit_message(category="complaint", subject=SUBJECT, body=BODY, name=NAME, phone=PHONE,
                                           publish_consent=True, consent=True, region="A3区")
        intake.accept(message, actor=city.user(Role.OPERATOR), about_unit=city.units["住建局"])
    assert message.shielded_from()[0] == frozenset({city.units["住建局"].id})

"""R9.1 publication decisions and R4.4/R8.2 supervision, through the services."""
from datetime import date

import pytest

from portal.models import PublicVersion
from portal.rules.workflow import Role, Status
from portal.services import DomainError, Forbidden, NotFound, publication, supervision
from tests.conftest import on
from tests.factories import answered, assigned

D = date.fromisoformat


def publish(city, message):
    return publication.publish(message, actor=city.user(Role.REVIEWER), subject="小区噪音", body="夜间施工噪音。",
                               reply_text="已停止夜间施工。")


def test_nothing_is_published_before_it_is_answered(city):
    message = assigned(city, "2026-11-02")
    with pytest.raises(Forbidden, match="不能执行“公开发布”"):
        publish(city, message)


def test_the_reviewed_public_version_is_stored_apart_from_the_original(city):
    message = answered(city, "2026-11-02", category="consult")
    original = message.body
    public = publish(city, message)
    assert message.publication == "published" and message.published_at is not None
    assert isinstance(public, PublicVersion) and message.body == original
    publication.hide(message, actor=city.user(Role.REVIEWER), reason="涉及个人隐私")
    assert message.publication == "hidden" and message.publication_note == "涉及个人隐私"


def test_the_citizens_choice_not_to_publish_is_respected(city):
    message = answered(city, "2026-11-02", category="consult", publish_consent=False)
    with pytest.raises(DomainError, match="选择了不公开"):
        publish(city, message)
    publication.withhold(message, actor=city.user(Role.REVIEWER), reason="诉求人不同意公开")
    assert message.publication == "withheld"


def test_only_the_reviewer_publishes(city):
    message = answered(city, "2026-11-02", category="consult")
    with pytest.raises(Forbidden):
        publication.publish(message, actor=city.user(Role.DISPATCHER), subject="s", body="b", reply_text="r")


@pytest.mark.parametrize("policy_name", ["longnan", "chizhou"])
def test_a_leader_instruction_opens_a_supervision_case_by_the_date_the_leader_set(city, policy_name):
    message = assigned(city, "2026-11-02")
    with on("2026-11-06"):  # Friday
        with pytest.raises(DomainError, match="办结期限"):
            supervision.record_instruction(message, actor=city.user(Role.SUPERVISOR), leader_name="王市长",
                                           text="请住建局三日内拿出解决方案。", instructed_on=D("2026-11-06"))
        instruction = supervision.record_instruction(message, actor=city.user(Role.SUPERVISOR), leader_name="王市长",
                                                     text="请住建局三日内拿出解决方案。", instructed_on=D("2026-11-06"),
                                                     due_date=D("2026-11-10"))
    from portal.extensions import db
    from portal.models import SupervisionCase

    case = db.session.query(SupervisionCase).one()
    assert case.instruction_id == instruction.id and case.reason == "instruction"
    assert case.unit.name == "住建局" and case.due_date == D("2026-11-10")
    with pytest.raises(NotFound):
        supervision.answer_case(case, actor=city.user(Role.HANDLER, "A3区"), answer="x")
    supervision.answer_case(case, actor=city.user(Role.HANDLER, "住建局"), answer="已制定方案")
    supervision.close_case(case, actor=city.user(Role.SUPERVISOR))
    assert case.closed_at is not None and message.status == Status.ASSIGNED


def test_a_case_needs_a_reason_and_method_from_the_preset(city):
    message = assigned(city, "2026-11-02")
    with pytest.raises(DomainError, match="督办事由"):
        supervision.open_case(message, actor=city.user(Role.SUPERVISOR), reason="whim", method="notice")
    case = supervision.open_case(message, actor=city.user(Role.SUPERVISOR), reason="overdue", method="notice")
    assert case.method == "notice"

"""R9.1/R9.3 the publication review: proposal, unmasking, manual masks, admin rules, last check."""
import pytest

from portal.models import Message
from portal.rules.workflow import Role
from portal.services import DomainError, publication
from portal.services import redaction as review
from tests.factories import answered


def _with_text(city, body, **kwargs):
    message = answered(city, "2026-11-02", category="consult", body=body, **kwargs)
    message.petitioner.name = "欧阳娜娜"
    return message


def test_the_proposal_masks_detected_data_and_the_petitioners_own(city):
    message = _with_text(city, "我是欧阳娜娜，住芙蓉路128号5栋301室，邻居王强也受影响，电话13812345678。")
    proposal = review.propose(message)
    assert proposal.public["body"] == "我是欧***，住[地址已隐去]，邻居王*也受影响，电话138****5678。"
    assert proposal.originals["body"] == message.body, "the original is never altered"


def test_unmask_a_false_positive_and_mask_a_missed_word(city):
    message = _with_text(city, "邻居王强说，保安小刘天天打牌。")
    wang = next(s for s in review.propose(message).spans["body"] if s.text == "王强")
    liu = message.body.index("小刘")
    proposal = review.propose(message, unmask={("body", wang.start, wang.end)}, extra=[("body", liu, liu + 2)])
    assert proposal.public["body"] == "邻居王强说，保安**天天打牌。"


def test_nothing_with_the_petitioners_details_is_published(city):
    message = _with_text(city, "我叫欧阳娜娜。")
    with pytest.raises(DomainError, match="仍有诉求人本人的信息"):
        publication.publish(message, actor=city.user(Role.REVIEWER), subject="s", body="我叫欧阳娜娜。",
                            reply_text="r")
    with pytest.raises(DomainError, match="仍有诉求人本人的信息"):
        publication.publish(message, actor=city.user(Role.REVIEWER), subject="s", body="电话 138-1234-5678",
                            reply_text="r")
    assert message.publication == "pending"


@pytest.mark.parametrize(("policy_name", "masked"), [("longnan", "张**"), ("chizhou", "张某")])
def test_each_preset_masks_names_its_way(city, policy_name, masked):
    message = answered(city, "2026-11-02", category="consult", body="联系人：张小明。")
    assert review.propose(message).public["body"] == f"联系人：{masked}。"


def test_admin_rules_apply_by_scope_with_their_replacement(city):
    one = answered(city, "2026-11-02", category="consult", body="涉及红星公司和蓝天公司。")
    other = answered(city, "2026-11-02", category="consult", body="涉及红星公司和蓝天公司。", unit="A3区")
    admin = city.user(Role.ADMIN)
    review.add_rule(pattern="红星公司", is_regex=False, replacement="某公司", scope="all", reason="商业秘密",
                    actor=admin)
    review.add_rule(pattern="蓝.公司", is_regex=True, replacement="[企业]", scope="unit", reason="调查中",
                    unit_id=city.units["住建局"].id, actor=admin)
    assert review.propose(one).public["body"] == "涉及某公司和[企业]。"
    assert review.propose(other).public["body"] == "涉及某公司和蓝天公司。"
    with pytest.raises(DomainError, match="正则表达式有误"):
        review.add_rule(pattern="(", is_regex=True, replacement="", scope="all", reason="x", actor=admin)
    with pytest.raises(DomainError, match="请填写理由"):
        review.add_rule(pattern="x", is_regex=False, replacement="", scope="all", reason="", actor=admin)


def test_the_review_page_shows_spans_and_publishes_the_reviewed_text(client, city):
    from tests.test_admin import sign_in

    message = _with_text(city, "我是欧阳娜娜，邻居王强也受影响。")
    sign_in(client, city.user(Role.REVIEWER))
    page = client.get(f"/admin/messages/{message.id}/review").get_data(as_text=True)
    assert "诉求人信息：欧阳娜娜" in page and "姓名：王强" in page and "我是欧***，邻居王*也受影响。" in page
    wang = message.body.index("王强")
    kept = client.post(f"/admin/messages/{message.id}/review", data={"step": "preview", "mask": ["body:2:6"]})
    assert "我是欧***，邻居王强也受影响。" in kept.get_data(as_text=True), wang
    refused = client.post(f"/admin/messages/{message.id}/review", data={
        "step": "publish", "version": message.version, "subject": "s", "body": "我是欧阳娜娜", "reply": "r"})
    assert refused.status_code == 422 and "我是欧阳娜娜" in refused.get_data(as_text=True)
    client.post(f"/admin/messages/{message.id}/review", data={
        "step": "publish", "version": message.version, "subject": "小区噪音", "body": "我是欧***，邻居王强也受影响。",
        "reply": "已处理。"})
    public = client.get(f"/messages/{message.id}").get_data(as_text=True)
    assert "我是欧***，邻居王强也受影响。" in public and "欧阳娜娜" not in public
    from portal.extensions import db

    assert db.session.get(Message, message.id).body == "我是欧阳娜娜，邻居王强也受影响。"

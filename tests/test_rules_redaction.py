"""R9.3 personal-data detection and masking: the detectors table by table, and the targets of
issue 5 on the labelled set of real messages (tests/redaction_corpus.py)."""
import pytest

from bench.redaction_quality import evaluate
from portal.rules.redaction import Style, detect, id_checksum_ok, luhn_ok, mask
from tests.redaction_corpus import build


def found(text, **kwargs):
    return [(s.type, s.text) for s in detect(text, **kwargs)]


@pytest.mark.parametrize(("text", "expected"), [
    ("电话13812345678。", [("phone", "13812345678")]),
    ("电话138-1234-5678。", [("phone", "138-1234-5678")]),
    ("电话+86 138 1234 5678。", [("phone", "+86 138 1234 5678")]),
    ("请拨0731-88886666。", [("phone", "0731-88886666")]),
    ("证书号0000-00000000。", []),  # the data set's own placeholder
    ("身份证110101199003070011。", [("id_number", "110101199003070011")]),
    ("身份证110101199003070012。", [("id_number", "110101199003070012")]),  # mistyped, but said to be an ID
    ("编码110101199003070012。", []),  # wrong checksum and no cue
    ("老身份证430104780512123。", [("id_number", "430104780512123")]),
    ("卡号6222 0212 3456 7890 127。", [("bank_card", "6222 0212 3456 7890 127")]),  # fails Luhn, said to be a card
    ("编号6222 0212 3456 7890 127。", []),  # fails Luhn and no cue
    ("邮箱 li.ming@163.com。", [("email", "li.ming@163.com")]),
    ("车牌湘A12345、湘AD12345和粤B·F1234X。", [("plate", "湘A12345"), ("plate", "湘AD12345"), ("plate", "粤B·F1234X")]),
    ("家住芙蓉路128号5栋2单元301室。", [("address", "芙蓉路128号5栋2单元301室")]),
    ("锦绣华庭10栋5单元1653室漏水。", [("address", "锦绣华庭10栋5单元1653室")]),
    ("潇楚南路从2018年开始修。", []),  # a street without a house number is where the matter is
])
def test_detectors(text, expected):
    assert found(text) == expected


def test_checksums():
    assert id_checksum_ok("11010119900307001" + "1") and not id_checksum_ok("110101199003070012")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert found("卡号4111 1111 1111 1111。") == [("bank_card", "4111 1111 1111 1111")]


@pytest.mark.parametrize(("text", "names"), [
    ("我叫张伟，反映噪音。", ["张伟"]),
    ("联系人：王秀英女士。", ["王秀英"]),
    ("邻居孙涛也受影响。", ["孙涛"]),
    ("业主王强多次反映无果。", ["王强"]),
    ("我和诸葛平俊女士一起去问过。", ["诸葛平俊"]),
    ("举报人：邱林松 2018年", ["邱林松"]),
    ("感谢胡书记关心。", []),  # a surname and a title is nobody's name
    ("业主车辆停放收费。", []),
    ("老人和小孩没有活动场地。", []),
    ("向阳路林森小区门口。", []),
    ("岳麓区麓谷大道。", []),
    ("许可证和安全法。", []),
])
def test_names_with_cues_and_not_places(text, names):
    assert [t for kind, t in found(text) if kind == "name"] == names


def test_the_petitioners_own_details_in_any_spelling():
    text = "我是欧阳娜娜，手机138 1234 5678，邮箱NANA@EXAMPLE.COM。"
    spans = found(text, petitioner=["欧阳娜娜", "13812345678", "nana@example.com"])
    assert [t for _, t in spans] == ["欧阳娜娜", "138 1234 5678", "NANA@EXAMPLE.COM"]


def test_admin_rules_add_to_the_detectors():
    assert found("这是内部代号X-17的事。", rules=[("X-\\d+", True)]) == [("rule", "X-17")]
    assert found("涉及某某公司。", rules=[("某某公司", False)]) == [("rule", "某某公司")]


@pytest.mark.parametrize(("style", "expected"), [
    (Style(name="surname_stars"), "我叫张**，电话138****5678，身份证1101**********0011，住[地址已隐去]。"),
    (Style(name="surname_mou"), "我叫张某，电话138****5678，身份证1101**********0011，住[地址已隐去]。"),
])
def test_masking_keeps_the_text_readable(style, expected):
    text = "我叫张小明，电话13812345678，身份证110101199003070011，住芙蓉路128号5栋301室。"
    assert mask(text, detect(text), style) == expected


def test_the_presets_set_the_style():
    from portal.rules.policy import load_policy

    assert load_policy("longnan").redaction.name == "surname_stars"
    assert load_policy("chizhou").redaction.name == "surname_mou"


@pytest.fixture(scope="module")
def quality():
    found_, labelled, right, detected = evaluate(build(320))
    return {k: (found_[k] / labelled[k], right[k] / detected[k]) for k in labelled}, sum(right.values()) / sum(
        detected.values())


@pytest.mark.parametrize(("kind", "recall"), [
    ("phone", 0.99), ("id_number", 0.99), ("bank_card", 0.99), ("email", 0.99), ("plate", 0.99),
    ("name", 0.90), ("address", 0.90)])
def test_recall_targets_on_the_labelled_set(quality, kind, recall):
    assert quality[0][kind][0] >= recall


def test_precision_target_on_the_labelled_set(quality):
    assert quality[1] >= 0.90

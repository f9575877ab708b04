"""The presets carry the regulations' numbers (R2–R8); code never hard-codes them."""
import pytest

from portal.rules.policy import PolicyError, load_policy

CZ, LN = load_policy("chizhou"), load_policy("longnan")


@pytest.mark.parametrize(("category", "contact", "decision", "close", "from_decision"), [
    ("consult", 0, 0, 2, False),     # LN 第十三条(一)
    ("complaint", 2, 0, 5, False),   # (二)
    ("report", 0, 2, 10, True),      # (三)
    ("help", 2, 0, 5, False),        # (四)
    ("suggestion", 2, 0, 5, False),  # (五)
    ("other", 2, 0, 5, False),       # (六)
])
def test_longnan_deadlines_per_category(category, contact, decision, close, from_decision):
    rule = LN.deadline(category)
    assert (rule.contact, rule.decision, rule.close, rule.close_counts_from_decision) == (
        contact, decision, close, from_decision)


@pytest.mark.parametrize("category", ["consult", "complaint", "report", "help", "suggestion", "other"])
def test_chizhou_closes_every_category_in_seven_working_days(category):
    assert CZ.deadline(category).close == 7  # CZ 第九条(三)


@pytest.mark.parametrize(("policy", "count", "approver", "cap", "notifies", "emergencies"), [
    (CZ, 1, "dispatcher", 15, True, False),   # CZ 第九条(三): signed by the 分管负责同志, granted by the office
    (LN, 2, "dispatcher", 0, True, True),      # LN 第十四条
])
def test_extension_rules(policy, count, approver, cap, notifies, emergencies):
    assert (policy.extension_max_count, policy.extension_approver, policy.extension_cap_workdays,
            policy.extension_notifies_citizen, policy.extension_excludes_emergencies) == (
        count, approver, cap, notifies, emergencies)


@pytest.mark.parametrize(("policy", "national", "provincial", "city"), [
    (CZ, "principal_head", "principal_head", "deputy_head"),  # CZ 第九条(五)
    (LN, "deputy_head", "deputy_head", "deputy_head"),
])
def test_signoff_level_by_channel_level(policy, national, provincial, city):
    assert [policy.signoff_role(level) for level in ("national", "provincial", "city")] == [
        national, provincial, city]


def test_channels_and_scope_lists_follow_the_articles():
    assert [c.name for c in CZ.channels][:2] == ["国务院“互联网+督查”平台", "省长信箱"]  # CZ 第一条
    assert {c.code for c in LN.channels} == {"website", "wechat", "hotline"}      # LN 第六条
    assert (len(CZ.accepted_kinds), len(LN.accepted_kinds)) == (5, 7)            # R2.1
    assert (len(CZ.out_of_scope), len(LN.out_of_scope)) == (3, 11)               # R2.2
    assert all(reason.guidance for reason in CZ.out_of_scope + LN.out_of_scope)  # R2.3


def test_redo_and_rating_levels():
    for policy in (CZ, LN):
        assert [r.text for r in policy.ratings] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
        assert policy.redo_ratings == ("unsatisfied", "very_unsatisfied")
    assert (LN.redo_window_workdays, LN.redo_max_rounds) == (5, 1)  # LN 第十七条
    assert CZ.redo_max_rounds == 0  # R7.2: CZ has no rating-triggered redo
    assert CZ.extension_requesters == ("deputy_head", "principal_head")  # CZ 第九条(三)


def test_longnan_warning_thresholds_and_deductions():
    levels = [(w.level, w.overdue_workdays, w.notify, w.points) for w in LN.warning_levels]
    assert levels == [("blue", 1, "handler", 0.5), ("yellow", 2, "deputy_head", 1.0),
                      ("red", 4, "principal_head", 3.0), ("inspection", 7, "supervisor", 0.0)]


def test_unknown_preset_is_refused_with_the_choices():
    with pytest.raises(PolicyError, match="chizhou、longnan"):
        load_policy("beijing")

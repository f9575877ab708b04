"""The policy preset in force: every number and list of R2–R8, read from presets/<name>.toml.

Code asks the policy; it never hard-codes a deadline. Unknown or malformed presets fail
at start-up with a message that names the file and the key.
"""
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from . import DomainError
from .assessment import Weights
from .redaction import Style
from .warnings import LEVEL_ORDER, WarningLevel, label_of

PRESETS = ("chizhou", "longnan")
CHANNEL_LEVELS = ("national", "provincial", "city")
PROPOSAL_TRIGGERS = ("overdue", "unsatisfied_after_redo", "instruction", "cluster")
UNIT_ROLES = ("handler", "deputy_head", "principal_head")
DEDUCTION_RULES = {"each_level": "逐级累计扣分（超期升级时，所经各级预警的扣分累加）",
                   "highest_level": "按最高一级扣分（同一事项只扣所达最高一级预警的分）"}
TRANSFER_CLOCKS = {"fresh": "转办后重新计算办理期限", "carried": "转办后沿用原办理期限"}
ADDRESSEES = {"governor": "省长", "mayor": "市长"}
CHANNEL_LEVEL_LABELS = {"national": "国家级", "provincial": "省级", "city": "市级"}


class PolicyError(DomainError):
    """A preset that cannot be used, or a code that the preset does not know."""


@dataclass(frozen=True)
class Channel:
    code: str
    name: str
    level: str
    # A board where a message is addressed to a leader (人民网: 省长 or 市长, CZ 第一条 "给省长或市长留言"):
    # the level, and so the sign-off, follows the leader it was addressed to.
    addressees: dict[str, str] = field(default_factory=dict)

    def level_for(self, addressee: str | None) -> str:
        if not self.addressees:
            return self.level
        if addressee not in self.addressees:
            raise PolicyError(f"请选择{self.name}留言的对象（{'或'.join(ADDRESSEES[a] for a in self.addressees)}）。")
        return self.addressees[addressee]


@dataclass(frozen=True)
class Choice:
    code: str
    text: str
    guidance: str = ""  # for out-of-scope reasons: where the citizen should turn instead


@dataclass(frozen=True)
class Deadline:
    """R3: working days from assignment. 0 means the category has no such step."""

    contact: int
    decision: int
    close: int
    close_counts_from_decision: bool


@dataclass(frozen=True)
class Policy:
    name: str
    city: str
    office: str
    regulation: str
    tracking_prefix: str
    web_channel: str
    channels: tuple[Channel, ...]
    categories: tuple[Choice, ...]
    accepted_kinds: tuple[str, ...]
    out_of_scope: tuple[Choice, ...]
    deadlines: dict[str, Deadline]
    extension_max_count: int
    extension_approver: str
    extension_cap_workdays: int  # 0: no cap on the total
    extension_max_days: int
    extension_notifies_citizen: bool
    extension_excludes_emergencies: bool
    extension_requesters: tuple[str, ...]  # who in the unit signs the application (CZ: 分管负责同志)
    return_window_workdays: int
    redo_window_workdays: int
    reopen_workdays: int  # R12.6: the fresh clock of a matter the office reopens
    answer_on_call_categories: tuple[str, ...]  # R12.2: what an operator may answer during the call
    transfer_clock: str  # R12.3: fresh (a new period from the transfer day) / carried (the old deadline)
    redo_max_rounds: int
    ratings: tuple[Choice, ...]
    redo_ratings: tuple[str, ...]
    signoff_role_by_level: dict[str, str]
    follow_up_required: bool  # the office records a visit before 办结
    follow_up_in_reply: bool  # CZ 第九条(七): the unit visits and notes it in the result it submits
    settle_reasons: tuple[Choice, ...]  # CZ 第九条(六) second paragraph: closed without assigning again
    rating_window_days: int  # calendar days after the citizen is told within which a rating counts
    remind_before_workdays: int
    urgent_deadline: Deadline  # R12.7: the most an urgent (突发) matter may take per step
    urgent_remind_before_workdays: int
    supervision_workdays: int
    supervision_reasons: tuple[Choice, ...]
    supervision_methods: tuple[Choice, ...]
    supervision_finish_workdays: dict[str, int]  # method → working days to finish; others: the date set
    warning_levels: tuple[WarningLevel, ...]
    redaction: Style
    assessment_weights: Weights
    assessment_min_answered: int  # a unit answering fewer in the period is not scored or ranked
    warning_deductions: str  # each_level (0.5 + 1 + 3 for an item that reached red) / highest_level (3)
    satisfied_ratings: tuple[str, ...]
    proposal_reasons: dict[str, str]  # trigger (overdue, unsatisfied_after_redo, instruction, cluster) → reason
    cluster_size: int
    cluster_days: int

    def channel(self, code: str) -> Channel:
        for channel in self.channels:
            if channel.code == code:
                return channel
        raise PolicyError(f"未知的来源渠道：{code}")

    def deadline(self, category: str, urgent: bool = False) -> Deadline:
        """The category's deadlines; an urgent (突发) matter's are shortened to the preset's (R12.7)."""
        try:
            rule = self.deadlines[category]
        except KeyError:
            raise PolicyError(f"未知的诉求类别：{category}") from None
        if not urgent:
            return rule
        short = self.urgent_deadline
        return replace(rule, contact=min(rule.contact, short.contact) if rule.contact else 0,
                       decision=min(rule.decision, short.decision) if rule.decision else 0,
                       close=min(rule.close, short.close))

    def remind_before(self, urgent: bool = False) -> int:
        return self.urgent_remind_before_workdays if urgent else self.remind_before_workdays

    def signoff_role(self, channel_level: str) -> str:
        return self.signoff_role_by_level[channel_level]

    def out_of_scope_reason(self, code: str) -> Choice:
        return _pick(self.out_of_scope, code, "不予受理理由")

    def category_label(self, code: str) -> str:
        return _pick(self.categories, code, "诉求类别").text

    def warning_label(self, level: str) -> str:
        """蓝色预警 … in LN; CZ names its single overdue notice 超期督办 (第九条(四))."""
        return label_of(level, self.warning_levels)

    def warning_labels(self) -> dict[str, str]:
        return {lv.level: self.warning_label(lv.level) for lv in self.warning_levels}

    def rating_label(self, code: str) -> str:
        return _pick(self.ratings, code, "评价等级").text


def _pick(choices, code, what):
    for choice in choices:
        if choice.code == code:
            return choice
    raise PolicyError(f"未知的{what}：{code}")


def _choices(rows):
    return tuple(Choice(**row) for row in rows)


def _build(name: str, raw: dict) -> Policy:
    ext, redo, sup, rating = raw["extension"], raw["redo"], raw["supervision"], raw["assessment"]
    proposals = dict(sup["proposals"])
    levels = tuple(WarningLevel(**row) for row in raw["warnings"])
    if [lv.level for lv in levels] != [lv for lv in LEVEL_ORDER if lv in {x.level for x in levels}]:
        raise PolicyError(f"预设 {name}：预警级别须按 {LEVEL_ORDER} 的顺序排列")
    policy = Policy(
        name=name,
        city=raw["city"],
        office=raw["office"],
        regulation=raw["regulation"],
        tracking_prefix=raw["tracking_prefix"],
        web_channel=raw["web_channel"],
        channels=tuple(Channel(**row) for row in raw["channels"]),
        categories=_choices(raw["categories"]),
        accepted_kinds=tuple(raw["scope"]["accepted"]),
        out_of_scope=_choices(raw["scope"]["out_of_scope"]),
        deadlines={code: Deadline(**row) for code, row in raw["deadlines"].items()},
        extension_max_count=ext["max_count"],
        extension_approver=ext["approver"],
        extension_cap_workdays=ext["cap_workdays"],
        extension_max_days=ext["max_days"],
        extension_notifies_citizen=ext["notifies_citizen"],
        extension_excludes_emergencies=ext["excludes_emergencies"],
        extension_requesters=tuple(ext.get("requested_by", UNIT_ROLES)),
        return_window_workdays=raw["return"]["window_workdays"],
        redo_window_workdays=redo["window_workdays"],
        reopen_workdays=raw["reopen"]["workdays"],
        transfer_clock=raw["transfer"]["clock"],
        answer_on_call_categories=tuple(raw["intake"]["answer_on_call"]),
        redo_max_rounds=redo["max_rounds"],
        ratings=_choices(raw["ratings"]),
        redo_ratings=tuple(redo["ratings"]),
        signoff_role_by_level=dict(raw["signoff"]),
        follow_up_required=raw["follow_up"]["required"],
        follow_up_in_reply=raw["follow_up"].get("in_reply", False),
        settle_reasons=_choices(raw["scope"].get("settle", [])),
        rating_window_days=raw["rating"]["window_days"],
        remind_before_workdays=raw["reminders"]["before_workdays"],
        urgent_deadline=Deadline(contact=raw["urgent"]["contact_workdays"], decision=raw["urgent"]["decision_workdays"],
                                 close=raw["urgent"]["close_workdays"], close_counts_from_decision=False),
        urgent_remind_before_workdays=raw["urgent"]["remind_before_workdays"],
        supervision_workdays=sup["workdays"],
        supervision_reasons=_choices(sup["reasons"]),
        supervision_methods=_choices(sup["methods"]),
        supervision_finish_workdays=dict(sup.get("finish_workdays", {})),
        warning_levels=levels,
        redaction=Style(name=raw["redaction"]["name"], address=raw["redaction"]["address"],
                        keep_officials=bool(raw["redaction"].get("keep_officials", False))),
        assessment_weights=Weights(on_time=rating["on_time_weight"], satisfaction=rating["satisfaction_weight"],
                                   first_time=rating["first_time_weight"]),
        satisfied_ratings=tuple(rating["satisfied_ratings"]),
        warning_deductions=rating.get("warning_deductions", "each_level"),
        assessment_min_answered=rating.get("min_answered", 1),
        cluster_size=proposals.pop("cluster_size"),
        cluster_days=proposals.pop("cluster_days"),
        proposal_reasons=proposals,
    )
    _check(policy)
    return policy


def _check(policy: Policy) -> None:
    codes = {c.code for c in policy.categories}
    if set(policy.deadlines) != codes:
        raise PolicyError(f"预设 {policy.name}：每个诉求类别都须有办理时限")
    if set(policy.signoff_role_by_level) != set(CHANNEL_LEVELS):
        raise PolicyError(f"预设 {policy.name}：每个渠道级别都须指定审签人")
    levels = [level for ch in policy.channels for level in (ch.level, *ch.addressees.values())]
    if any(level not in CHANNEL_LEVELS for level in levels) or any(
            a not in ADDRESSEES for ch in policy.channels for a in ch.addressees):
        raise PolicyError(f"预设 {policy.name}：渠道级别只能是 {CHANNEL_LEVELS}")
    policy.channel(policy.web_channel)
    if not set(policy.redo_ratings) <= {r.code for r in policy.ratings}:
        raise PolicyError(f"预设 {policy.name}：重办评价等级须在评价等级之中")
    if not set(policy.satisfied_ratings) <= {r.code for r in policy.ratings}:
        raise PolicyError(f"预设 {policy.name}：考核的满意等级须在评价等级之中")
    if policy.transfer_clock not in TRANSFER_CLOCKS:
        raise PolicyError(f"预设 {policy.name}：transfer.clock 只能是 {tuple(TRANSFER_CLOCKS)}")
    if policy.warning_deductions not in DEDUCTION_RULES:
        raise PolicyError(f"预设 {policy.name}：warning_deductions 只能是 {tuple(DEDUCTION_RULES)}")
    reasons = {c.code for c in policy.supervision_reasons}
    if set(policy.proposal_reasons) != set(PROPOSAL_TRIGGERS) or not set(policy.proposal_reasons.values()) <= reasons:
        raise PolicyError(f"预设 {policy.name}：督办建议须为 {PROPOSAL_TRIGGERS} 各指定一个督办事由")


@lru_cache
def load_policy(name: str) -> Policy:
    if name not in PRESETS:
        raise PolicyError(f"未知的政策预设“{name}”，可选：{'、'.join(PRESETS)}")
    text = resources.files(__package__).joinpath("presets", f"{name}.toml").read_text("utf-8")
    try:
        return _build(name, tomllib.loads(text))
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"预设文件 presets/{name}.toml 缺少或写错了配置项：{exc}") from exc

"""The citizen's view of the audit trail: only the steps that concern them, in plain words."""
from datetime import date

from ..display import date_cn
from ..services.common import policy


def _due(value) -> str:
    return date_cn(date.fromisoformat(value)) if value else ""


def _assign(data):
    co = f"，协办单位：{'、'.join(data['co_units'])}" if data.get("co_units") else ""
    return f"已交办{data.get('lead', '')}办理{co}，办理期限{_due(data.get('due_date'))}"


def _extension(data):
    return f"办理期限延长至{_due(data.get('new_due'))}" if data.get("approved") else None


def _rating(data):
    return f"您的评价：{policy().rating_label(data['level'])}"


def _redo(data):
    return f"您的评价：{policy().rating_label(data['level'])}，已发回重办，期限{_due(data.get('due_date'))}"


STEPS = {
    "submit": lambda d: "已收到您的留言",
    "record_call": lambda d: "已登记您的来电",
    "answer_on_call": lambda d: "话务员已当场答复",
    "accept": lambda d: "已受理",
    "reject": lambda d: f"不予受理：{d.get('reason', '')}。{d.get('guidance', '')}",
    "assign": _assign,
    "approve_return": lambda d: "正在重新确定承办单位",
    "transfer": lambda d: f"已转办{d.get('unit', '')}办理，办理期限{_due(d.get('due_date'))}",
    "decide_extension": _extension,
    "approve_reply": lambda d: "已答复",
    "record_follow_up": lambda d: "承办单位已回访",
    "rate": _rating,
    "open_redo": _redo,
    "close": lambda d: "已办结",
    "publish": lambda d: "答复已在平台公开（个人信息已隐去）",
    "supplement": lambda d: "您补充了留言内容",
    "mark_repeat": lambda d: f"与同类诉求（留言编号 {d.get('original', '')}）为同一事项，已并入一并办理",
    "withdraw": lambda d: f"您已撤回留言：{d.get('reason', '')}",
    "reopen": lambda d: f"已重新办理，期限{_due(d.get('due_date'))}",
}


def public_timeline(events) -> list[tuple[object, str]]:
    """(time, text) for the events a citizen may see; internal steps are left out."""
    steps = []
    for event in events:
        describe = STEPS.get(event.kind)
        text = describe(event.data or {}) if describe else None
        if text:
            steps.append((event.created_at, text))
    return steps

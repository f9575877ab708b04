"""Canned replies (R6.2): a starting point only."""
from ..extensions import db
from ..models import ReplyTemplate
from .common import DomainError, commit, policy, record, require_text


def create_template(*, title: str, body: str, category: str = "", actor) -> ReplyTemplate:
    if category:
        policy().category_label(category)
    template = ReplyTemplate(title=require_text(title, "模板名称")[:100], body=require_text(body, "模板内容"),
                             category=category, created_by_id=actor.id)
    db.session.add(template)
    record(None, "create_template", actor=actor, title=template.title)
    commit()
    return template


def retire_template(template: ReplyTemplate, *, actor) -> None:
    if not template.active:
        raise DomainError("该模板已停用。")
    template.active = False
    record(None, "retire_template", actor=actor, title=template.title)
    commit()

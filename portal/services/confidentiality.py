"""Showing the petitioner's details to staff (R9.2): a recorded action, never to the unit complained about."""
from ..rules.permissions import may_reveal
from .common import Forbidden, commit, record


def reveal_petitioner(message, *, actor) -> None:
    if not may_reveal(actor, message.about_unit_id):
        raise Forbidden("您无权查看诉求人信息。")
    record(message, "reveal_petitioner", actor=actor)
    commit()

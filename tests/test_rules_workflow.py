"""The one table of moves: who may make which move from which status."""
import pytest

from portal.rules.workflow import (
    ACTION_LABELS,
    LABELS,
    TRANSITIONS,
    Action,
    Role,
    Status,
    TransitionError,
    allowed_actions,
    next_status,
)

S, A, R = Status, Action, Role


@pytest.mark.parametrize(("status", "action", "role", "expected"), [
    (None, A.SUBMIT, R.CITIZEN, S.RECEIVED),
    (None, A.RECORD_CALL, R.OPERATOR, S.RECEIVED),
    (S.RECEIVED, A.ACCEPT, R.OPERATOR, S.TO_ASSIGN),
    (S.RECEIVED, A.REJECT, R.DISPATCHER, S.REJECTED),
    (S.TO_ASSIGN, A.ASSIGN, R.DISPATCHER, S.ASSIGNED),
    (S.ASSIGNED, A.REQUEST_RETURN, R.HANDLER, S.RETURN_REQUESTED),
    (S.RETURN_REQUESTED, A.APPROVE_RETURN, R.DISPATCHER, S.TO_ASSIGN),
    (S.RETURN_REQUESTED, A.REFUSE_RETURN, R.DISPATCHER, S.ASSIGNED),
    (S.ASSIGNED, A.REQUEST_EXTENSION, R.HANDLER, S.ASSIGNED),
    (S.ASSIGNED, A.SUBMIT_REPLY, R.HANDLER, S.SIGNOFF),
    (S.SIGNOFF, A.SIGN_OFF, R.DEPUTY_HEAD, S.REVIEW),
    (S.SIGNOFF, A.REFUSE_SIGN_OFF, R.PRINCIPAL_HEAD, S.ASSIGNED),
    (S.REVIEW, A.APPROVE_REPLY, R.REVIEWER, S.ANSWERED),
    (S.REVIEW, A.SEND_BACK, R.REVIEWER, S.ASSIGNED),
    (S.ANSWERED, A.RECORD_FOLLOW_UP, R.HANDLER, S.VISITED),
    (S.VISITED, A.OPEN_REDO, R.CITIZEN, S.ASSIGNED),
    (S.VISITED, A.CLOSE, R.REVIEWER, S.CLOSED),
    (S.CLOSED, A.ARCHIVE, R.DISPATCHER, S.ARCHIVED),
    (S.CLOSED, A.PUBLISH, R.REVIEWER, S.CLOSED),
])
def test_allowed_moves(status, action, role, expected):
    assert next_status(status, action, role) == expected


@pytest.mark.parametrize(("status", "action", "role"), [
    (S.RECEIVED, A.ASSIGN, R.DISPATCHER),        # screen first
    (S.TO_ASSIGN, A.ASSIGN, R.OPERATOR),         # the operator does not assign
    (S.ASSIGNED, A.APPROVE_REPLY, R.REVIEWER),   # nothing to review yet
    (S.SIGNOFF, A.SIGN_OFF, R.HANDLER),          # a handler cannot sign off
    (S.REVIEW, A.APPROVE_REPLY, R.DISPATCHER),
    (S.ASSIGNED, A.PUBLISH, R.REVIEWER),         # nothing public before it is answered (LN 第二十一条)
    (S.REJECTED, A.ACCEPT, R.OPERATOR),
    (S.ARCHIVED, A.RATE, R.CITIZEN),
    (S.ANSWERED, A.CLOSE, R.HANDLER),
])
def test_forbidden_moves(status, action, role):
    with pytest.raises(TransitionError):
        next_status(status, action, role)


def test_every_status_and_action_has_labels_and_is_reachable():
    assert set(LABELS) == set(Status)
    assert set(ACTION_LABELS) == set(Action)
    targets = {new for new, _ in TRANSITIONS.values()}
    assert targets == set(Status)
    assert {action for _, action in TRANSITIONS} == set(Action)


def test_the_citizen_can_only_submit_rate_add_and_withdraw():
    citizen_actions = {action for (_, action), (_, roles) in TRANSITIONS.items() if R.CITIZEN in roles}
    assert citizen_actions == {A.SUBMIT, A.RATE, A.OPEN_REDO, A.SUPPLEMENT, A.WITHDRAW}
    before_answer = {status for (status, action) in TRANSITIONS if action in (A.SUPPLEMENT, A.WITHDRAW)}
    assert before_answer == {S.RECEIVED, S.TO_ASSIGN, S.ASSIGNED, S.RETURN_REQUESTED, S.SIGNOFF, S.REVIEW}


def test_allowed_actions_lists_the_forms_to_show():
    assert allowed_actions(S.REVIEW, R.REVIEWER) == [A.APPROVE_REPLY, A.SEND_BACK, A.SETTLE]
    assert allowed_actions(S.REVIEW, R.HANDLER) == [A.ANSWER_SUPERVISION]
    assert allowed_actions(S.REVIEW, R.OPERATOR) == [A.MARK_COMPLAINT]  # R9.2: marked at any time

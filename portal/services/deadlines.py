"""Setting an assignment's clocks (R3): started on assignment, moved by a 举报 decision,
extended on approval, reset by redo, recomputed when a provisional year becomes official."""
from datetime import date

from ..models import Assignment
from .common import add_workdays, load_calendar, policy
from .unit_rows import keep_unit_rows


def start_clocks(assignment: Assignment, category: str, start: date, *, urgent: bool = False) -> None:
    rule = policy().deadline(category, urgent)
    assignment.start_date = start
    assignment.contact_due = add_workdays(start, rule.contact) if rule.contact else None
    assignment.decision_due = add_workdays(start, rule.decision) if rule.decision else None
    # Before a 举报 is decided, its closing deadline counts from the latest allowed decision day.
    period = rule.decision + rule.close if rule.close_counts_from_decision else rule.close
    set_period(assignment, start, period)
    assignment.counted_workdays = period


def set_period(assignment: Assignment, clock_start: date, workdays: int) -> None:
    assignment.clock_start = clock_start
    assignment.period_workdays = workdays
    assignment.due_date = add_workdays(clock_start, workdays)
    assignment.due_provisional = load_calendar().is_provisional(assignment.start_date, assignment.due_date)
    if assignment.is_lead and assignment.message is not None:
        keep_lead_on_message(assignment.message)


def keep_lead_on_message(message) -> None:
    """Copy the lead unit in force and its deadline onto the message, where the queues sort and filter
    by them through an index. Every service that changes a lead assignment calls this (through
    set_period, or directly when only the assignment's state changes); the units' rows follow."""
    lead = message.lead_in_force()
    kept = (lead.unit.id, lead.due_date) if lead is not None else (None, None)
    if (message.lead_unit_id, message.lead_due_date) != kept:
        message.lead_unit_id, message.lead_due_date = kept
    keep_unit_rows(message)


def recompute(assignment: Assignment, category: str) -> None:
    """Recompute every date from its day zero, e.g. after the official calendar was entered."""
    rule = policy().deadline(category, bool(assignment.message and assignment.message.is_emergency))
    start = assignment.start_date
    assignment.contact_due = add_workdays(start, rule.contact) if rule.contact else None
    assignment.decision_due = add_workdays(start, rule.decision) if rule.decision else None
    set_period(assignment, assignment.clock_start, assignment.period_workdays)

"""The tables, one module per aggregate. Import from here."""
from .api import ApiKey, ApiSubmission
from .audit import Event, RateLimitCounter
from .calendar import CalendarDay, CalendarYear
from .handling import (
    CensorRule,
    ExtensionRequest,
    FollowUp,
    FormDraft,
    LeaderInstruction,
    Notification,
    OverdueWarning,
    Rating,
    RedoRound,
    ReplyTemplate,
    ReturnRequest,
    Review,
    SignOff,
    SupervisionCase,
)
from .messages import Assignment, Attachment, ComplaintTarget, Message, Petitioner, PublicVersion, Reply, UnitMessage
from .people import UNIT_KINDS, Unit, User
from .reports import MinedPeriod
from .search import SearchEntry, SearchTask
from .similarity import SimilarityTerm

__all__ = [
    "ApiKey", "ApiSubmission",
    "UNIT_KINDS", "Assignment", "CensorRule", "Attachment", "CalendarDay", "CalendarYear", "ComplaintTarget", "Event",
    "ExtensionRequest",
    "FollowUp", "FormDraft", "LeaderInstruction", "Message", "MinedPeriod", "Notification", "OverdueWarning",
    "Petitioner",
    "PublicVersion", "RateLimitCounter", "Rating", "RedoRound", "Reply", "ReplyTemplate", "ReturnRequest", "Review",
    "SearchEntry", "SearchTask", "SimilarityTerm",
    "SignOff", "SupervisionCase", "Unit", "UnitMessage", "User",
]

"""Column helpers shared by the model modules."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import mapped_column

from .. import clock


def utcnow() -> datetime:
    """Naive UTC, from the clock (so frozen time reaches the defaults too)."""
    return clock.now()


def fk(target: str, *, nullable: bool = False, index: bool = True, ondelete: str | None = None):
    return mapped_column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)

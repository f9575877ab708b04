"""The only code that changes data. Each public function is one user action."""
from .common import CITIZEN, SYSTEM, Conflict, DomainError, Forbidden, NotFound, abandon

__all__ = ["CITIZEN", "SYSTEM", "Conflict", "DomainError", "Forbidden", "NotFound", "abandon"]

"""The regulations as pure Python: no Flask, no database (architecture.md)."""


class RuleViolation(ValueError):
    """A refused action or input, with a message in Chinese for the person who tried it.

    The services export it as ``DomainError``; the web layer answers ``status_code``.
    """

    status_code = 422

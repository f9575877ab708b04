"""The regulations as pure Python: no Flask, no database (architecture.md)."""


class DomainError(ValueError):
    """A refused action or input, with a message in Chinese for the person who tried it.

    Every refused action or input is one (unknown preset codes too, PolicyError); the services raise
    its subclasses Forbidden, NotFound and Conflict; the web layer answers ``status_code``.
    """

    status_code = 422

    def __init__(self, message: str = "", *, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field at fault, when known: the page marks it

from __future__ import annotations


class ServiceError(Exception):
    """A use case could not be carried out; the message is for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    """Input was refused. `errors` maps a form field name to the message shown beside it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Conflict(ServiceError):
    """Someone else changed or decided the same thing first."""


class NotFound(ServiceError):
    pass

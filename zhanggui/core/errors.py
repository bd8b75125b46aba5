"""Domain errors: raised by services, mapped to HTTP and form errors in one place."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request. `code` is stable; `message` is translated."""

    code = "domain_error"
    http_status = 400
    default_message: Any = _("The request breaks a business rule.")

    def __init__(self, message: Any = None, **data: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.data = data
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _("The record changed or already exists.")


class RowError:
    """One problem in an imported file: where (file, row, field) and why."""

    __slots__ = ("field", "file", "message", "row")

    def __init__(self, *, row: int, field: str, message: Any, file: str = "") -> None:
        self.row = row
        self.field = field
        self.message = message
        self.file = file

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": str(self.message),
        }

    def __str__(self) -> str:
        where = f"{self.file} " if self.file else ""
        return f"{where}row {self.row}, {self.field}: {self.message}"


class ImportRejected(DomainError):
    """A file had bad rows; nothing from it was saved. `errors` lists every bad row."""

    code = "import_rejected"
    http_status = 400
    default_message = _("The file has errors; nothing was imported.")

    def __init__(self, errors: list[RowError], message: Any = None) -> None:
        super().__init__(message, errors=[error.as_dict() for error in errors])
        self.errors = errors


class InvalidInput(DomainError):
    """Values that break a rule, by field: {"title": ["..."]}."""

    code = "invalid"
    http_status = 400
    default_message = _("Some values are not valid.")

    def __init__(self, fields: dict[str, list[Any]], message: Any = None) -> None:
        self.fields = {name: [str(m) for m in messages] for name, messages in fields.items()}
        if message is None and self.fields:
            name, messages = next(iter(self.fields.items()))
            message = f"{name}: {messages[0]}"
        super().__init__(message, fields=self.fields)


class NotAllowed(DomainError):
    """The actor's roles do not allow this change (e.g. a price without change_price)."""

    code = "permission_denied"
    http_status = 403
    default_message = _("You do not have permission to make this change.")

"""Domain errors: a stable code for machines and a message for people.

The web shows ``message``, the API returns ``{"code", "message"}``, the CLI prints
both. Subclasses set ``code`` and ``http_status``; callers pass the message.

The message is a catalogue message (``N_``) in Indonesian; what varies goes in
``params`` as named figures (``jaring.formats.figures``), never into the text itself::

    raise InvalidInput(
        N_("NIK %(nik)s sudah terdaftar di %(village)s."),
        params={"nik": nik, "village": village.name},
        field="nik",
    )

``message`` reads in the active language (``figures.text``) with the figures
written for it (``Rp1.234.567`` / ``Rp1,234,567``); ``indonesian`` is the same sentence
in Indonesian whatever the reader's language, for what is stored.
"""

from jaring.formats import figures


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        params: dict | None = None,
    ):
        super().__init__(message)
        self.template = message
        self.params = dict(params or {})
        self.field = field
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return figures.text(self.template, self.params)

    @property
    def indonesian(self) -> str:
        return figures.render(self.template, self.params, "id")

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        data = {"code": self.code, "message": self.message}
        if self.field:
            data["field"] = self.field
        return data


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 400


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


def add_domain_error(form, exc: DomainError) -> None:
    """Show a domain error on the form field it names (or on the whole form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)

"""The one shape every validation failure takes, from the form to the server.

``message`` is English and names the field and the rule; ``rule`` is a stable code the UI
translates (with ``params`` filled into its template), so the wording can change without
breaking translations or tests that match on codes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from dataclasses import field as dc_field


@dataclass(frozen=True)
class FieldError:
    field: str
    rule: str
    message: str
    params: dict[str, str] = dc_field(default_factory=dict)

    def for_field(self, name: str) -> FieldError:
        """The same failure reported against another column (e.g. ``landlord_id_number``)."""
        if name == self.field:
            return self
        message = self.message
        if message.startswith(f"{self.field}:"):
            message = f"{name}:{message[len(self.field) + 1:]}"
        return replace(self, field=name, message=message)


class RuleError(ValueError):
    """Raised by single-value validators; ``.error`` says which field and rule failed."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def fail(field_name: str, rule: str, message: str, **params: str) -> RuleError:
    """Build a :class:`RuleError` whose message starts with the field name."""
    return RuleError(FieldError(field_name, rule, f"{field_name}: {message}", dict(params)))

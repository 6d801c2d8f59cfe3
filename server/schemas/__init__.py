"""marshmallow schemas: <Thing>Schema for output, <Thing>CreateSchema / UpdateSchema for input."""

from server.schemas import messages as _messages  # noqa: F401 - Chinese validation messages

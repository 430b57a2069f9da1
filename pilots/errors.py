"""Refusals a service raises; ``status`` is the HTTP status the page and the API answer."""


class ServiceError(Exception):
    """A refused request; nothing was written."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class NotPermitted(ServiceError):
    status = 403


class NotAllowedNow(ServiceError):
    status = 409


class InvalidInput(ServiceError):
    """Bad input. ``fields`` names each bad field with its messages (``{"field": [..]}``)."""

    status = 400

    def __init__(self, message, *, fields=None):
        super().__init__(message)
        self.fields = {key: [str(m) for m in messages] for key, messages in (fields or {}).items()}

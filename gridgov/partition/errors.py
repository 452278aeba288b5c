"""Errors raised by the partition engine."""


class PartitionError(ValueError):
    """Bad or inconsistent input. The message is Chinese and names the feature or file.

    ``feature`` (when known) names the offending feature, e.g. ``"建筑 B17"``; ``reason``
    is a short machine-readable key such as ``"negative_households"``.
    """

    def __init__(self, message: str, *, feature: str | None = None, reason: str | None = None):
        super().__init__(message)
        self.feature = feature
        self.reason = reason

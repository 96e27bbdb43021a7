"""Plain result types the {{name}} services and selectors return when a model is not enough (frozen
dataclasses, no ORM, no I/O)::

    @dataclass(frozen=True)
    class {{Entity}}Summary:
        count: int
        newest_at: datetime | None
"""

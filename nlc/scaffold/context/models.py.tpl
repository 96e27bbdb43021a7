"""The {{name}} context's tables, in its own schema. Foreign keys only inside the context; other
contexts' entities by their ``*_id`` UUID, kept from the events that named them."""

from django.db import models

from nlc.db.models import TimeStampedModel


class {{Entity}}(TimeStampedModel):
    """A coach's {{entity_words}}."""

    coach_id = models.UUIDField(db_index=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name

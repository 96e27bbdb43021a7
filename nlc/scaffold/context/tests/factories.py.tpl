"""{{Verbose}} rows as they are stored, for tests that need many of them (lists, query counts)."""

import uuid

import factory
from factory.django import DjangoModelFactory

from contexts.{{name}}.models import {{Entity}}


class {{Entity}}Factory(DjangoModelFactory):
    class Meta:
        model = {{Entity}}

    coach_id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"{{Entity}} {n}")

"""scope_to_principal on its own: a coach sees only rows of its coach id, an admin all, others none."""

import uuid

import pytest
from django.core.exceptions import FieldError

from nlc.api.principal import Principal
from nlc.api.scoping import scope_to_principal

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def identities(django_user_model):
    # Any table with a coach column will do; the user table's id is one (a coach's coach id is its id).
    return {
        name: django_user_model.objects.create(email=f"{name}@example.com", role=role)
        for name, role in (("ann", "coach"), ("bob", "coach"), ("root", "admin"))
    }


def _emails(queryset) -> list[str]:
    return sorted(queryset.values_list("email", flat=True))


def test_a_coach_sees_only_its_own_rows(identities, django_user_model):
    ann = identities["ann"]
    principal = Principal(id=ann.id, role="coach", coach_id=ann.id)
    assert _emails(scope_to_principal(django_user_model.objects.all(), principal, field="id")) == ["ann@example.com"]


def test_an_admin_sees_every_row(identities, django_user_model):
    principal = Principal(id=identities["root"].id, role="admin")
    scoped = scope_to_principal(django_user_model.objects.all(), principal, field="id")
    assert _emails(scoped) == ["ann@example.com", "bob@example.com", "root@example.com"]


@pytest.mark.parametrize(
    "principal",
    [
        Principal(id=None, role="service", service="billing"),
        Principal(id=uuid.uuid4(), role="coach", coach_id=None),
        Principal(id=uuid.uuid4(), role="learner", coach_id=uuid.uuid4()),
        None,
    ],
    ids=["service", "coach without coach id", "unknown role", "nobody"],
)
def test_anyone_else_sees_nothing(identities, django_user_model, principal):
    assert _emails(scope_to_principal(django_user_model.objects.all(), principal, field="id")) == []


def test_it_filters_on_the_coach_id_column_by_default(django_user_model):
    # the user table has no coach_id column: the default field shows in the error
    coach_id = uuid.uuid4()
    principal = Principal(id=coach_id, role="coach", coach_id=coach_id)
    with pytest.raises(FieldError, match="Cannot resolve keyword 'coach_id'"):
        scope_to_principal(django_user_model.objects.all(), principal)


def test_it_accepts_the_auth_contexts_user_as_principal(identities, django_user_model):
    # the auth context's request.user is the stored identity; it has the same role and coach_id
    bob = identities["bob"]
    assert _emails(scope_to_principal(django_user_model.objects.all(), bob, field="id")) == ["bob@example.com"]

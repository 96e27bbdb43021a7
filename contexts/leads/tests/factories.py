"""Leads rows as they are stored, for tests that need many of them (lists, query counts)."""

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from contexts.leads.models import Client, Lead, LeadForm, LeadSource, TimelineEntry
from nlc.clients import client_id_for


class LeadFormFactory(DjangoModelFactory):
    class Meta:
        model = LeadForm

    coach_id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Landing {n}")
    key = factory.Sequence(lambda n: f"form-key-{n:04d}-{uuid.uuid4().hex[:8]}")


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    coach_id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    client_id = factory.LazyAttribute(lambda row: client_id_for(coach_id=row.coach_id, email=row.email))
    name = factory.Sequence(lambda n: f"Lead {n}")
    source = LeadSource.MANUAL


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    coach_id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"client{n}@example.com")
    client_id = factory.LazyAttribute(lambda row: client_id_for(coach_id=row.coach_id, email=row.email))
    name = factory.Sequence(lambda n: f"Client {n}")
    first_paid_at = factory.LazyFunction(timezone.now)
    total_paid = 4900
    currency = "USD"


class TimelineEntryFactory(DjangoModelFactory):
    class Meta:
        model = TimelineEntry

    coach_id = factory.LazyFunction(uuid.uuid4)
    client_id = factory.LazyFunction(uuid.uuid4)
    kind = "note_added"
    occurred_at = factory.LazyFunction(timezone.now)
    summary = factory.Sequence(lambda n: f"Touch {n}")

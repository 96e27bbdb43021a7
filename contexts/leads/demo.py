"""Development demo data: the demo coach's landing form, a few leads, a Calendly booking and a
converted client whose timeline reads end to end (scripts/dev runs seed_demo).

Leads never reads auth's tables: it knows the demo coach from its own copy of coaches, fed by
auth.user.created (auth's demo data runs first, and the inline bus delivers its events at once). A
database made before leads kept that copy gets it by replaying auth.user.created to leads. The
payment is what billing.payment.completed would say for a purchase through Stripe.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

from django.utils import timezone

from contexts.leads import services
from contexts.leads.data import CalendlyInvitee, Contact
from contexts.leads.models import Coach, LeadForm, LeadStatus
from nlc.clients import client_id_for
from nlc.demo import events_replay_to

DEMO_COACH_EMAIL = "coach@demo.nextlevelcoach.test"
DEMO_FORM_NAME = "Start Strong landing page"
# The courses demo's learner: their enrollment reaches the same timeline.
DEMO_CLIENT = ("learner@demo.nextlevelcoach.test", "Lee Learner")
DEMO_LEADS = (
    ("nina.new@demo.nextlevelcoach.test", "Nina New"),
    ("cal.contacted@demo.nextlevelcoach.test", "Cal Contacted"),
)
DEMO_BOOKER = ("bea.booker@demo.nextlevelcoach.test", "Bea Booker")
DEMO_CALENDLY_USER = "https://api.calendly.com/users/DEMOCOACH0000001"
DEMO_TRANSACTION_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://nextlevelcoach.ai/demo/billing/start-strong-purchase")


def _demo_coach() -> Coach | None:
    coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    if coach is None and events_replay_to(context="leads", event_type="auth.user.created"):
        coach = Coach.objects.filter(email=DEMO_COACH_EMAIL).first()
    return coach


def _booking(coach_id: uuid.UUID, now: dt.datetime) -> None:
    email, name = DEMO_BOOKER
    services.calendly_connection_save(coach_id=coach_id, user_uri=DEMO_CALENDLY_USER)
    start = (now + dt.timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
    services.booking_record(
        invitee=CalendlyInvitee(
            event="invitee.created",
            user_uris=(DEMO_CALENDLY_USER,),
            invitee_uri="https://api.calendly.com/scheduled_events/DEMOEVENT0000001/invitees/DEMOINVITEE00001",
            contact=Contact(email=email, name=name, utm_source="instagram"),
            event_uri="https://api.calendly.com/scheduled_events/DEMOEVENT0000001",
            event_type_uri="https://api.calendly.com/event_types/DEMOTYPE00000001",
            event_name="30 Minute Discovery Call",
            start_at=start,
            end_at=start + dt.timedelta(minutes=30),
            reschedule_url="https://calendly.com/reschedulings/DEMOINVITEE00001",
            cancel_url="https://calendly.com/cancellations/DEMOINVITEE00001",
            occurred_at=now,
        )
    )


def _seed(coach_id: uuid.UUID) -> LeadForm:
    now = timezone.now()
    form = services.lead_form_create(coach_id=coach_id, name=DEMO_FORM_NAME)
    for email, name in (*DEMO_LEADS, DEMO_CLIENT):
        services.intake_submit(
            form_key=form.key,
            contact=Contact(email=email, name=name, utm_source="newsletter", consent_text="I agree to be contacted."),
        )
    cal, _ = services.intake_submit(form_key=form.key, contact=Contact(email=DEMO_LEADS[1][0]))
    services.lead_status_move(lead=cal, to_status=LeadStatus.CONTACTED, changed_by_user_id=coach_id)
    services.lead_note_add(lead=cal, author_id=coach_id, body="Called: wants to start after the holidays.")
    _booking(coach_id, now)
    email, name = DEMO_CLIENT
    services.payment_record(
        transaction_id=DEMO_TRANSACTION_ID,
        coach_id=coach_id,
        kind="other",
        course_id=None,
        client_id=client_id_for(coach_id=coach_id, email=email),
        client_email=email,
        client_name=name,
        amount=4900,
        currency="USD",
        paid_at=timezone.now(),  # after the form it came through
    )
    return form


def seed(*, stdout) -> None:
    coach = _demo_coach()
    if coach is None:
        stdout.write(f"  leads: no copy of the demo coach {DEMO_COACH_EMAIL}; no demo leads")
        return
    form = LeadForm.objects.filter(coach_id=coach.id, name=DEMO_FORM_NAME).first()
    if form is None:
        form = _seed(coach.id)
        stdout.write("  created demo leads: a landing form, 4 leads, a booking and a converted client")
    else:
        stdout.write("  demo leads exist")
    base = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
    client_id = client_id_for(coach_id=coach.id, email=DEMO_CLIENT[0])
    stdout.write(f"  demo landing form: POST {base}/leads/intake/{form.key}")
    stdout.write(f"  demo client's timeline (as the demo coach): GET {base}/leads/people/{client_id}/timeline")

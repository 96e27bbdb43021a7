"""The fold: logged events applied in log order to day counters, activity days and the states that
need history (docs/decisions/0008)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from contexts.analytics.rules.shapes import (
    COACH,
    COUNTED_TYPES,
    DEFAULT_TIME_ZONE,
    MOMENT_FIELDS,
    MRR_STATUSES,
    NO_COACH,
    PLATFORM,
    ActivityKey,
    ClientFacts,
    EnrollmentState,
    LoggedEvent,
    MetricKey,
    SubscriptionState,
    client_of,
    local_day,
    monthly_amount,
    mrr_movement,
    time_zone_valid,
)
from nlc.time import parse_moment

# -- the fold -------------------------------------------------------------------------------------


class Fold:
    """Applies logged events, in log order, to the states it was given and to fresh counters."""

    def __init__(
        self,
        *,
        time_zones: Mapping[UUID, tuple[str, dt.datetime | None]] | None = None,
        subscriptions: Mapping[UUID, SubscriptionState] | None = None,
        enrollments: Mapping[UUID, EnrollmentState] | None = None,
        clients: Mapping[tuple[UUID, UUID], ClientFacts] | None = None,
        fixed_time_zones: bool = False,
    ):
        self.time_zones: dict[UUID, tuple[str, dt.datetime | None]] = dict(time_zones or {})
        self.subscriptions = dict(subscriptions or {})
        self.enrollments = dict(enrollments or {})
        self.clients = dict(clients or {})
        # A rebuild buckets with each coach's final zone, known before it starts.
        self.fixed_time_zones = fixed_time_zones
        self.metrics: Counter[MetricKey] = Counter()
        self.activity: set[ActivityKey] = set()
        self.lessons: dict[tuple[UUID, UUID], tuple[UUID, UUID, int]] = {}
        self.touched: set[tuple[str, UUID, dt.date]] = set()
        self.changed_subscriptions: set[UUID] = set()
        self.changed_enrollments: set[UUID] = set()
        self.changed_clients: set[tuple[UUID, UUID]] = set()
        self.time_zone_changed: set[UUID] = set()
        self.erased: set[tuple[UUID, UUID]] = set()

    # -- plumbing --
    def time_zone(self, coach_id: UUID) -> str:
        return self.time_zones.get(coach_id, (DEFAULT_TIME_ZONE, None))[0]

    def _count(self, scope: str, coach_id: UUID, day: dt.date, metric: str, value: int, dimension: str = "") -> None:
        if value:
            self.metrics[(scope, coach_id, day, metric, dimension)] += value
            self.touched.add((scope, coach_id if scope == COACH else NO_COACH, day))

    def _client(self, coach_id: UUID, client_id: UUID) -> ClientFacts:
        key = (coach_id, client_id)
        facts = self.clients.get(key)
        if facts is None:
            facts = self.clients[key] = ClientFacts(coach_id=coach_id, client_id=client_id)
        self.changed_clients.add(key)
        return facts

    def _enrollment(self, coach_id: UUID, payload: Mapping[str, Any]) -> EnrollmentState:
        enrollment_id = UUID(payload["enrollmentId"])
        state = self.enrollments.get(enrollment_id)
        if state is None:
            state = self.enrollments[enrollment_id] = EnrollmentState(
                enrollment_id=enrollment_id,
                coach_id=coach_id,
                course_id=UUID(payload["courseId"]),
                client_id=UUID(payload["clientId"]),
            )
        self.changed_enrollments.add(enrollment_id)
        return state

    # -- the events --
    def apply(self, event: LoggedEvent) -> None:
        payload = event.payload
        moment = parse_moment(payload[MOMENT_FIELDS[event.event_type]])
        coach_id = event.coach_id
        day = local_day(moment, self.time_zone(coach_id))
        utc_day = moment.astimezone(dt.UTC).date()
        if coach_id != NO_COACH:
            self.activity.add(("coach", coach_id, coach_id, utc_day))
        handler = getattr(self, "_" + event.event_type.replace(".", "_"), None)
        if handler is not None:
            handler(coach_id, payload, moment, day, utc_day)
        counted = COUNTED_TYPES.get(event.event_type)
        if counted and coach_id != NO_COACH:
            self._count(COACH, coach_id, day, counted, 1)

    def _auth_user_created(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["role"] == "coach":
            self._count(PLATFORM, coach_id, utc_day, "coachesNew", 1)

    def _auth_user_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        if coach_id == NO_COACH or self.fixed_time_zones:
            return
        name = payload["timeZone"] if time_zone_valid(payload["timeZone"]) else DEFAULT_TIME_ZONE
        current, since = self.time_zones.get(coach_id, (DEFAULT_TIME_ZONE, None))
        if since is not None and moment <= since:
            return
        self.time_zones[coach_id] = (name, moment)
        if name != current:
            self.time_zone_changed.add(coach_id)

    def _billing_payment_completed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return  # the coach pays the platform: MRR speaks of it
        amount, currency = payload["amount"], payload["currency"]
        self._count(COACH, coach_id, day, "revenueGrossAmount", amount, currency)
        self._count(COACH, coach_id, day, "payments", 1)
        if payload["kind"] == "course_purchase":
            self._count(COACH, coach_id, day, "courseSales", 1)
            self._count(COACH, coach_id, day, "courseSalesAmount", amount, currency)
            self._count(PLATFORM, coach_id, utc_day, "gmvAmount", amount, currency)
            self._count(PLATFORM, coach_id, utc_day, "courseSales", 1)
        self._payment_state(coach_id, payload, "paid", moment)

    def _billing_payment_refunded(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return
        self._count(COACH, coach_id, day, "refundsAmount", payload["amount"], payload["currency"])
        self._payment_state(coach_id, payload, "refunded", moment)

    def _billing_payment_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["kind"] == "subscription":
            return
        self._count(COACH, coach_id, day, "paymentsFailed", 1)
        self._payment_state(coach_id, payload, "failed", moment)

    def _payment_state(self, coach_id: UUID, payload: Mapping[str, Any], state: str, moment: dt.datetime) -> None:
        client_id = client_of(payload)
        if client_id is None:
            return
        facts = self._client(coach_id, client_id)
        if facts.payment_at is None or moment >= facts.payment_at:
            facts.payment_state, facts.payment_at = state, moment

    def _subscription(self, coach_id, payload, moment, utc_day, *, status: str) -> None:
        subscription_id = UUID(payload["subscriptionId"])
        state = self.subscriptions.get(subscription_id)
        if state is not None and moment < state.changed_at:
            # Older than what is known: nothing moves. Stripe's times are whole seconds, so two real
            # changes can share one; billing publishes them in order, and the later one wins. The
            # same state again (activated and updated for one change) moves nothing either.
            return
        counted = monthly_amount(payload["amount"], payload["interval"]) if status in MRR_STATUSES else 0
        previous = 0
        if state is not None and state.status in MRR_STATUSES:
            previous = state.monthly_amount
        currency = payload["currency"]
        movement = mrr_movement(previous, counted)
        if movement is not None:
            metric, size = movement
            self._count(PLATFORM, coach_id, utc_day, metric, size, currency)
        if status == "canceled" and (state is None or state.status != "canceled"):
            self._count(PLATFORM, coach_id, utc_day, "coachesChurned", 1)
        self.subscriptions[subscription_id] = SubscriptionState(
            subscription_id=subscription_id,
            coach_id=coach_id,
            status=status,
            monthly_amount=monthly_amount(payload["amount"], payload["interval"]),
            currency=currency,
            changed_at=moment,
        )
        self.changed_subscriptions.add(subscription_id)

    def _billing_subscription_activated(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status=payload["status"])

    def _billing_subscription_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status=payload["status"])

    def _billing_subscription_canceled(self, coach_id, payload, moment, day, utc_day) -> None:
        self._subscription(coach_id, payload, moment, utc_day, status="canceled")

    def _courses_enrollment_created(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        state.enrolled_at = moment
        self._client(coach_id, state.client_id)

    def _courses_enrollment_completed(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        state.enrolled_at = state.enrolled_at or parse_moment(payload["enrolledAt"])
        state.completed_at = moment

    def _courses_progress_updated(self, coach_id, payload, moment, day, utc_day) -> None:
        state = self._enrollment(coach_id, payload)
        if state.progress_at is None or moment >= state.progress_at:
            state.progress_percent = payload["progressPercent"]
            state.completed_lessons = payload["completedLessons"]
            state.total_lessons = payload["totalLessons"]
            state.progress_at = moment
        self.activity.add(("learner", coach_id, state.client_id, day))
        facts = self._client(coach_id, state.client_id)
        if facts.last_active_at is None or moment > facts.last_active_at:
            facts.last_active_at = moment
        lesson_id = payload.get("lessonId")
        # v2 also announces playback reports (lessonCompleted false); v1 only ever a completion.
        if lesson_id and payload.get("lessonCompleted", True):
            # The first completion of a lesson in log order stays (the live path inserts it once).
            self.lessons.setdefault(
                (state.enrollment_id, UUID(lesson_id)), (state.course_id, coach_id, payload["completedLessons"])
            )

    def _email(self, coach_id, payload, day, metric: str) -> None:
        if coach_id == NO_COACH:
            return
        self._count(COACH, coach_id, day, metric, 1)
        client_id = client_of(payload)
        if client_id is None:
            return
        facts = self._client(coach_id, client_id)
        if metric == "emailsSent":
            facts.emails_sent += 1
        elif metric == "emailsOpened":
            facts.emails_opened += 1
        elif metric == "emailsClicked":
            facts.emails_clicked += 1

    def _comms_email_sent(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsSent")

    def _comms_email_delivered(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsDelivered")

    def _comms_email_opened(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsOpened")

    def _comms_email_clicked(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsClicked")

    def _comms_email_complained(self, coach_id, payload, moment, day, utc_day) -> None:
        self._email(coach_id, payload, day, "emailsComplained")

    def _comms_email_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["severity"] == "permanent":
            self._email(coach_id, payload, day, "emailsBounced")

    def _leads_lead_created(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(COACH, coach_id, day, "newLeads", 1, payload["source"])

    def _leads_status_changed(self, coach_id, payload, moment, day, utc_day) -> None:
        if payload["toStatus"] == "booked":
            self._count(COACH, coach_id, day, "bookings", 1)

    def _leads_client_erased(self, coach_id, payload, moment, day, utc_day) -> None:
        self.erased.add((coach_id, UUID(payload["clientId"])))

    def _integrations_webhook_received(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksReceived", 1, payload["provider"])

    def _integrations_webhook_processed(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksProcessed", 1, payload["provider"])

    def _notify_admins(self, coach_id, payload, moment, day, utc_day) -> None:
        # The kernel asks for this notice once per dead letter of the bus, from the context that
        # gave up (nlc/events/notices.py): the platform's dead-letter health.
        if payload["kind"] == "event_dead_lettered":
            self._count(PLATFORM, coach_id, utc_day, "eventsDeadLettered", 1)

    def _integrations_webhook_failed(self, coach_id, payload, moment, day, utc_day) -> None:
        self._count(PLATFORM, coach_id, utc_day, "webhooksFailed", 1, payload["provider"])
        if not payload["willRetry"]:
            self._count(PLATFORM, coach_id, utc_day, "webhooksDeadLettered", 1, payload["provider"])

"""Platform numbers for admins: MRR and its movements from subscription events, coaches, GMV and
webhook health."""

from __future__ import annotations

import uuid

import pytest

from contexts.analytics.tests import factories as make

pytestmark = pytest.mark.django_db(databases="__all__")
MARCH = {"dateFrom": "2026-03-01", "dateTo": "2026-03-31", "bucket": "month"}


def _money(admin_client, **params) -> list[dict]:
    response = admin_client.get("/analytics/platform", {**MARCH, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_mrr_moves_with_upgrade_downgrade_and_cancel(feed, admin_client, coach_id, other_coach_id):
    # given two coaches subscribing (one monthly at 49.00, one yearly at 490.00), then the first
    # upgrading to 99.00, downgrading to 79.00 and canceling; the yearly one is not touched
    first, second = uuid.uuid4(), uuid.uuid4()
    events = [
        ("activated", coach_id, "2026-03-02T10:00:00Z", first, 4900, "month", {}),
        ("activated", other_coach_id, "2026-03-03T10:00:00Z", second, 49000, "year", {}),
        ("updated", coach_id, "2026-03-10T10:00:00Z", first, 9900, "month", {"previous_amount": 4900}),
        ("updated", coach_id, "2026-03-20T10:00:00Z", first, 7900, "month", {"previous_amount": 9900}),
        ("canceled", coach_id, "2026-03-25T10:00:00Z", first, 7900, "month", {}),
    ]
    sent = []
    # delivered newest first except the first activation, and the upgrade twice
    for kind, coach, at, subscription_id, amount, interval, over in events:
        payload = make.subscription(
            kind, coach, at, subscription_id=subscription_id, amount=amount, interval=interval, **over
        )
        sent.append((f"billing.subscription.{kind}", payload))
    for event_type, payload in sent:
        envelope = feed(event_type, payload)
        if payload.get("changedAt") == "2026-03-10T10:00:00Z":
            feed(event_type, payload, again=envelope)
    # when an admin reads March, by month and by day
    body = _money(admin_client)
    days = _money(admin_client, bucket="day")["buckets"]
    # then the movements are exact: 49 + 40.83 new, 50 expansion, 20 contraction, 79 churn
    assert body["totals"]["money"] == [
        {
            "currency": "USD",
            "mrr": 4083,
            "mrrNew": 4900 + 4083,
            "mrrExpansion": 5000,
            "mrrContraction": 2000,
            "mrrChurn": 7900,
            "gmv": 0,
        }
    ]
    assert body["totals"]["coachesChurned"] == 1
    assert body["totals"]["coachesActive"] == 2
    by_day = {row["start"]: row["money"][0]["mrr"] for row in days if row["money"]}
    assert (by_day["2026-03-02"], by_day["2026-03-03"], by_day["2026-03-10"]) == (4900, 8983, 13983)
    assert (by_day["2026-03-20"], by_day["2026-03-25"], by_day["2026-03-31"]) == (11983, 4083, 4083)


def test_an_older_subscription_event_arriving_late_moves_nothing(feed, admin_client, coach_id):
    # given an upgrade known, then the activation before it arriving late
    subscription_id = uuid.uuid4()
    feed(
        "billing.subscription.updated",
        make.subscription(
            "updated",
            coach_id,
            "2026-03-10T10:00:00Z",
            subscription_id=subscription_id,
            amount=9900,
            previous_amount=4900,
        ),
    )
    feed(
        "billing.subscription.activated",
        make.subscription("activated", coach_id, "2026-03-02T10:00:00Z", subscription_id=subscription_id, amount=4900),
    )
    # then the subscription counts once, at its newest amount
    money = _money(admin_client)["totals"]["money"]
    assert money == [
        {
            "currency": "USD",
            "mrr": 9900,
            "mrrNew": 9900,
            "mrrExpansion": 0,
            "mrrContraction": 0,
            "mrrChurn": 0,
            "gmv": 0,
        }
    ]


def test_two_changes_within_one_second_both_move_mrr_in_their_order(feed, admin_client, coach_id):
    # given an activation, then an upgrade and a downgrade Stripe stamped with the same second
    subscription_id = uuid.uuid4()
    feed(
        "billing.subscription.activated",
        make.subscription("activated", coach_id, "2026-03-02T10:00:00Z", subscription_id=subscription_id, amount=4900),
    )
    for amount, previous in ((9900, 4900), (2900, 9900)):
        feed(
            "billing.subscription.updated",
            make.subscription(
                "updated",
                coach_id,
                "2026-03-10T10:00:00Z",
                subscription_id=subscription_id,
                amount=amount,
                previous_amount=previous,
            ),
        )
    # then the later change wins, and both moved MRR
    (money,) = _money(admin_client)["totals"]["money"]
    assert (money["mrr"], money["mrrNew"], money["mrrExpansion"], money["mrrContraction"]) == (2900, 4900, 5000, 7000)


def test_coaches_gmv_and_webhook_health(feed, admin_client, coach_id, other_coach_id):
    # given two new coaches, two course sales in two currencies, a subscription payment (no GMV),
    # and three failed webhooks of which one is dead-lettered
    feed("auth.user.created", make.user_created(coach_id, "2026-03-01T08:00:00Z"))
    feed("auth.user.created", make.user_created(other_coach_id, "2026-03-05T08:00:00Z"))
    feed("billing.payment.completed", make.payment(coach_id, "2026-03-05T09:00:00Z", amount=10000, currency="USD"))
    feed("billing.payment.completed", make.payment(other_coach_id, "2026-03-06T09:00:00Z", amount=2000, currency="EUR"))
    feed(
        "billing.payment.completed",
        make.payment(
            coach_id,
            "2026-03-06T09:00:00Z",
            amount=4900,
            kind="subscription",
            planId=str(uuid.uuid4()),
            subscriptionId=str(uuid.uuid4()),
            clientId=None,
            clientEmail=None,
            clientName=None,
        ),
    )
    feed("integrations.webhook.failed", make.webhook_failed("2026-03-07T09:00:00Z", will_retry=True))
    feed("integrations.webhook.failed", make.webhook_failed("2026-03-07T10:00:00Z", will_retry=True))
    feed("integrations.webhook.failed", make.webhook_failed("2026-03-07T11:00:00Z", will_retry=False))
    # when an admin reads March
    totals = _money(admin_client)["totals"]
    # then
    assert totals["coachesNew"] == 2
    assert totals["courseSales"] == 2
    assert [(row["currency"], row["gmv"]) for row in totals["money"]] == [("EUR", 2000), ("USD", 10000)]
    assert totals["webhooks"] == [{"provider": "stripe", "received": 0, "processed": 0, "failed": 3, "deadLettered": 1}]


def test_bus_dead_letters_count_from_the_kernels_notices(feed, admin_client):
    # given two dead letters the kernel asked admins to hear of, and another context's notice request
    for letter, at in ((uuid.uuid4(), "2026-03-07T09:00:00Z"), (uuid.uuid4(), "2026-03-08T09:00:00Z")):
        notice = {
            "notificationId": str(letter),
            "kind": "event_dead_lettered",
            "title": "comms gave up on courses.enrollment.completed",
            "body": "After 5 attempts: TemplateMissingError",
            "link": None,
            "createdAt": at,
        }
        feed("notify.admins", notice)
    feed("notify.admins", {**notice, "notificationId": str(uuid.uuid4()), "kind": "platform_maintenance"})
    # when an admin reads March, by day
    report = _money(admin_client, bucket="day")
    # then
    assert report["totals"]["eventsDeadLettered"] == 2
    by_day = {row["start"]: row["eventsDeadLettered"] for row in report["buckets"]}
    assert (by_day["2026-03-07"], by_day["2026-03-08"], by_day["2026-03-09"]) == (1, 1, 0)


def test_coaches_may_not_read_the_platform(coach_client):
    response = coach_client.get("/analytics/platform", MARCH)
    assert response.status_code == 403

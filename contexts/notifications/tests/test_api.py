"""The notifications API: each caller reads and changes only its own notifications; read states,
the unread count, preferences and stream tickets."""


import pytest

from contexts.notifications.models import Notification, Preference, UnreadCounter
from contexts.notifications.tests.factories import notification_for
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases="__all__")
LIST = "/notifications/notifications"
SOME_ID = "50e1d000-0000-4000-8000-000000000001"


def _shape(row: Notification) -> dict:
    return {
        "id": str(row.id),
        "seq": row.seq,
        "kind": row.kind,
        "title": row.title,
        "body": row.body,
        "link": row.link,
        "coachId": str(row.coach_id) if row.coach_id else None,
        "readAt": iso_z(row.read_at) if row.read_at else None,
        "createdAt": iso_z(row.created_at),
    }


def _unread(user_id) -> int:
    return UnreadCounter.objects.get(user_id=user_id).unread


# --- list and read -------------------------------------------------------------------------------
def test_a_coach_lists_only_its_own_newest_first(coach_client, coach_id, own_notification, others_notification):
    # given
    newer = notification_for(coach_id, kind="payment_received", title="Newer")
    # when
    response = coach_client.get(LIST)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [_shape(newer), _shape(own_notification)],
    }


def test_an_admin_reads_its_own_inbox_not_the_coaches(admin_client, known_admin, own_notification):
    # given a platform notice for the admin
    notice = notification_for(known_admin.id, kind="webhook_failed", title="Webhook")
    # when
    response = admin_client.get(LIST)
    # then
    assert [row["id"] for row in response.json()["results"]] == [str(notice.id)]


def test_the_list_filters_unread_and_kind(coach_client, coach_id):
    # given
    lead = notification_for(coach_id, kind="lead_created")
    sale = notification_for(coach_id, kind="payment_received")
    assert coach_client.post(f"{LIST}/{lead.id}/read").status_code == 200
    # when
    unread = coach_client.get(LIST, {"unread": "true"}).json()["results"]
    read = coach_client.get(LIST, {"unread": "false"}).json()["results"]
    sales = coach_client.get(LIST, {"kind": "payment_received"}).json()["results"]
    # then
    assert [row["id"] for row in unread] == [str(sale.id)]
    assert [row["id"] for row in read] == [str(lead.id)]
    assert [row["id"] for row in sales] == [str(sale.id)]


def test_a_bad_filter_is_a_400_naming_it(coach_client):
    response = coach_client.get(LIST, {"unread": "maybe", "kind": "Not A Kind"})
    assert response.status_code == 400
    assert set(response.json()["fieldErrors"]) == {"unread", "kind"}


def test_mark_one_read_counts_it_once(coach_client, coach_id, own_notification):
    # when it is marked twice
    first = coach_client.post(f"{LIST}/{own_notification.id}/read")
    second = coach_client.post(f"{LIST}/{own_notification.id}/read")
    # then
    own_notification.refresh_from_db()
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == _shape(own_notification)
    assert own_notification.read_at is not None
    assert _unread(coach_id) == 0


def test_mark_all_read(coach_client, coach_id):
    # given three, one already read
    rows = [notification_for(coach_id) for _ in range(3)]
    coach_client.post(f"{LIST}/{rows[0].id}/read")
    # when
    response = coach_client.post(f"{LIST}/read")
    # then
    assert response.status_code == 200
    assert response.json() == {"marked": 2, "unread": 0}
    assert not Notification.objects.filter(recipient_user_id=coach_id, read_at__isnull=True).exists()
    assert coach_client.get("/notifications/unread-count").json() == {"unread": 0}


def test_the_unread_count_follows_every_change(coach_client, coach_id):
    # given
    assert coach_client.get("/notifications/unread-count").json() == {"unread": 0}
    rows = [notification_for(coach_id) for _ in range(4)]
    assert coach_client.get("/notifications/unread-count").json() == {"unread": 4}
    # when one is read, then all, then a new one arrives
    coach_client.post(f"{LIST}/{rows[2].id}/read")
    after_one = coach_client.get("/notifications/unread-count").json()
    coach_client.post(f"{LIST}/read")
    after_all = coach_client.get("/notifications/unread-count").json()
    notification_for(coach_id)
    after_new = coach_client.get("/notifications/unread-count").json()
    # then
    assert (after_one, after_all, after_new) == ({"unread": 3}, {"unread": 0}, {"unread": 1})
    assert Notification.objects.filter(recipient_user_id=coach_id, read_at__isnull=True).count() == 1


# --- coach isolation on every endpoint ------------------------------------------------------------
def test_another_coach_cannot_read_or_mark_a_notification(other_coach_client, coach_id, own_notification):
    # when the other coach tries each endpoint that names it
    detail = other_coach_client.get(f"{LIST}/{own_notification.id}")
    mark = other_coach_client.post(f"{LIST}/{own_notification.id}/read")
    mark_all = other_coach_client.post(f"{LIST}/read")
    listed = other_coach_client.get(LIST)
    count = other_coach_client.get("/notifications/unread-count")
    # then it sees nothing of it and changes nothing
    not_found = {"status": 404, "code": "notification_not_found", "message": "No such notification.", "fieldErrors": {}}
    assert (detail.status_code, detail.json()) == (404, not_found)
    assert (mark.status_code, mark.json()) == (404, not_found)
    assert mark_all.json() == {"marked": 0, "unread": 0}
    assert listed.json()["count"] == 0
    assert count.json() == {"unread": 0}
    own_notification.refresh_from_db()
    assert own_notification.read_at is None
    assert _unread(coach_id) == 1


def test_preferences_are_each_users_own(coach_client, other_coach_client, coach_id):
    # when one coach turns a kind off
    coach_client.patch(
        "/notifications/preferences", {"preferences": [{"kind": "asset_ready", "inApp": False}]}, format="json"
    )
    # then the other's are untouched
    theirs = {row["kind"]: row["inApp"] for row in other_coach_client.get("/notifications/preferences").json()}
    assert theirs["asset_ready"] is True
    assert list(Preference.objects.values_list("user_id", "kind", "in_app")) == [(coach_id, "asset_ready", False)]


def test_a_stream_ticket_opens_only_its_owners_stream(coach_client, coach_id, others_notification, settings):
    # given the coach's ticket (a ticket names its user; no other user's stream can be asked for)
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "STREAM_WSGI_MAX_SECONDS": 0.0}
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]
    # when the stream is opened with it, asking to resume from the start
    response = coach_client.get("/notifications/stream", {"ticket": ticket, "lastEventId": "0"})
    body = b"".join(response.streaming_content).decode()
    # then it carries the coach's count and none of the other coach's notifications
    assert response.status_code == 200
    assert 'event: unread\ndata: {"unread":0}' in body
    assert "event: notification" not in body
    assert "Theirs" not in body


# --- preferences ------------------------------------------------------------------------------------
def test_preferences_list_the_roles_kinds_on_by_default(coach_client, admin_client):
    coach = coach_client.get("/notifications/preferences").json()
    admin = admin_client.get("/notifications/preferences").json()
    assert [row["kind"] for row in coach] == [
        "payment_received",
        "payment_refunded",
        "payment_failed",
        "lead_created",
        "lead_booked",
        "course_completed",
        "asset_ready",
        "asset_failed",
    ]
    assert [row["kind"] for row in admin] == [
        "webhook_failed",
        "event_dead_lettered",
        "coach_signed_up",
        "subscription_canceled",
    ]
    assert all(row["inApp"] for row in coach + admin)
    assert coach[0] == {"kind": "payment_received", "label": "A client paid you (a course sale)", "inApp": True}


def test_preferences_update_and_a_requested_kind(coach_client):
    # when a catalog kind and a kind other contexts ask for are turned off, then one back on
    coach_client.patch(
        "/notifications/preferences",
        {"preferences": [{"kind": "lead_created", "inApp": False}, {"kind": "course_review_due", "inApp": False}]},
        format="json",
    )
    response = coach_client.patch(
        "/notifications/preferences", {"preferences": [{"kind": "lead_created", "inApp": True}]}, format="json"
    )
    # then
    assert response.status_code == 200
    rows = {row["kind"]: row["inApp"] for row in response.json()}
    assert (rows["lead_created"], rows["course_review_due"]) == (True, False)
    assert response.json()[-1] == {"kind": "course_review_due", "label": "", "inApp": False}


def test_a_bad_preference_is_a_400_and_changes_nothing(coach_client):
    response = coach_client.patch(
        "/notifications/preferences",
        {"preferences": [{"kind": "lead_created", "inApp": False}, {"kind": "Bad Kind!", "inApp": "sometimes"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {
        "preferences.1.kind": ["This value does not match the required pattern."],
        "preferences.1.inApp": ["Must be a valid boolean."],
    }
    assert not Preference.objects.exists()
    assert coach_client.patch("/notifications/preferences", {"preferences": []}, format="json").status_code == 400


# --- who may call ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", LIST),
        ("get", f"{LIST}/{SOME_ID}"),
        ("post", f"{LIST}/{SOME_ID}/read"),
        ("post", f"{LIST}/read"),
        ("get", "/notifications/unread-count"),
        ("get", "/notifications/preferences"),
        ("patch", "/notifications/preferences"),
        ("post", "/notifications/stream/ticket"),
    ],
)
def test_every_endpoint_needs_a_token(api_client, method, url):
    response = getattr(api_client, method)(url)
    assert response.status_code == 401


def test_the_stream_refuses_a_missing_forged_or_expired_ticket(api_client, coach_client, settings):
    # given a real ticket, and one that has expired
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "STREAM_TICKET_SECONDS": -1}
    # when
    missing = api_client.get("/notifications/stream")
    forged = api_client.get("/notifications/stream", {"ticket": ticket[:-2] + "xx"})
    expired = api_client.get("/notifications/stream", {"ticket": ticket})
    # then
    for response in (missing, forged, expired):
        assert response.status_code == 401
        assert response.json()["code"] == "stream_ticket_invalid"


def test_a_bad_last_event_id_is_a_400(coach_client):
    ticket = coach_client.post("/notifications/stream/ticket").json()["ticket"]
    response = coach_client.get("/notifications/stream", {"ticket": ticket}, HTTP_LAST_EVENT_ID="ten")
    assert response.status_code == 400
    assert response.json()["code"] == "last_event_id_invalid"


def test_the_ticket_answer(coach_client):
    response = coach_client.post("/notifications/stream/ticket")
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "ticket": body["ticket"],
        "expiresIn": 60,
        "streamUrl": f"/notifications/stream?ticket={body['ticket']}",
    }


def test_options_answers_without_a_server_error(coach_client, own_notification):
    for url in (LIST, f"{LIST}/{own_notification.id}", "/notifications/preferences", "/notifications/unread-count"):
        response = coach_client.options(url)
        assert response.status_code == 200, url

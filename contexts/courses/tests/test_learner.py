"""A learner with an access link: what is open when (drip, sequence, previews), the video's resume
position and watched seconds, and completion by threshold and by the lessons that count."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from contexts.courses import services
from contexts.courses.access import access_token_issue
from contexts.courses.models import EnrollmentStatus, LessonKind, LessonProgress, MediaState
from contexts.courses.tests.conftest import build_course, grant, learner_client_for
from nlc.events.testing import published_events
from nlc.media_links import media_link_read
from nlc.testing.principals import COACH_ID
from nlc.time import iso_z

pytestmark = pytest.mark.django_db(databases=["courses"])

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _lessons(outline: dict) -> dict[str, dict]:
    return {lesson["title"]: lesson for module in outline["modules"] for lesson in module["lessons"]}


def _state(outline: dict) -> dict[str, tuple]:
    return {
        title: (lesson["state"], lesson["lockedReason"], lesson["opensAt"])
        for title, lesson in _lessons(outline).items()
    }


def _watch(client, lesson, start: int, end: int, traveller, *, step: int = 10) -> dict:
    """Play ``lesson`` from ``start`` to ``end`` with a heartbeat every ``step`` seconds of clock."""
    response = None
    position = start
    while position < end:
        traveller.shift(timedelta(seconds=step))
        nxt = min(end, position + step)
        response = client.post(
            f"/courses/learn/lessons/{lesson.id}/progress", {"positionSeconds": nxt, "watchedFromSeconds": position}
        )
        assert response.status_code == 200, response.json()
        position = nxt
    return response.json()


def _complete(client, lesson) -> dict:
    response = client.post(f"/courses/learn/lessons/{lesson.id}/progress", {"completed": True})
    assert response.status_code == 200, response.json()
    return response.json()


def test_drip_and_sequence_open_lessons_over_time():
    with time_machine.travel(T0, tick=False) as traveller:
        # given a sequential course: week 1 (a video, a text, an optional text, a text), week 2 dripping after 7 days
        built = build_course(
            sequential=True,
            modules=[
                (
                    "Week 1",
                    {},
                    [
                        ("Video", LessonKind.VIDEO, {"duration_seconds": 100}),
                        ("Read", LessonKind.TEXT, {}),
                        ("Extra", LessonKind.TEXT, {"is_required": False}),
                        ("Do", LessonKind.TEXT, {}),
                    ],
                ),
                ("Week 2", {"opens_after_days": 7}, [("Review", LessonKind.TEXT, {})]),
            ],
        )
        lessons = built.lessons
        learner = learner_client_for(grant(built.course))
        week_two_opens = iso_z(T0 + timedelta(days=7))
        # then only the first lesson is open; week 2 says when it opens
        outline = learner.get("/courses/learn/outline").json()
        assert _state(outline) == {
            "Video": ("open", None, None),
            "Read": ("locked", "sequential", None),
            "Extra": ("locked", "sequential", None),
            "Do": ("locked", "sequential", None),
            "Review": ("locked", "drip", week_two_opens),
        }
        assert _lessons(outline)["Read"]["waitingForLessonId"] == str(lessons["Video"].id)
        assert (outline["modules"][1]["state"], outline["modules"][1]["opensAt"]) == ("locked", week_two_opens)
        # a locked lesson can neither be read nor progressed
        locked = learner.get(f"/courses/learn/lessons/{lessons['Read'].id}")
        assert (locked.status_code, locked.json()["code"], locked.json()["details"]) == (
            403,
            "lesson_locked",
            {"reason": "sequential", "opensAt": None, "waitingForLessonId": str(lessons["Video"].id)},
        )
        assert (
            learner.post(f"/courses/learn/lessons/{lessons['Read'].id}/progress", {"completed": True}).status_code
            == 403
        )
        assert not LessonProgress.objects.filter(lesson=lessons["Read"]).exists()
        # when the video is watched to its threshold, the next required lesson opens (the optional one waits for it)
        _watch(learner, lessons["Video"], 0, 90, traveller)
        assert _state(learner.get("/courses/learn/outline").json())["Read"] == ("open", None, None)
        assert _state(learner.get("/courses/learn/outline").json())["Extra"] == ("locked", "sequential", None)
        _complete(learner, lessons["Read"])
        assert {t: s[0] for t, s in _state(learner.get("/courses/learn/outline").json()).items()} == {
            "Video": "open",
            "Read": "open",
            "Extra": "open",
            "Do": "open",
            "Review": "locked",
        }
        done = _complete(learner, lessons["Do"])
        assert (done["enrollment"]["progressPercent"], done["enrollment"]["status"]) == (75, "active")
        # week 2 is still dripping: refused with the date it opens
        early = learner.post(f"/courses/learn/lessons/{lessons['Review'].id}/progress", {"completed": True})
        assert (early.status_code, early.json()["details"]["opensAt"]) == (403, week_two_opens)
        # a second before the date it is still locked, at the date it opens
        traveller.move_to(T0 + timedelta(days=7) - timedelta(seconds=1))
        assert _state(learner.get("/courses/learn/outline").json())["Review"][0] == "locked"
        traveller.move_to(T0 + timedelta(days=7))
        assert _state(learner.get("/courses/learn/outline").json())["Review"] == ("open", None, None)
        # completing it completes the course: the optional lesson does not count
        final = _complete(learner, lessons["Review"])
    assert (final["enrollment"]["status"], final["enrollment"]["progressPercent"]) == ("completed", 100)
    assert final["enrollment"]["completedLessons"] == final["enrollment"]["totalLessons"] == 4


def test_a_module_dripping_on_a_date_opens_for_everyone_then_and_a_free_preview_is_always_open():
    opens = T0 + timedelta(days=3)
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(
            modules=[
                (
                    "Later",
                    {"opens_at": opens},
                    [("Teaser", LessonKind.TEXT, {"is_free_preview": True}), ("Body", LessonKind.TEXT, {})],
                ),
            ],
        )
        learner = learner_client_for(grant(built.course))
        assert _state(learner.get("/courses/learn/outline").json()) == {
            "Teaser": ("open", None, None),
            "Body": ("locked", "drip", iso_z(opens)),
        }
        assert learner.get(f"/courses/learn/lessons/{built.lessons['Teaser'].id}").status_code == 200
        traveller.move_to(opens)
        assert _state(learner.get("/courses/learn/outline").json())["Body"] == ("open", None, None)


def test_a_lesson_drip_counts_from_the_learners_own_enrollment():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(modules=[("M", {}, [("Day 2", LessonKind.TEXT, {"opens_after_days": 2})])])
        early = learner_client_for(grant(built.course, email="early@example.com"))
        traveller.shift(timedelta(days=1))
        late = learner_client_for(grant(built.course, email="late@example.com"))
        traveller.shift(timedelta(days=1))
        assert _state(early.get("/courses/learn/outline").json())["Day 2"][0] == "open"
        assert _state(late.get("/courses/learn/outline").json())["Day 2"] == (
            "locked",
            "drip",
            iso_z(T0 + timedelta(days=3)),
        )


def test_a_video_completes_at_its_threshold_of_watched_seconds_not_before():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(
            modules=[
                (
                    "M",
                    {},
                    [
                        ("Default", LessonKind.VIDEO, {"duration_seconds": 100}),
                        ("Half", LessonKind.VIDEO, {"duration_seconds": 100, "completion_threshold_percent": 50}),
                    ],
                )
            ]
        )
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        almost = _watch(learner, built.lessons["Default"], 0, 89, traveller)
        assert (almost["completed"], almost["watchedSeconds"], almost["progressPercent"]) == (False, 89, 89)
        assert published_events(context="courses", event_type="courses.progress.updated") == []
        done = _watch(learner, built.lessons["Default"], 89, 90, traveller)
        assert (done["completed"], done["watchedSeconds"], done["progressPercent"]) == (True, 90, 100)
        assert done["enrollment"]["progressPercent"] == 50
        half = _watch(learner, built.lessons["Half"], 0, 50, traveller)
        assert (half["completed"], half["enrollment"]["status"]) == (True, "completed")
    # marking a video done is refused: it completes by watching
    refused = learner.post(f"/courses/learn/lessons/{built.lessons['Default'].id}/progress", {"completed": True})
    assert (refused.status_code, refused.json()["code"]) == (400, "video_completes_by_watching")


def test_the_video_resumes_exactly_where_the_learner_left():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(modules=[("M", {}, [("Video", LessonKind.VIDEO, {"duration_seconds": 600})])])
        learner = learner_client_for(grant(built.course))
        video = built.lessons["Video"]
        _watch(learner, video, 0, 80, traveller)
        # the learner seeks back to 00:37 and closes the tab
        traveller.shift(timedelta(seconds=3))
        learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 37})
        lesson = learner.get(f"/courses/learn/lessons/{video.id}").json()
        outline = learner.get("/courses/learn/outline").json()
    assert (lesson["progress"]["positionSeconds"], lesson["progress"]["watchedSeconds"]) == (37, 80)
    assert outline["resume"] == {"lessonId": str(video.id), "positionSeconds": 37}
    # a fractional position counts whole seconds, and a position past the end is the end
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 41.8})
        assert learner.get(f"/courses/learn/lessons/{video.id}").json()["progress"]["positionSeconds"] == 41
        learner.post(f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 9999})
        assert learner.get(f"/courses/learn/lessons/{video.id}").json()["progress"]["positionSeconds"] == 600


def test_rewatching_does_not_count_twice_and_the_ranges_stay_compact():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(modules=[("M", {}, [("Video", LessonKind.VIDEO, {"duration_seconds": 300})])])
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        video = built.lessons["Video"]
        _watch(learner, video, 0, 60, traveller)
        _watch(learner, video, 30, 90, traveller)  # half of it again
        _watch(learner, video, 0, 60, traveller)  # all of it again
        _watch(learner, video, 200, 220, traveller)  # a jump ahead
        progress = LessonProgress.objects.get(enrollment=enrollment, lesson=video)
    assert (progress.watched_seconds, progress.watched_ranges) == (110, [[0, 90], [200, 220]])
    assert progress.completed_at is None


def test_a_report_cannot_claim_more_than_could_have_played():
    with time_machine.travel(T0, tick=False) as traveller:
        built = build_course(modules=[("M", {}, [("Video", LessonKind.VIDEO, {"duration_seconds": 3600})])])
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        video = built.lessons["Video"]
        # a first report claiming the whole hour counts only the grace (30 s) before the position
        first = learner.post(
            f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 3600, "watchedFromSeconds": 0}
        )
        assert (first.json()["watchedSeconds"], first.json()["completed"]) == (30, False)
        # ten seconds later, at most 2x10 + 30 seconds more
        traveller.shift(timedelta(seconds=10))
        second = learner.post(
            f"/courses/learn/lessons/{video.id}/progress", {"positionSeconds": 1000, "watchedFromSeconds": 0}
        )
    assert second.json()["watchedSeconds"] == 80
    assert LessonProgress.objects.get(enrollment=enrollment).watched_ranges == [[950, 1000], [3570, 3600]]


def test_only_the_lessons_that_count_complete_a_course():
    with time_machine.travel(T0, tick=False):
        built = build_course(
            modules=[
                (
                    "M",
                    {},
                    [
                        ("Must", LessonKind.TEXT, {}),
                        ("Maybe", LessonKind.TEXT, {"is_required": False}),
                        ("File", LessonKind.DOWNLOAD, {}),
                    ],
                )
            ]
        )
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        optional = _complete(learner, built.lessons["Maybe"])
        assert (optional["completed"], optional["enrollment"]["progressPercent"]) == (True, 0)
        assert _complete(learner, built.lessons["Must"])["enrollment"]["progressPercent"] == 50
        last = _complete(learner, built.lessons["File"])
    assert (last["enrollment"]["status"], last["enrollment"]["completedAt"]) == ("completed", iso_z(T0))
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.counted_lessons_completed, enrollment.counted_lessons_total) == (
        EnrollmentStatus.COMPLETED,
        2,
        2,
    )
    # a progress report for every completed lesson, one completion event
    assert len(published_events(context="courses", event_type="courses.progress.updated")) == 3
    assert len(published_events(context="courses", event_type="courses.enrollment.completed")) == 1


def test_a_course_with_no_required_lesson_counts_them_all():
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {"is_required": False})] * 1)])
    learner = learner_client_for(grant(built.course))
    assert learner.get("/courses/learn/outline").json()["enrollment"]["totalLessons"] == 1
    assert _complete(learner, built.lessons["A"])["enrollment"]["status"] == "completed"


def test_adding_a_required_lesson_moves_the_learners_percent(coach_client):
    built = build_course(modules=[("M", {}, [("A", LessonKind.TEXT, {}), ("B", LessonKind.TEXT, {})])])
    enrollment = grant(built.course)
    learner = learner_client_for(enrollment)
    _complete(learner, built.lessons["A"])
    coach_client.post(f"/courses/modules/{built.modules[0].id}/lessons", {"title": "C", "kind": "text"})
    enrollment.refresh_from_db()
    assert (enrollment.counted_lessons_completed, enrollment.counted_lessons_total, enrollment.progress_percent) == (
        1,
        3,
        33,
    )
    moved = published_events(context="courses", event_type="courses.progress.updated")[-1]["payload"]
    assert (moved["lessonId"], moved["progressPercent"], moved["totalLessons"]) == (None, 33, 3)
    # deleting the two the learner has not done completes the course
    coach_client.delete(f"/courses/lessons/{built.lessons['B'].id}")
    lesson_c = enrollment.course.lessons.get(title="C")
    coach_client.delete(f"/courses/lessons/{lesson_c.id}")
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.progress_percent) == (EnrollmentStatus.COMPLETED, 100)


def test_progress_input_is_checked():
    built = build_course(
        modules=[("M", {}, [("Video", LessonKind.VIDEO, {"duration_seconds": 60}), ("Text", LessonKind.TEXT, {})])]
    )
    learner = learner_client_for(grant(built.course))
    video, text = built.lessons["Video"], built.lessons["Text"]
    cases = [
        (video, {}, "positionSeconds"),
        (video, {"positionSeconds": 10, "watchedFromSeconds": 20}, "watchedFromSeconds"),
        (video, {"positionSeconds": -1}, "positionSeconds"),
        (text, {"positionSeconds": 3}, "positionSeconds"),
        (text, {}, "completed"),
    ]
    for lesson, body, field in cases:
        response = learner.post(f"/courses/learn/lessons/{lesson.id}/progress", body)
        assert (response.status_code, list(response.json()["fieldErrors"])) == (400, [field]), body
    assert LessonProgress.objects.count() == 0


def test_reading_a_lesson_gives_its_content():
    built = build_course(modules=[("M", {}, [("Text", LessonKind.TEXT, {"body": "# Hello"})])])
    lesson = learner_client_for(grant(built.course)).get(f"/courses/learn/lessons/{built.lessons['Text'].id}").json()
    assert (lesson["title"], lesson["body"], lesson["progress"]["completed"]) == ("Text", "# Hello", False)


def _media_ready(asset_id: uuid.UUID, *, kind: str, provider: str, external_id: str = "", playback_url=None):
    services.media_asset_state_apply(
        asset_id=asset_id,
        coach_id=COACH_ID,
        kind=kind,
        state=MediaState.READY,
        changed_at=timezone.now(),
        provider=provider,
        external_id=external_id,
        playback_url=playback_url,
    )


def test_a_ready_lesson_carries_its_playback_and_a_pending_one_none(settings):
    settings.MEDIA = {**settings.MEDIA, "PUBLIC_BASE_URL": "https://api.example.com/"}
    vimeo, hashed, local, workbook, pending = (uuid.uuid4() for _ in range(5))
    _media_ready(vimeo, kind="video", provider="vimeo", external_id="76979871")
    _media_ready(
        hashed, kind="video", provider="vimeo", external_id="1", playback_url="https://player.vimeo.com/video/1?h=ab"
    )
    _media_ready(local, kind="video", provider="local", external_id="videos/x")
    _media_ready(workbook, kind="document", provider="storage", external_id="documents/x")
    lessons = [
        ("Vimeo", LessonKind.VIDEO, {"media_asset_id": vimeo}),
        ("Hashed", LessonKind.VIDEO, {"media_asset_id": hashed}),
        ("Local", LessonKind.VIDEO, {"media_asset_id": local}),
        ("Workbook", LessonKind.DOWNLOAD, {"media_asset_id": workbook, "file_name": "w.pdf"}),
        ("Pending", LessonKind.VIDEO, {"media_asset_id": pending}),
        ("Text", LessonKind.TEXT, {}),
    ]
    built = build_course(modules=[("M", {}, lessons)])
    enrollment = grant(built.course)
    learner = learner_client_for(enrollment)
    moment = timezone.now().replace(microsecond=0)

    def playback(title):
        with time_machine.travel(moment, tick=False):
            response = learner.get(f"/courses/learn/lessons/{built.lessons[title].id}")
        assert response.status_code == 200
        return response.json()["playback"]

    # a Vimeo video: its player URL (with the privacy hash when media sent it), nothing to sign
    assert playback("Vimeo") == {"type": "embed", "url": "https://player.vimeo.com/video/76979871", "expiresAt": None}
    assert playback("Hashed") == {"type": "embed", "url": "https://player.vimeo.com/video/1?h=ab", "expiresAt": None}
    # a file: a link signed for this enrollment that expires in five minutes (a download once, a stream again)
    expires = iso_z(moment + timedelta(minutes=5))
    for title, asset_id, type_, purpose in (("Workbook", workbook, "download", "d"), ("Local", local, "stream", "s")):
        answer = playback(title)
        assert (answer["type"], answer["expiresAt"]) == (type_, expires)
        prefix = "https://api.example.com/media/downloads/"
        assert answer["url"].startswith(prefix)
        grant_ = media_link_read(answer["url"].removeprefix(prefix), max_age=300)
        assert (grant_.asset_id, grant_.enrollment_id, grant_.purpose) == (asset_id, enrollment.id, purpose)
    # every read signs a fresh link
    assert playback("Workbook")["url"] != playback("Workbook")["url"]
    # nothing to play yet, or nothing at all
    assert playback("Pending") is None
    assert playback("Text") is None


def test_a_revoked_learner_gets_no_link():
    workbook = uuid.uuid4()
    _media_ready(workbook, kind="document", provider="storage", external_id="documents/x")
    built = build_course(modules=[("M", {}, [("Workbook", LessonKind.DOWNLOAD, {"media_asset_id": workbook})])])
    enrollment = grant(built.course)
    learner = learner_client_for(enrollment)
    url = f"/courses/learn/lessons/{built.lessons['Workbook'].id}"
    assert learner.get(url).json()["playback"]["type"] == "download"
    services.enrollment_revoke(enrollment=enrollment)
    refused = learner.get(url)
    assert refused.status_code == 403
    assert "playback" not in refused.json()


def test_an_access_link_is_needed_and_checked(api_client, coach_client):
    built = build_course()
    enrollment = grant(built.course)
    # no link, a malformed one, a forged signature, a coach's bearer token: all 401, nothing read
    assert api_client.get("/courses/learn/outline").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION="AccessLink not-a-token")
    refused = api_client.get("/courses/learn/outline")
    assert refused.json()["code"] == "access_link_invalid"
    assert refused["WWW-Authenticate"] == 'AccessLink realm="learn"'
    token = access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {forged}")
    assert api_client.get("/courses/learn/outline").json()["code"] == "access_link_invalid"
    other_version = access_token_issue(enrollment_id=enrollment.id, access_version=enrollment.access_version + 1)
    api_client.credentials(HTTP_AUTHORIZATION=f"AccessLink {other_version}")
    assert api_client.get("/courses/learn/outline").json()["code"] == "access_link_invalid"
    assert coach_client.get("/courses/learn/outline").status_code == 401
    assert learner_client_for(enrollment).get("/courses/learn/outline").status_code == 200


def test_the_public_preview_shows_the_outline_and_only_free_previews():
    built = build_course(
        modules=[
            (
                "M",
                {},
                [("Free", LessonKind.TEXT, {"is_free_preview": True, "body": "hi"}), ("Paid", LessonKind.TEXT, {})],
            )
        ]
    )
    from rest_framework.test import APIClient

    anyone = APIClient()
    outline = anyone.get(f"/courses/preview/{built.course.id}").json()
    assert [(lesson["title"], lesson["freePreview"]) for lesson in outline["modules"][0]["lessons"]] == [
        ("Free", True),
        ("Paid", False),
    ]
    assert anyone.get(f"/courses/preview/{built.course.id}/lessons/{built.lessons['Free'].id}").json()["body"] == "hi"
    paid = anyone.get(f"/courses/preview/{built.course.id}/lessons/{built.lessons['Paid'].id}")
    assert (paid.status_code, paid.json()["code"]) == (403, "enrollment_required")
    draft = build_course(title="Draft", publish=False)
    assert anyone.get(f"/courses/preview/{draft.course.id}").status_code == 404


def _playback(client, lesson, body: dict):
    return client.post(f"/courses/learn/lessons/{lesson.id}/playback", body, format="json")


def test_playback_reports_and_the_completion_announce_the_lessons_asset():
    asset_id = uuid.uuid4()
    with time_machine.travel(T0, tick=False) as traveller:
        # given a course with a 100-second video lesson on a media asset, and a text lesson
        built = build_course(
            modules=[
                (
                    "M",
                    {},
                    [
                        ("Video", LessonKind.VIDEO, {"duration_seconds": 100, "media_asset_id": asset_id}),
                        ("Read", LessonKind.TEXT, {}),
                    ],
                )
            ]
        )
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        video = built.lessons["Video"]
        # when the learner starts the video, then reports 40 seconds watched
        started = _playback(learner, video, {"event": "started", "secondsWatched": 0})
        traveller.shift(timedelta(seconds=40))
        watched = _playback(learner, video, {"event": "progress", "secondsWatched": 40})
        # and watches it to its threshold
        _watch(learner, video, 0, 90, traveller)
    # then each report and the completion are progress.updated v2 naming the asset; the counts move only on completion
    assert (started.status_code, watched.status_code) == (204, 204)
    published = published_events(context="courses", event_type="courses.progress.updated")
    assert [event["schemaVersion"] for event in published] == [2, 2, 2]
    common = {
        "enrollmentId": str(enrollment.id),
        "courseId": str(built.course.id),
        "clientId": str(enrollment.client_id),
        "coachId": str(COACH_ID),
        "lessonId": str(video.id),
        "assetId": str(asset_id),
        "totalLessons": 2,
    }
    assert [event["payload"] for event in published] == [
        {
            **common,
            "playStarted": True,
            "secondsWatched": 0,
            "lessonCompleted": False,
            "completedLessons": 0,
            "progressPercent": 0,
            "updatedAt": iso_z(T0),
        },
        {
            **common,
            "playStarted": False,
            "secondsWatched": 40,
            "lessonCompleted": False,
            "completedLessons": 0,
            "progressPercent": 0,
            "updatedAt": iso_z(T0 + timedelta(seconds=40)),
        },
        {
            **common,
            "playStarted": False,
            "secondsWatched": 0,
            "lessonCompleted": True,
            "completedLessons": 1,
            "progressPercent": 50,
            "updatedAt": iso_z(T0 + timedelta(seconds=130)),
        },
    ]
    # and a text lesson's completion names no asset
    _complete(learner, built.lessons["Read"])
    last = published_events(context="courses", event_type="courses.progress.updated")[-1]["payload"]
    assert (last["lessonId"], last["assetId"], last["lessonCompleted"], last["progressPercent"]) == (
        str(built.lessons["Read"].id),
        None,
        True,
        100,
    )


def test_playback_input_is_checked():
    built = build_course(
        modules=[
            (
                "M",
                {},
                [
                    ("Video", LessonKind.VIDEO, {"duration_seconds": 60, "media_asset_id": uuid.uuid4()}),
                    ("No video yet", LessonKind.VIDEO, {"duration_seconds": 60}),
                    ("Text", LessonKind.TEXT, {}),
                ],
            )
        ]
    )
    learner = learner_client_for(grant(built.course))
    video = built.lessons["Video"]
    cases = [
        ({"secondsWatched": 10}, ["event"]),
        ({"event": "paused", "secondsWatched": 10}, ["event"]),
        ({"event": "progress"}, ["secondsWatched"]),
        ({"event": "progress", "secondsWatched": -1}, ["secondsWatched"]),
        ({"event": "progress", "secondsWatched": 3601}, ["secondsWatched"]),
    ]
    for body, fields in cases:
        response = _playback(learner, video, body)
        assert (response.status_code, list(response.json()["fieldErrors"])) == (400, fields), body
    # a lesson without a video asset has no playback to report
    for title in ("No video yet", "Text"):
        response = _playback(learner, built.lessons[title], {"event": "started", "secondsWatched": 0})
        assert (response.status_code, response.json()["code"]) == (400, "lesson_has_no_video"), title
    # a lesson of another course is not found
    other = build_course(
        title="Other", modules=[("M", {}, [("V", LessonKind.VIDEO, {"media_asset_id": uuid.uuid4()})])]
    )
    response = _playback(learner, other.lessons["V"], {"event": "started", "secondsWatched": 0})
    assert response.status_code == 404
    # the boundary is accepted
    assert _playback(learner, video, {"event": "progress", "secondsWatched": 3600}).status_code == 204
    assert len(published_events(context="courses", event_type="courses.progress.updated")) == 1


def test_a_revoked_or_locked_learner_reports_no_playback():
    with time_machine.travel(T0, tick=False):
        built = build_course(
            sequential=True,
            modules=[
                (
                    "M",
                    {},
                    [
                        ("First", LessonKind.VIDEO, {"duration_seconds": 60, "media_asset_id": uuid.uuid4()}),
                        ("Second", LessonKind.VIDEO, {"duration_seconds": 60, "media_asset_id": uuid.uuid4()}),
                    ],
                )
            ],
        )
        enrollment = grant(built.course)
        learner = learner_client_for(enrollment)
        body = {"event": "started", "secondsWatched": 0}
        # a lesson still locked by the sequence: 403 lesson_locked
        locked = _playback(learner, built.lessons["Second"], body)
        assert (locked.status_code, locked.json()["code"]) == (403, "lesson_locked")
        # a revoked enrollment: 403
        services.enrollment_revoke(enrollment=enrollment)
        refused = _playback(learner, built.lessons["First"], body)
        assert (refused.status_code, refused.json()["code"]) == (403, "enrollment_revoked")
    assert published_events(context="courses", event_type="courses.progress.updated") == []

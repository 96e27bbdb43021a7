"""The leads API: thin views on the kernel's bases (nlc.api.views). Each validates its input,
calls one service or selector and shapes the answer; lists through ``list_response``, one row
through its selector and ``get_or_404``."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.leads import selectors, services
from contexts.leads.data import Contact
from contexts.leads.errors import IntakeTooLargeError
from contexts.leads.serializers import (
    BookingSerializer,
    CalendlyConnectionInputSerializer,
    CalendlyConnectionSerializer,
    ClientDetailSerializer,
    ClientEnrollmentSerializer,
    ClientFilterSerializer,
    ClientSerializer,
    CoachFilterSerializer,
    DayStatsSerializer,
    ImportReportSerializer,
    IntakeInputSerializer,
    IntakeResultSerializer,
    LeadCreateInputSerializer,
    LeadFilterSerializer,
    LeadFormCreateInputSerializer,
    LeadFormSerializer,
    LeadFormUpdateInputSerializer,
    LeadImportInputSerializer,
    LeadNoteInputSerializer,
    LeadNoteSerializer,
    LeadSerializer,
    LeadStatusInputSerializer,
    LeadUpdateInputSerializer,
    PersonExportSerializer,
    PersonFilterSerializer,
    StatsFilterSerializer,
    TimelineEntrySerializer,
)
from nlc.api.permissions import IsCoach, IsCoachOrAdmin
from nlc.api.principal import ADMIN
from nlc.api.serializers import error_responses, validated
from nlc.api.throttles import LeadIntakeThrottle
from nlc.api.views import CoachOrAdminView, CoachView, PublicView, get_or_404

TAG = "leads"
INTAKE_MAX_BYTES = 16 * 1024


def _coach_writes(view) -> list:
    # Everyone's rows for an admin to read; a coach writes its own.
    return [IsCoachOrAdmin()] if view.request.method in ("GET", "HEAD", "OPTIONS") else [IsCoach()]


# --- Intake ------------------------------------------------------------------------------------
class IntakeView(PublicView):
    """A landing form's public submission, by the form's key: no account, throttled per IP."""

    throttle_classes = [LeadIntakeThrottle]

    @extend_schema(
        tags=[TAG],
        operation_id="lead_intake",
        summary="Submit a landing form (public)",
        request=IntakeInputSerializer,
        responses={202: IntakeResultSerializer, **error_responses(400, 404, 413, 429)},
    )
    def post(self, request, form_key):
        if int(request.META.get("CONTENT_LENGTH") or 0) > INTAKE_MAX_BYTES:
            raise IntakeTooLargeError(details={"maxBytes": INTAKE_MAX_BYTES})
        data = validated(IntakeInputSerializer, request.data)
        # A filled honeypot is a bot: it is told what a person is told, and nothing is kept.
        if not data.pop("website"):
            services.intake_submit(form_key=form_key, contact=Contact(**data))
        return Response({"received": True}, status=status.HTTP_202_ACCEPTED)


# --- Forms -------------------------------------------------------------------------------------
class LeadFormListView(CoachOrAdminView):
    def get_permissions(self):
        return _coach_writes(self)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_form_list",
        summary="Landing forms",
        parameters=[CoachFilterSerializer],
        responses={200: LeadFormSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.lead_form_list, serializer=LeadFormSerializer, filters=CoachFilterSerializer
        )

    @extend_schema(
        tags=[TAG],
        operation_id="lead_form_create",
        summary="Create a landing form (coaches)",
        request=LeadFormCreateInputSerializer,
        responses={201: LeadFormSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(LeadFormCreateInputSerializer, request.data)
        form = services.lead_form_create(coach_id=request.user.coach_id, name=data["name"])
        return Response(LeadFormSerializer(form).data, status=status.HTTP_201_CREATED)


class LeadFormDetailView(CoachOrAdminView):
    def get_permissions(self):
        return _coach_writes(self)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_form_retrieve",
        summary="One landing form",
        responses={200: LeadFormSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, lead_form_id):
        form = selectors.lead_form_get(principal=request.user, lead_form_id=lead_form_id)
        return Response(LeadFormSerializer(get_or_404(form, "lead_form")).data)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_form_update",
        summary="Rename a landing form or turn it on or off (coaches)",
        request=LeadFormUpdateInputSerializer,
        responses={200: LeadFormSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, lead_form_id):
        form = get_or_404(selectors.lead_form_get(principal=request.user, lead_form_id=lead_form_id), "lead_form")
        data = validated(LeadFormUpdateInputSerializer, request.data)
        form = services.lead_form_update(form=form, name=data.get("name"), is_active=data.get("is_active"))
        return Response(LeadFormSerializer(form).data)


class LeadFormRotateView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="lead_form_rotate",
        summary="Give a landing form a new public key; the old one stops working (coaches)",
        request=None,
        responses={200: LeadFormSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, lead_form_id):
        form = get_or_404(selectors.lead_form_get(principal=request.user, lead_form_id=lead_form_id), "lead_form")
        return Response(LeadFormSerializer(services.lead_form_rotate(form=form)).data)


# --- Leads -------------------------------------------------------------------------------------
class LeadListView(CoachOrAdminView):
    """A coach's own leads (an admin: everyone's), filtered; coaches add theirs."""

    def get_permissions(self):
        return _coach_writes(self)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_list",
        summary="Leads",
        parameters=[LeadFilterSerializer],
        responses={200: LeadSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.lead_list, serializer=LeadSerializer, filters=LeadFilterSerializer
        )

    @extend_schema(
        tags=[TAG],
        operation_id="lead_create",
        summary="Add a lead (coaches)",
        request=LeadCreateInputSerializer,
        responses={201: LeadSerializer, **error_responses(400, 401, 403, 409)},
    )
    def post(self, request):
        data = validated(LeadCreateInputSerializer, request.data)
        data["tags"] = tuple(data["tags"])
        lead = services.lead_create(coach_id=request.user.coach_id, contact=Contact(**data))
        return Response(LeadSerializer(lead).data, status=status.HTTP_201_CREATED)


class LeadDetailView(CoachOrAdminView):
    """One lead: another coach's answers 404, as one that does not exist."""

    def get_permissions(self):
        return _coach_writes(self)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_retrieve",
        summary="One lead",
        responses={200: LeadSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, lead_id):
        return Response(
            LeadSerializer(get_or_404(selectors.lead_get(principal=request.user, lead_id=lead_id), "lead")).data
        )

    @extend_schema(
        tags=[TAG],
        operation_id="lead_update",
        summary="Edit a lead's name, phone or tags (coaches)",
        request=LeadUpdateInputSerializer,
        responses={200: LeadSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, lead_id):
        lead = get_or_404(selectors.lead_get(principal=request.user, lead_id=lead_id), "lead")
        data = validated(LeadUpdateInputSerializer, request.data)
        lead = services.lead_update(
            lead=lead,
            name=data.get("name"),
            phone=data.get("phone"),
            tags=data.get("tags"),
            changed_by_user_id=request.user.id,
        )
        return Response(LeadSerializer(lead).data)


class LeadStatusView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="lead_status_move",
        summary="Move a lead in the pipeline (coaches)",
        request=LeadStatusInputSerializer,
        responses={200: LeadSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, lead_id):
        lead = get_or_404(selectors.lead_get(principal=request.user, lead_id=lead_id), "lead")
        data = validated(LeadStatusInputSerializer, request.data)
        lead = services.lead_status_move(lead=lead, to_status=data["status"], changed_by_user_id=request.user.id)
        return Response(LeadSerializer(lead).data)


class LeadNoteListView(CoachOrAdminView):
    def get_permissions(self):
        return _coach_writes(self)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_note_list",
        summary="A lead's notes, newest first",
        responses={200: LeadNoteSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, lead_id):
        lead = get_or_404(selectors.lead_get(principal=request.user, lead_id=lead_id), "lead")
        return self.list_response(request, selector=selectors.lead_note_list, serializer=LeadNoteSerializer, lead=lead)

    @extend_schema(
        tags=[TAG],
        operation_id="lead_note_create",
        summary="Add a note to a lead (coaches)",
        request=LeadNoteInputSerializer,
        responses={201: LeadNoteSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, lead_id):
        lead = get_or_404(selectors.lead_get(principal=request.user, lead_id=lead_id), "lead")
        data = validated(LeadNoteInputSerializer, request.data)
        note = services.lead_note_add(lead=lead, author_id=request.user.id, body=data["body"])
        return Response(LeadNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class LeadImportView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="lead_import",
        summary="Import contacts from CSV: a dry run reports each row; a commit writes the valid ones (coaches)",
        request=LeadImportInputSerializer,
        responses={200: ImportReportSerializer, **error_responses(400, 401, 403, 413)},
    )
    def post(self, request):
        data = validated(LeadImportInputSerializer, request.data)
        report = services.lead_import(coach_id=request.user.coach_id, text=data["csv"], dry_run=data["dry_run"])
        return Response(ImportReportSerializer(report).data)


class LeadExportView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="lead_export",
        summary="The coach's leads as CSV (what the import reads back)",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **error_responses(401, 403)},
    )
    def get(self, request):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=selectors.EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(selectors.lead_export_rows(principal=request.user))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="leads.csv"'
        return response


# --- Clients and bookings ----------------------------------------------------------------------
class ClientListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="client_list",
        summary="Clients (people who paid), newest first",
        parameters=[ClientFilterSerializer],
        responses={200: ClientSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.client_list, serializer=ClientSerializer, filters=ClientFilterSerializer
        )


class ClientDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="client_retrieve",
        summary="One client, with enrollments and total paid",
        responses={200: ClientDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, client_row_id):
        client = get_or_404(selectors.client_get(principal=request.user, client_row_id=client_row_id), "client")
        enrollments = selectors.client_enrollment_list(client=client)
        return Response(
            {**ClientSerializer(client).data, "enrollments": ClientEnrollmentSerializer(enrollments, many=True).data}
        )


class BookingListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="booking_list",
        summary="Calendly bookings, latest start first",
        parameters=[CoachFilterSerializer],
        responses={200: BookingSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.booking_list, serializer=BookingSerializer, filters=CoachFilterSerializer
        )


class CalendlyConnectionView(CoachView):
    """The coach's Calendly user: bookings made with it reach this coach's leads."""

    @extend_schema(
        tags=[TAG],
        operation_id="calendly_connection_retrieve",
        summary="The coach's Calendly connection",
        responses={200: CalendlyConnectionSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request):
        connection = selectors.calendly_connection_get(principal=request.user)
        return Response(CalendlyConnectionSerializer(get_or_404(connection, "calendly_connection")).data)

    @extend_schema(
        tags=[TAG],
        operation_id="calendly_connection_save",
        summary="Connect the coach's Calendly user",
        request=CalendlyConnectionInputSerializer,
        responses={200: CalendlyConnectionSerializer, **error_responses(400, 401, 403, 409)},
    )
    def put(self, request):
        data = validated(CalendlyConnectionInputSerializer, request.data)
        connection = services.calendly_connection_save(coach_id=request.user.coach_id, **data)
        return Response(CalendlyConnectionSerializer(connection).data)

    @extend_schema(
        tags=[TAG],
        operation_id="calendly_connection_delete",
        summary="Disconnect Calendly",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request):
        connection = selectors.calendly_connection_get(principal=request.user)
        services.calendly_connection_delete(connection=get_or_404(connection, "calendly_connection"))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Stats -------------------------------------------------------------------------------------
class LeadStatsView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="lead_stats",
        summary="Lead stats per day: new leads by source, bookings, conversions, conversion rate",
        parameters=[StatsFilterSerializer],
        responses={200: DayStatsSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.lead_stat_list, serializer=DayStatsSerializer, filters=StatsFilterSerializer
        )


# --- One person: timeline, export, erasure -----------------------------------------------------
def _person_coach(request, client_id):
    filters = validated(PersonFilterSerializer, request.query_params)
    coach_id = selectors.person_coach_id(principal=request.user, client_id=client_id, coach_id=filters.get("coach_id"))
    return get_or_404(coach_id, "person")


class PersonTimelineView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="person_timeline",
        summary="Every touch of a lead or client, oldest first",
        parameters=[PersonFilterSerializer],
        responses={200: TimelineEntrySerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, client_id):
        coach_id = _person_coach(request, client_id)
        # Entries in their wire shape, not a serializer per row: a page of 200 is the hot read
        # (benchmarks/leads.py); the shape is TimelineEntrySerializer's, which documents it.
        page = self.paginate_queryset(selectors.TimelinePages(coach_id=coach_id, client_id=client_id))
        return self.get_paginated_response(page)


class PersonView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="person_export",
        summary="Everything leads holds about a person (privacy export)",
        parameters=[PersonFilterSerializer],
        responses={200: PersonExportSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, client_id):
        coach_id = _person_coach(request, client_id)
        return Response(PersonExportSerializer(selectors.person_export(coach_id=coach_id, client_id=client_id)).data)

    @extend_schema(
        tags=[TAG],
        operation_id="person_erase",
        summary="Erase a person: leads deletes its rows and tells every context (leads.client.erased)",
        parameters=[PersonFilterSerializer],
        responses={204: None, **error_responses(400, 401, 403, 404)},
    )
    def delete(self, request, client_id):
        coach_id = _person_coach(request, client_id)
        services.person_erase(
            coach_id=coach_id,
            client_id=client_id,
            requested_by_user_id=request.user.id,
            requested_by_role=ADMIN if request.user.is_admin else "coach",
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

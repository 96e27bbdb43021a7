"""The comms API: thin views on the kernel's bases (nlc.api.views). Coaches see and change only
their own rows (anyone else's answer 404), admins see all and write the platform's templates."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from contexts.comms import selectors, services
from contexts.comms.defaults import BUILTIN, SAMPLES
from contexts.comms.serializers import (
    DateRangeFilterSerializer,
    DefaultTemplateSerializer,
    DeliverabilitySerializer,
    MessageDetailSerializer,
    MessageFilterSerializer,
    MessageSerializer,
    RenderedEmailSerializer,
    ScheduledEmailFilterSerializer,
    ScheduledEmailInputSerializer,
    ScheduledEmailSerializer,
    SenderIdentitySerializer,
    SequenceFilterSerializer,
    SequenceInputSerializer,
    SequenceRunFilterSerializer,
    SequenceRunSerializer,
    SequenceRunStartSerializer,
    SequenceSerializer,
    TemplateFilterSerializer,
    TemplateInputSerializer,
    TemplatePreviewInputSerializer,
    TemplateSerializer,
    UnsubscribeSerializer,
)
from nlc.api.permissions import IsCoach, IsCoachOrAdmin
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, CoachView, PublicView, get_or_404

TAG = "comms"


# -- templates --------------------------------------------------------------------------------------
class TemplateListView(CoachOrAdminView):
    """Template versions: a coach's own overrides; an admin's, every one. A POST saves a new version
    (a coach: of its own override; an admin: of the platform default)."""

    @extend_schema(
        tags=[TAG],
        operation_id="template_list",
        summary="Template versions",
        parameters=[TemplateFilterSerializer],
        responses={200: TemplateSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.template_list, serializer=TemplateSerializer, filters=TemplateFilterSerializer
        )

    @extend_schema(
        tags=[TAG],
        operation_id="template_save",
        summary="Save a new version of a template (refused when it does not render)",
        request=TemplateInputSerializer,
        responses={201: TemplateSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(TemplateInputSerializer, request.data)
        template = services.template_save(
            key=data["key"],
            coach_id=None if request.user.is_admin else request.user.coach_id,
            subject=data["subject"],
            text_body=data["text_body"],
            html_body=data["html_body"],
            created_by=request.user.id,
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="template_retrieve",
        summary="One template version",
        responses={200: TemplateSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, template_id):
        template = selectors.template_get(principal=request.user, template_id=template_id)
        return Response(TemplateSerializer(get_or_404(template, "template")).data)

    @extend_schema(
        tags=[TAG],
        operation_id="template_delete",
        summary="Delete every version of this template's key for its owner (back to the default)",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, template_id):
        template = selectors.template_get(principal=request.user, template_id=template_id)
        services.template_delete(template=get_or_404(template, "template"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateVersionPreviewView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="template_version_preview",
        summary="A saved template rendered with its key's sample data",
        responses={200: RenderedEmailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, template_id):
        template = get_or_404(selectors.template_get(principal=request.user, template_id=template_id), "template")
        rendered = services.template_preview(
            key=template.key, subject=template.subject, text_body=template.text_body, html_body=template.html_body
        )
        return Response(RenderedEmailSerializer(rendered).data)


class TemplatePreviewView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="template_preview",
        summary="A draft rendered with sample data (the key's, or the given data), nothing saved",
        request=TemplatePreviewInputSerializer,
        responses={200: RenderedEmailSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(TemplatePreviewInputSerializer, request.data)
        rendered = services.template_preview(
            key=data["key"],
            subject=data["subject"],
            text_body=data["text_body"],
            html_body=data["html_body"],
            data=data.get("data"),
        )
        return Response(RenderedEmailSerializer(rendered).data)


class DefaultTemplateListView(CoachOrAdminView):
    """The built-in templates, with the values each key's templates are given."""

    pagination_class = None

    @extend_schema(
        tags=[TAG],
        operation_id="template_default_list",
        summary="Built-in templates and their sample data",
        responses={200: DefaultTemplateSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        rows = [
            {
                "key": t.key,
                "category": t.category,
                "subject": t.subject,
                "text_body": t.text_body,
                "html_body": t.html_body,
                "sample": SAMPLES.get(t.key, {}),
            }
            for t in BUILTIN.values()
        ]
        return Response(DefaultTemplateSerializer(rows, many=True).data)


# -- messages and deliverability --------------------------------------------------------------------
class MessageListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="message_list",
        summary="E-mails sent (or to be sent) for the coach",
        parameters=[MessageFilterSerializer],
        responses={200: MessageSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.message_list, serializer=MessageSerializer, filters=MessageFilterSerializer
        )


class MessageDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="message_retrieve",
        summary="One e-mail, with its bodies (single-use links removed once sent)",
        responses={200: MessageDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, message_id):
        message = selectors.message_get(principal=request.user, message_id=message_id)
        return Response(MessageDetailSerializer(get_or_404(message, "message")).data)


class DeliverabilityView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="deliverability_report",
        summary="Sent, delivered, opened, clicked, bounced, complained over a period, with rates",
        parameters=[DateRangeFilterSerializer],
        responses={200: DeliverabilitySerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = validated(DateRangeFilterSerializer, request.query_params)
        report = selectors.deliverability_report(principal=request.user, filters=filters)
        return Response(DeliverabilitySerializer(report).data)


# -- sequences --------------------------------------------------------------------------------------
class CoachWritesView(CoachOrAdminView):
    """Everyone's rows for an admin to read; a coach writes its own."""

    def get_permissions(self):
        return [IsCoachOrAdmin()] if self.request.method in ("GET", "HEAD", "OPTIONS") else [IsCoach()]


class SequenceListView(CoachWritesView):
    @extend_schema(
        tags=[TAG],
        operation_id="sequence_list",
        summary="Sequences",
        parameters=[SequenceFilterSerializer],
        responses={200: SequenceSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.sequence_list, serializer=SequenceSerializer, filters=SequenceFilterSerializer
        )

    @extend_schema(
        tags=[TAG],
        operation_id="sequence_create",
        summary="Create a sequence (coaches): ordered steps, a trigger, exit on purchase",
        request=SequenceInputSerializer,
        responses={201: SequenceSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(SequenceInputSerializer, request.data)
        sequence = services.sequence_create(
            coach_id=request.user.coach_id,
            name=data["name"],
            trigger=data["trigger"],
            trigger_value=data["trigger_value"],
            exit_on_purchase=data["exit_on_purchase"],
            steps=[(step["template_key"], step["delay_seconds"]) for step in data["steps"]],
        )
        shown = selectors.sequence_get(principal=request.user, sequence_id=sequence.id)
        return Response(SequenceSerializer(shown).data, status=status.HTTP_201_CREATED)


class SequenceDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="sequence_retrieve",
        summary="One sequence with its steps",
        responses={200: SequenceSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, sequence_id):
        sequence = selectors.sequence_get(principal=request.user, sequence_id=sequence_id)
        return Response(SequenceSerializer(get_or_404(sequence, "sequence")).data)


class SequenceCancelView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="sequence_cancel",
        summary="Cancel a sequence: every run exits, no new ones start",
        request=None,
        responses={200: SequenceSerializer, **error_responses(401, 403, 404)},
    )
    def post(self, request, sequence_id):
        sequence = get_or_404(selectors.sequence_get(principal=request.user, sequence_id=sequence_id), "sequence")
        services.sequence_cancel(sequence=sequence)
        shown = selectors.sequence_get(principal=request.user, sequence_id=sequence.id)
        return Response(SequenceSerializer(shown).data)


class SequenceRunListView(CoachWritesView):
    @extend_schema(
        tags=[TAG],
        operation_id="sequence_run_list",
        summary="The recipients' runs through a sequence",
        parameters=[SequenceRunFilterSerializer],
        responses={200: SequenceRunSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, sequence_id):
        sequence = get_or_404(selectors.sequence_get(principal=request.user, sequence_id=sequence_id), "sequence")
        return self.list_response(
            request,
            selector=selectors.sequence_run_list,
            serializer=SequenceRunSerializer,
            filters=SequenceRunFilterSerializer,
            sequence=sequence,
        )

    @extend_schema(
        tags=[TAG],
        operation_id="sequence_run_start",
        summary="Enroll a recipient by hand (its active run, if it has one)",
        request=SequenceRunStartSerializer,
        responses={201: SequenceRunSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, sequence_id):
        sequence = get_or_404(selectors.sequence_get(principal=request.user, sequence_id=sequence_id), "sequence")
        data = validated(SequenceRunStartSerializer, request.data)
        run = services.sequence_run_start(
            sequence=sequence, email=data["email"], name=data["name"], client_id=None, trigger="manual"
        )
        return Response(SequenceRunSerializer(run).data, status=status.HTTP_201_CREATED)


# -- scheduled e-mails --------------------------------------------------------------------------------
class ScheduledEmailListView(CoachWritesView):
    @extend_schema(
        tags=[TAG],
        operation_id="scheduled_email_list",
        summary="Scheduled e-mails",
        parameters=[ScheduledEmailFilterSerializer],
        responses={200: ScheduledEmailSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.scheduled_email_list,
            serializer=ScheduledEmailSerializer,
            filters=ScheduledEmailFilterSerializer,
        )

    @extend_schema(
        tags=[TAG],
        operation_id="scheduled_email_create",
        summary="Schedule an e-mail (coaches): to one recipient, or a segment of the coach's clients",
        request=ScheduledEmailInputSerializer,
        responses={201: ScheduledEmailSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = validated(ScheduledEmailInputSerializer, request.data)
        scheduled = services.scheduled_email_create(coach_id=request.user.coach_id, **data)
        return Response(ScheduledEmailSerializer(scheduled).data, status=status.HTTP_201_CREATED)


class ScheduledEmailDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        operation_id="scheduled_email_retrieve",
        summary="One scheduled e-mail",
        responses={200: ScheduledEmailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, scheduled_email_id):
        row = selectors.scheduled_email_get(principal=request.user, scheduled_email_id=scheduled_email_id)
        return Response(ScheduledEmailSerializer(get_or_404(row, "scheduled_email")).data)


class ScheduledEmailCancelView(CoachView):
    @extend_schema(
        tags=[TAG],
        operation_id="scheduled_email_cancel",
        summary="Cancel a scheduled e-mail that has not gone yet",
        request=None,
        responses={200: ScheduledEmailSerializer, **error_responses(401, 403, 404, 409)},
    )
    def post(self, request, scheduled_email_id):
        row = selectors.scheduled_email_get(principal=request.user, scheduled_email_id=scheduled_email_id)
        cancelled = services.scheduled_email_cancel(scheduled=get_or_404(row, "scheduled_email"))
        return Response(ScheduledEmailSerializer(cancelled).data)


# -- sender identity, unsubscribe -------------------------------------------------------------------
class SenderIdentityView(CoachView):
    """How the coach's mail to its clients is signed (From name, Reply-To); the address is the
    platform's sending domain."""

    @extend_schema(
        tags=[TAG],
        operation_id="sender_identity_retrieve",
        summary="The coach's sender identity",
        responses={200: SenderIdentitySerializer, **error_responses(401, 403)},
    )
    def get(self, request):
        identity = selectors.sender_identity_get(coach_id=request.user.coach_id)
        shown = identity or {"from_name": services.default_from_name(), "reply_to": ""}
        return Response(SenderIdentitySerializer(shown).data)

    @extend_schema(
        tags=[TAG],
        operation_id="sender_identity_update",
        summary="Set the coach's sender identity",
        request=SenderIdentitySerializer,
        responses={200: SenderIdentitySerializer, **error_responses(400, 401, 403)},
    )
    def put(self, request):
        data = validated(SenderIdentitySerializer, request.data)
        identity = services.sender_identity_set(
            coach_id=request.user.coach_id, from_name=data["from_name"], reply_to=data["reply_to"]
        )
        return Response(SenderIdentitySerializer(identity).data)


class UnsubscribeView(PublicView):
    """RFC 8058 one-click unsubscribe: a mail client POSTs ``List-Unsubscribe=One-Click`` to the
    signed link of a marketing e-mail's ``List-Unsubscribe`` header, with no login. A link works once."""

    @extend_schema(
        tags=[TAG],
        operation_id="unsubscribe_apply",
        summary="One-click unsubscribe (RFC 8058), from a signed link",
        request=None,
        responses={200: UnsubscribeSerializer, **error_responses(400, 409)},
    )
    def post(self, request, token: str):
        services.unsubscribe_apply(token=token)
        return Response(UnsubscribeSerializer({"status": "unsubscribed"}).data)

"""The billing API under /billing/: thin views that validate, call a service or selector, and answer.

Callers are known from their token alone (nlc.api). A coach sees and changes only its own money
artifacts: anyone else's answer 404, as if they did not exist. Admins see all and write plans.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contexts.billing import selectors, services
from contexts.billing.serializers import (
    AdminPlanSerializer,
    CoachFilterSerializer,
    InvoiceFilterSerializer,
    InvoiceSerializer,
    PaymentLinkCreateInputSerializer,
    PaymentLinkFilterSerializer,
    PaymentLinkSerializer,
    PaymentMethodSerializer,
    PlanCreateInputSerializer,
    PlanFilterSerializer,
    PlanSerializer,
    PlanUpdateInputSerializer,
    SubscriptionCreateInputSerializer,
    SubscriptionFilterSerializer,
    SubscriptionSerializer,
    TransactionDetailSerializer,
    TransactionFilterSerializer,
    TransactionSerializer,
)
from nlc.api.permissions import IsAdmin, IsCoach, IsCoachOrAdmin
from nlc.api.serializers import error_responses, validated
from nlc.api.views import CoachOrAdminView, get_or_404

TAG = "billing"
STRIPE_ERRORS = error_responses(502, 503)


# -- plans ----------------------------------------------------------------------------------------
class PlanListView(CoachOrAdminView):
    def get_permissions(self):
        # Anyone signed in reads the plans on offer; only admins create them.
        return [IsAdmin()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        tags=[TAG],
        summary="Plans",
        description="Everyone signed in sees the active plans; admins see all (filter with `active`).",
        parameters=[PlanFilterSerializer],
        responses={200: PlanSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.plan_list,
            serializer=AdminPlanSerializer if request.user.is_admin else PlanSerializer,
            filters=PlanFilterSerializer,
        )

    @extend_schema(
        tags=[TAG],
        summary="Create a plan (admins)",
        description="Creates its Stripe product and recurring price.",
        request=PlanCreateInputSerializer,
        responses={201: AdminPlanSerializer, **error_responses(400, 401, 403), **STRIPE_ERRORS},
    )
    def post(self, request):
        data = validated(PlanCreateInputSerializer, request.data)
        plan = services.plan_create(**data)
        return Response(AdminPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(CoachOrAdminView):
    def get_permissions(self):
        return [IsAdmin()] if self.request.method == "PATCH" else [IsAuthenticated()]

    @extend_schema(tags=[TAG], summary="One plan", responses={200: PlanSerializer, **error_responses(401, 404)})
    def get(self, request, plan_id):
        plan = get_or_404(selectors.plan_get(principal=request.user, plan_id=plan_id), "plan")
        serializer = AdminPlanSerializer if request.user.is_admin else PlanSerializer
        return Response(serializer(plan).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a plan (admins)",
        description="A new amount, currency or interval creates a new Stripe price for new checkouts; "
        "`active: false` stops offering the plan.",
        request=PlanUpdateInputSerializer,
        responses={200: AdminPlanSerializer, **error_responses(400, 401, 403, 404), **STRIPE_ERRORS},
    )
    def patch(self, request, plan_id):
        plan = get_or_404(selectors.plan_get(principal=request.user, plan_id=plan_id), "plan")
        data = validated(PlanUpdateInputSerializer, request.data)
        plan = services.plan_update(plan=plan, **data)
        return Response(AdminPlanSerializer(plan).data)


# -- subscriptions --------------------------------------------------------------------------------
class SubscriptionListView(CoachOrAdminView):
    def get_permissions(self):
        return [IsCoach()] if self.request.method == "POST" else [IsCoachOrAdmin()]

    @extend_schema(
        tags=[TAG],
        summary="Subscriptions",
        parameters=[SubscriptionFilterSerializer],
        responses={200: SubscriptionSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.subscription_list,
            serializer=SubscriptionSerializer,
            filters=SubscriptionFilterSerializer,
        )

    @extend_schema(
        tags=[TAG],
        summary="Subscribe to a plan (coaches)",
        description="Starts a Stripe Checkout session; send the coach to `checkoutUrl`. The subscription "
        "stays `incomplete` until Stripe reports it active.",
        request=SubscriptionCreateInputSerializer,
        responses={201: SubscriptionSerializer, **error_responses(400, 401, 403, 409), **STRIPE_ERRORS},
    )
    def post(self, request):
        data = validated(SubscriptionCreateInputSerializer, request.data)
        subscription = services.subscription_checkout_start(
            coach_id=request.user.coach_id, coach_email=request.user.email, plan_id=data["plan_id"]
        )
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


class SubscriptionDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="One subscription",
        responses={200: SubscriptionSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, subscription_id):
        subscription = get_or_404(
            selectors.subscription_get(principal=request.user, subscription_id=subscription_id), "subscription"
        )
        return Response(SubscriptionSerializer(subscription).data)


class SubscriptionCancelView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Cancel at the end of the current period",
        description="The coach keeps the plan until `currentPeriodEnd`. Asking again changes nothing.",
        request=None,
        responses={200: SubscriptionSerializer, **error_responses(401, 403, 404, 409), **STRIPE_ERRORS},
    )
    def post(self, request, subscription_id):
        subscription = get_or_404(
            selectors.subscription_get(principal=request.user, subscription_id=subscription_id), "subscription"
        )
        subscription = services.subscription_cancel_at_period_end(subscription=subscription)
        return Response(SubscriptionSerializer(subscription).data)


# -- invoices and transactions --------------------------------------------------------------------
class InvoiceListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Invoices",
        parameters=[InvoiceFilterSerializer],
        responses={200: InvoiceSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request, selector=selectors.invoice_list, serializer=InvoiceSerializer, filters=InvoiceFilterSerializer
        )


class InvoiceDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG], summary="One invoice", responses={200: InvoiceSerializer, **error_responses(401, 403, 404)}
    )
    def get(self, request, invoice_id):
        return Response(
            InvoiceSerializer(
                get_or_404(selectors.invoice_get(principal=request.user, invoice_id=invoice_id), "invoice")
            ).data
        )


class TransactionListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Transactions",
        description="Payments, newest first; `since`/`until` bound when the payment was started.",
        parameters=[TransactionFilterSerializer],
        responses={200: TransactionSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.transaction_list,
            serializer=TransactionSerializer,
            filters=TransactionFilterSerializer,
        )


class TransactionDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="One transaction, with its refunds",
        responses={200: TransactionDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, transaction_id):
        row = get_or_404(
            selectors.transaction_get(principal=request.user, transaction_id=transaction_id), "transaction"
        )
        return Response(TransactionDetailSerializer(row).data)


# -- payment links --------------------------------------------------------------------------------
class PaymentLinkListView(CoachOrAdminView):
    def get_permissions(self):
        return [IsCoach()] if self.request.method == "POST" else [IsCoachOrAdmin()]

    @extend_schema(
        tags=[TAG],
        summary="Payment links",
        parameters=[PaymentLinkFilterSerializer],
        responses={200: PaymentLinkSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.payment_link_list,
            serializer=PaymentLinkSerializer,
            filters=PaymentLinkFilterSerializer,
        )

    @extend_schema(
        tags=[TAG],
        summary="Create a payment link for a course (coaches)",
        description="Creates a Stripe price and payment link; share `url` with buyers.",
        request=PaymentLinkCreateInputSerializer,
        responses={201: PaymentLinkSerializer, **error_responses(400, 401, 403), **STRIPE_ERRORS},
    )
    def post(self, request):
        data = validated(PaymentLinkCreateInputSerializer, request.data)
        link = services.payment_link_create(coach_id=request.user.coach_id, **data)
        return Response(PaymentLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class PaymentLinkDetailView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG], summary="One payment link", responses={200: PaymentLinkSerializer, **error_responses(401, 403, 404)}
    )
    def get(self, request, payment_link_id):
        link = get_or_404(
            selectors.payment_link_get(principal=request.user, payment_link_id=payment_link_id), "payment_link"
        )
        return Response(PaymentLinkSerializer(link).data)


class PaymentLinkDeactivateView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Deactivate a payment link",
        description="Buyers can no longer pay through it. Asking again changes nothing.",
        request=None,
        responses={200: PaymentLinkSerializer, **error_responses(401, 403, 404), **STRIPE_ERRORS},
    )
    def post(self, request, payment_link_id):
        link = get_or_404(
            selectors.payment_link_get(principal=request.user, payment_link_id=payment_link_id), "payment_link"
        )
        return Response(PaymentLinkSerializer(services.payment_link_deactivate(payment_link=link)).data)


# -- payment methods ------------------------------------------------------------------------------
class PaymentMethodListView(CoachOrAdminView):
    @extend_schema(
        tags=[TAG],
        summary="Payment methods",
        description="The cards coaches keep at Stripe for their subscription: brand, last four digits, expiry.",
        parameters=[CoachFilterSerializer],
        responses={200: PaymentMethodSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        return self.list_response(
            request,
            selector=selectors.payment_method_list,
            serializer=PaymentMethodSerializer,
            filters=CoachFilterSerializer,
        )

"""The platform's built-in templates (version 0 of each platform key) and the sample data of each.

An admin's platform template of the same key (a ``Template`` row with no coach) replaces a built-in
one; a coach's template of the same key replaces both for that coach's mail. Each key lists the
values its templates are given: ``SAMPLES`` holds one set of them (previews, and tests that every
default renders).
"""

from __future__ import annotations

from dataclasses import dataclass

from contexts.comms.models import Category


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    category: str
    subject: str
    text_body: str
    html_body: str


PASSWORD_RESET = "password_reset"
WELCOME = "welcome"
ENROLLMENT_ACCESS = "enrollment_access"
ENROLLMENT_COMPLETED = "enrollment_completed"
PAYMENT_RECEIPT = "payment_receipt"
INVOICE_ISSUED = "invoice_issued"
PAYMENT_FAILED = "payment_failed"

BUILTIN: dict[str, BuiltinTemplate] = {
    t.key: t
    for t in (
        BuiltinTemplate(
            key=PASSWORD_RESET,
            category=Category.TRANSACTIONAL,
            subject="Reset your NextLevelCoach password",
            text_body=(
                "Hi {{ first_name|default:'there' }},\n\n"
                "Someone (we hope you) asked to reset the password of your NextLevelCoach account.\n"
                "Choose a new password here: {{ reset_url }}\n\n"
                "The link works once, until {{ expires_at }}. If you did not ask for it, ignore this e-mail.\n"
            ),
            html_body=(
                "<p>Hi {{ first_name|default:'there' }},</p>"
                "<p>Someone (we hope you) asked to reset the password of your NextLevelCoach account.</p>"
                '<p><a href="{{ reset_url }}">Choose a new password</a></p>'
                "<p>The link works once, until {{ expires_at }}. If you did not ask for it, ignore this e-mail.</p>"
            ),
        ),
        BuiltinTemplate(
            key=WELCOME,
            category=Category.TRANSACTIONAL,
            subject="Welcome to NextLevelCoach, {{ first_name|default:'coach' }}",
            text_body=(
                "Hi {{ first_name|default:'there' }},\n\n"
                "Your NextLevelCoach account is ready. Create your first course, add a payment link, and "
                "your clients get their access link by e-mail the moment they buy.\n"
            ),
            html_body=(
                "<p>Hi {{ first_name|default:'there' }},</p>"
                "<p>Your NextLevelCoach account is ready. Create your first course, add a payment link, and "
                "your clients get their access link by e-mail the moment they buy.</p>"
            ),
        ),
        BuiltinTemplate(
            key=ENROLLMENT_ACCESS,
            category=Category.TRANSACTIONAL,
            subject="Your access to {{ course_title }}",
            text_body=(
                "Hi {{ client_name|default:'there' }},\n\n"
                "You are enrolled in {{ course_title }}.\n"
                "{% if access_url %}Start here: {{ access_url }}\n\nKeep this link to yourself: it is your key "
                "to the course.{% else %}Your coach will send you the way in.{% endif %}\n"
            ),
            html_body=(
                "<p>Hi {{ client_name|default:'there' }},</p>"
                "<p>You are enrolled in <strong>{{ course_title }}</strong>.</p>"
                '{% if access_url %}<p><a href="{{ access_url }}">Start the course</a></p>'
                "<p>Keep this link to yourself: it is your key to the course.</p>"
                "{% else %}<p>Your coach will send you the way in.</p>{% endif %}"
            ),
        ),
        BuiltinTemplate(
            key=ENROLLMENT_COMPLETED,
            category=Category.TRANSACTIONAL,
            subject="Congratulations on completing {{ course_title }}",
            text_body=(
                "Hi {{ client_name|default:'there' }},\n\n"
                "You completed every lesson of {{ course_title }}. Well done!\n"
            ),
            html_body=(
                "<p>Hi {{ client_name|default:'there' }},</p>"
                "<p>You completed every lesson of <strong>{{ course_title }}</strong>. Well done!</p>"
            ),
        ),
        BuiltinTemplate(
            key=PAYMENT_RECEIPT,
            category=Category.TRANSACTIONAL,
            subject="Your receipt: {{ amount }}",
            text_body=(
                "Hi {{ name|default:'there' }},\n\n"
                "We received your payment of {{ amount }} on {{ paid_at }}"
                "{% if kind == 'subscription' %} for your NextLevelCoach subscription{% endif %}.\n"
                "Payment reference: {{ payment_reference }}\n"
            ),
            html_body=(
                "<p>Hi {{ name|default:'there' }},</p>"
                "<p>We received your payment of <strong>{{ amount }}</strong> on {{ paid_at }}"
                "{% if kind == 'subscription' %} for your NextLevelCoach subscription{% endif %}.</p>"
                "<p>Payment reference: {{ payment_reference }}</p>"
            ),
        ),
        BuiltinTemplate(
            key=INVOICE_ISSUED,
            category=Category.TRANSACTIONAL,
            subject="Invoice {{ number }}: {{ amount }}",
            text_body=(
                "Hi {{ name|default:'there' }},\n\n"
                "Invoice {{ number }} for {{ amount }} is {% if paid %}paid{% else %}due"
                "{% if due_at %} by {{ due_at }}{% endif %}{% endif %}.\n"
                "{% if invoice_url %}View it: {{ invoice_url }}\n{% endif %}"
                "{% if pdf_url %}PDF: {{ pdf_url }}\n{% endif %}"
            ),
            html_body=(
                "<p>Hi {{ name|default:'there' }},</p>"
                "<p>Invoice {{ number }} for <strong>{{ amount }}</strong> is {% if paid %}paid{% else %}due"
                "{% if due_at %} by {{ due_at }}{% endif %}{% endif %}.</p>"
                '{% if invoice_url %}<p><a href="{{ invoice_url }}">View the invoice</a></p>{% endif %}'
                '{% if pdf_url %}<p><a href="{{ pdf_url }}">Download the PDF</a></p>{% endif %}'
            ),
        ),
        BuiltinTemplate(
            key=PAYMENT_FAILED,
            category=Category.TRANSACTIONAL,
            subject="Your payment of {{ amount }} did not go through",
            text_body=(
                "Hi {{ name|default:'there' }},\n\n"
                "Your payment of {{ amount }} did not go through.{% if reason %} {{ reason }}{% endif %}\n"
                "{% if next_attempt_at %}We will try again on {{ next_attempt_at }}: please update your card "
                "before then.{% else %}Please update your card or use another one, then pay again.{% endif %}\n"
            ),
            html_body=(
                "<p>Hi {{ name|default:'there' }},</p>"
                "<p>Your payment of <strong>{{ amount }}</strong> did not go through."
                "{% if reason %} {{ reason }}{% endif %}</p>"
                "<p>{% if next_attempt_at %}We will try again on {{ next_attempt_at }}: please update your card "
                "before then.{% else %}Please update your card or use another one, then pay again.{% endif %}</p>"
            ),
        ),
    )
}

SAMPLES: dict[str, dict[str, object]] = {
    PASSWORD_RESET: {
        "first_name": "Cory",
        "reset_url": "https://app.nextlevelcoach.ai/reset?token=sample",
        "expires_at": "2026-12-01 10:30 UTC",
    },
    WELCOME: {"first_name": "Cory", "last_name": "Coach"},
    ENROLLMENT_ACCESS: {
        "client_name": "Casey Client",
        "course_title": "Strength 101",
        "access_url": "https://learn.nextlevelcoach.ai/access/sample",
        "coach_id": "00000000-0000-0000-0000-000000000000",
    },
    ENROLLMENT_COMPLETED: {"client_name": "Casey Client", "course_title": "Strength 101"},
    PAYMENT_RECEIPT: {
        "name": "Casey Client",
        "amount": "49.00 USD",
        "paid_at": "2026-12-01 10:30 UTC",
        "kind": "course_purchase",
        "payment_reference": "pi_sample",
    },
    INVOICE_ISSUED: {
        "name": "Cory",
        "number": "NLC-0001",
        "amount": "29.00 USD",
        "paid": False,
        "due_at": "2026-12-15 00:00 UTC",
        "invoice_url": "https://invoice.stripe.com/i/sample",
        "pdf_url": "https://invoice.stripe.com/i/sample/pdf",
    },
    PAYMENT_FAILED: {
        "name": "Cory",
        "amount": "29.00 USD",
        "reason": "Your card was declined.",
        "next_attempt_at": "2026-12-04 10:30 UTC",
    },
}

"""NextLevelCoach settings: everything comes from the environment (12-factor).

Development works with no environment at all (SQLite per context under var/, in-process event
bus, local-memory cache). Production (``NLC_ENV=production``) refuses to start without its secrets.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from nlc.contexts import build_contexts, parse_enabled
from nlc.tasks import default_task_queue, task_queues, task_routes

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

# --- Environment -------------------------------------------------------------------------------
NLC_ENV = env.str("NLC_ENV", default="development")
if NLC_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("NLC_ENV must be development, test or production")
IS_PRODUCTION = NLC_ENV == "production"
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
VAR_DIR = Path(env.str("NLC_VAR_DIR", default=str(BASE_DIR / "var")))

# --- Contexts ----------------------------------------------------------------------------------
NLC_CONTEXTS = build_contexts(parse_enabled(env.str("NLC_CONTEXTS", default="all")))

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "django_prometheus",
    "nlc.apps.PlatformConfig",
    "nlc.api.apps.ApiConfig",
    "nlc.events.apps.EventsConfig",
    *(f"{context.module}.apps.{context.name.capitalize()}Config" for context in NLC_CONTEXTS.values()),
]
if "auth" in NLC_CONTEXTS:
    # Refresh-token rotation and revocation; its tables live in the auth schema (nlc.contexts).
    INSTALLED_APPS.append("rest_framework_simplejwt.token_blacklist")

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "nlc.observability.middleware.RequestContextMiddleware",
    # With DEBUG on, Django's HTML error pages become the one JSON error shape (nlc.api.errors).
    "nlc.api.errors.JsonErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases ---------------------------------------------------------------------------------
# One alias per context. With DATABASE_URL (PostgreSQL) every alias points at the same database
# with search_path = the context's schema; DATABASE_URL_<CONTEXT> overrides one alias, typically to
# connect as that context's own role (nlc_<context>). Without DATABASE_URL each alias is its own
# SQLite file under var/, so the boundaries hold in development too.
DATABASE_URL = env.str("DATABASE_URL", default="")
DB_CONN_MAX_AGE = env.int("DB_CONN_MAX_AGE", default=600)
NLC_DB_ROLE_PREFIX = env.str("NLC_DB_ROLE_PREFIX", default="nlc_")


def _database(context) -> dict:
    url = env.str(f"DATABASE_URL_{context.name.upper()}", default="") or DATABASE_URL
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / f"{context.name}.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    config = env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL")
    config["OPTIONS"] = {
        "options": f"-c search_path={context.schema}",
        "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=5),
        "application_name": f"nlc-{context.name}",
    }
    config["CONN_MAX_AGE"] = DB_CONN_MAX_AGE
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {context.alias: _database(context) for context in NLC_CONTEXTS.values()}
DATABASE_ROUTERS = ["nlc.db.router.ContextRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User" if "auth" in NLC_CONTEXTS else "auth.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Auth: tokens, lock-out, password reset, Google sign-in ------------------------------------
# Every context verifies access tokens with this key (HS256), so every process needs the same one.
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="")
if not JWT_SIGNING_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("JWT_SIGNING_KEY must be set in production")
    JWT_SIGNING_KEY = SECRET_KEY
if IS_PRODUCTION and len(JWT_SIGNING_KEY) < 32:
    raise ImproperlyConfigured("JWT_SIGNING_KEY must be at least 32 characters long")
SIMPLE_JWT = {
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ISSUER": env.str("JWT_ISSUER", default="nextlevelcoach"),
    # Access tokens are checked from their claims alone, so their lifetime bounds how long a
    # revoked session can still call other contexts.
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TOKEN_MINUTES", default=5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "LEEWAY": env.int("JWT_LEEWAY_SECONDS", default=0),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
AUTH_LOCKOUT_MAX_FAILED_LOGINS = env.int("AUTH_LOCKOUT_MAX_FAILED_LOGINS", default=5)
AUTH_LOCKOUT_MINUTES = env.int("AUTH_LOCKOUT_MINUTES", default=15)
PASSWORD_RESET_TOKEN_MINUTES = env.int("PASSWORD_RESET_TOKEN_MINUTES", default=60)
PASSWORD_RESET_URL_TEMPLATE = env.str(
    "PASSWORD_RESET_URL_TEMPLATE", default="https://coach.nextlevelcoach.ai/reset-password?token={token}"
)
if "{token}" not in PASSWORD_RESET_URL_TEMPLATE:
    raise ImproperlyConfigured("PASSWORD_RESET_URL_TEMPLATE must contain {token}")
# OAuth client ids of the portals; an ID token must be issued to one of them. Empty: Google sign-in is off.
GOOGLE_OAUTH_CLIENT_IDS = env.list("GOOGLE_OAUTH_CLIENT_IDS", default=[])
GOOGLE_HTTP_TIMEOUT_SECONDS = env.float("GOOGLE_HTTP_TIMEOUT_SECONDS", default=5.0)

# --- Event bus --------------------------------------------------------------------------------
# With BROKER_URL the outbox is relayed to RabbitMQ; without it the inline backend delivers
# committed events to local handlers in-process (development).
BROKER_URL = env.str("BROKER_URL", default="")
NLC_BUS_NAMESPACE = env.str("NLC_BUS_NAMESPACE", default="")
NLC_CONTRACTS_DIR = BASE_DIR / "docs" / "contracts" / "events"
NLC_EVENTS = {
    "MAX_ATTEMPTS": env.int("EVENTS_MAX_ATTEMPTS", default=5),
    "RETRY_BASE_SECONDS": env.float("EVENTS_RETRY_BASE_SECONDS", default=1.0),
    "RELAY_BATCH_SIZE": env.int("EVENTS_RELAY_BATCH_SIZE", default=500),
    # Relay threads per relay process: while one waits on PostgreSQL or the broker, another publishes.
    "RELAY_WORKERS": env.int("EVENTS_RELAY_WORKERS", default=2),
    "RELAY_POLL_SECONDS": env.float("EVENTS_RELAY_POLL_SECONDS", default=1.0),
    "OUTBOX_RETENTION_DAYS": env.int("EVENTS_OUTBOX_RETENTION_DAYS", default=7),
    "HANDLER_TIMEOUT_SECONDS": env.int("EVENTS_HANDLER_TIMEOUT_SECONDS", default=300),
    # Events that carry a secret (a password-reset link, a learner's access link): their outbox rows
    # are deleted as soon as they are delivered, instead of being kept for replay.
    "EPHEMERAL_TYPES": env.list(
        "EVENTS_EPHEMERAL_TYPES", default=["auth.password.reset_requested", "courses.enrollment.created"]
    ),
}

NLC_EXTRA_CONSUMER_MODULES = env.list("NLC_EXTRA_CONSUMER_MODULES", default=[])
# RabbitMQ cancels a consumer whose delivery stays unacknowledged longer than its consumer_timeout
# (30 minutes by default); handlers are cut off well before that.
RABBITMQ_CONSUMER_TIMEOUT_SECONDS = env.int("RABBITMQ_CONSUMER_TIMEOUT_SECONDS", default=1800)

# --- Celery ------------------------------------------------------------------------------------
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
# One task queue per enabled context, its tasks ("<context>.*") and beat entries routed there by
# name (nlc/tasks.py); a worker with no -Q consumes the default queue and every context's.
CELERY_TASK_DEFAULT_QUEUE = default_task_queue(NLC_BUS_NAMESPACE)
CELERY_TASK_QUEUES = task_queues(NLC_CONTEXTS, NLC_BUS_NAMESPACE)
CELERY_TASK_ROUTES = task_routes(NLC_CONTEXTS, NLC_BUS_NAMESPACE)
CELERY_TASK_DEFAULT_QUEUE_TYPE = "quorum"
CELERY_WORKER_DETECT_QUORUM_QUEUES = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Cache -------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="nlc"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- HTTP API ----------------------------------------------------------------------------------
# Secure by default: every view needs a token unless it says otherwise, and every error has the
# one JSON shape of nlc.api.errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["nlc.api.authentication.PrincipalAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "nlc.api.pagination.PagePagination",
    # OPTIONS names the allowed methods and never asks a view for a serializer (nlc.api.metadata).
    "DEFAULT_METADATA_CLASS": "nlc.api.metadata.SafeMetadata",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "nlc.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Proxies in front of the app (1 on Render); the client IP is taken that far back in
    # X-Forwarded-For, and from the socket with 0, so throttles and the audit log cannot be fooled.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_CLASSES": ["nlc.api.throttles.DefaultRateThrottle"],
    # Rates on the shared cache: "<count>/<second|minute|hour|day>".
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("THROTTLE_RATE_USER", default="1200/minute"),
        "anon": env.str("THROTTLE_RATE_ANON", default="300/minute"),
        "login": env.str("THROTTLE_RATE_LOGIN", default="20/minute"),
        "login_account": env.str("THROTTLE_RATE_LOGIN_ACCOUNT", default="10/minute"),
        "signup": env.str("THROTTLE_RATE_SIGNUP", default="20/hour"),
        "password_reset": env.str("THROTTLE_RATE_PASSWORD_RESET", default="10/hour"),
        "password_reset_account": env.str("THROTTLE_RATE_PASSWORD_RESET_ACCOUNT", default="3/hour"),
        "lead_intake": env.str("THROTTLE_RATE_LEAD_INTAKE", default="60/minute"),
        "webhooks": env.str("THROTTLE_RATE_WEBHOOKS", default="1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NextLevelCoach API",
    "DESCRIPTION": "REST API of the NextLevelCoach platform. Errors share one shape: "
    '{"status", "code", "message", "fieldErrors"}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Staff only: admins with a Django admin session (a browser) or an admin access token.
    "SERVE_PERMISSIONS": ["nlc.api.permissions.IsAdmin"],
    "SERVE_AUTHENTICATION": [
        "rest_framework.authentication.SessionAuthentication",
        "nlc.api.authentication.PrincipalAuthentication",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    # The kernel's base classes document themselves for developers, not for API clients: their
    # docstrings never stand in for a view's or a serializer's description.
    "GET_LIB_DOC_EXCLUDES": "nlc.api.schema.lib_doc_excludes",
}
# The portals' origins (coach.nextlevelcoach.ai, admin.nextlevelcoach.ai); any origin in development.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = NLC_ENV == "development" and not CORS_ALLOWED_ORIGINS
CORS_URLS_REGEX = r"^/(?!admin/).*$"
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]
CORS_PREFLIGHT_MAX_AGE = 3600

# --- Static files, i18n ------------------------------------------------------------------------
STATIC_URL = "static/"
# Collected files are served by WhiteNoise in production; elsewhere it serves them from the apps.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (production) ---------------------------------------------------------------------
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$", r"^metrics$"]

# --- Observability -----------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "nlc.observability.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="nextlevelcoach")

# --- Integrations ------------------------------------------------------------------------------
# Webhook signing secrets: from the environment (two comma-separated values while rotating) and/or
# from the encrypted integration configs that admins edit in the Django admin; a signature valid
# under any active one passes. STRIPE_SECRET_KEY (the API key) belongs to billing.
STRIPE_WEBHOOK_SECRET = env.list("STRIPE_WEBHOOK_SECRET", default=[])
MAILGUN_WEBHOOK_SIGNING_KEY = env.list("MAILGUN_WEBHOOK_SIGNING_KEY", default=[])
CALENDLY_WEBHOOK_SIGNING_KEY = env.list("CALENDLY_WEBHOOK_SIGNING_KEY", default=[])
# Fernet keys (or any long random strings) that encrypt the secrets stored in integration configs;
# the first encrypts, all decrypt, so a new key goes first and the old one stays until re-encrypted.
INTEGRATIONS_ENCRYPTION_KEY = env.list("INTEGRATIONS_ENCRYPTION_KEY", default=[])
if not INTEGRATIONS_ENCRYPTION_KEY and IS_PRODUCTION:
    raise ImproperlyConfigured("INTEGRATIONS_ENCRYPTION_KEY must be set in production")
# Leads keeps each coach's Calendly access token encrypted the same way (nlc.crypto).
LEADS_ENCRYPTION_KEY = env.list("LEADS_ENCRYPTION_KEY", default=[])
if not LEADS_ENCRYPTION_KEY and IS_PRODUCTION and "leads" in NLC_CONTEXTS:
    raise ImproperlyConfigured("LEADS_ENCRYPTION_KEY must be set in production")
INTEGRATIONS_WEBHOOKS = {
    # How old a signed timestamp may be (Calendly's own sample code allows 3 minutes), and how far
    # ahead of our clock it may be.
    "TOLERANCE_SECONDS": {
        "stripe": env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300),
        "mailgun": env.int("MAILGUN_WEBHOOK_TOLERANCE_SECONDS", default=300),
        "calendly": env.int("CALENDLY_WEBHOOK_TOLERANCE_SECONDS", default=180),
    },
    "FUTURE_TOLERANCE_SECONDS": env.int("INTEGRATIONS_WEBHOOK_FUTURE_TOLERANCE_SECONDS", default=60),
    "MAX_BODY_BYTES": env.int("INTEGRATIONS_WEBHOOK_MAX_BODY_BYTES", default=1024 * 1024),
    # Hand-off to the fanout exchange: attempts, and the first backoff (doubling each time).
    "MAX_ATTEMPTS": env.int("INTEGRATIONS_WEBHOOK_MAX_ATTEMPTS", default=6),
    "RETRY_BASE_SECONDS": env.float("INTEGRATIONS_WEBHOOK_RETRY_BASE_SECONDS", default=30.0),
    # Stored configs are cached this long in the shared cache; saving one clears it (at once for
    # every process with Redis, for the saving process only with the local-memory cache).
    "CONFIG_CACHE_SECONDS": env.int("INTEGRATIONS_CONFIG_CACHE_SECONDS", default=60),
    # How long a replaced signing secret stays valid after a rotation in the Django admin.
    "PREVIOUS_SECRET_HOURS": env.int("INTEGRATIONS_PREVIOUS_SECRET_HOURS", default=24),
}
if "integrations" in NLC_CONTEXTS:
    # Safety net for retry tasks that never reached the broker (Procfile `beat`).
    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "integrations.webhooks_retry_due": {"task": "integrations.webhooks_retry_due", "schedule": 60.0},
    }

# --- Billing and Stripe ------------------------------------------------------------------------
# The API key of the platform's Stripe account. Without it (development) every call to Stripe
# answers 503 "stripe_not_configured"; production refuses to start without it.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
if IS_PRODUCTION and "billing" in NLC_CONTEXTS and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured("STRIPE_SECRET_KEY must be set in production")
# Pinned, not configurable: billing reads Stripe's objects in this version's shapes (invoice
# subscription under parent.subscription_details, periods on subscription items). Set the webhook
# endpoint in Stripe's dashboard to the same version; changing it is a code change.
STRIPE_API_VERSION = "2026-07-29.dahlia"
# Another server speaking Stripe's API (a local fake in development and black-box tests); empty: Stripe's own.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# Where Stripe Checkout sends a coach back after paying (or giving up) for a platform subscription.
BILLING_CHECKOUT_SUCCESS_URL = env.str(
    "BILLING_CHECKOUT_SUCCESS_URL",
    default="https://coach.nextlevelcoach.ai/billing/success?session_id={CHECKOUT_SESSION_ID}",
)
BILLING_CHECKOUT_CANCEL_URL = env.str(
    "BILLING_CHECKOUT_CANCEL_URL", default="https://coach.nextlevelcoach.ai/billing/plans"
)
# The SDK logs every request at INFO; billing logs the failures itself.
LOGGING["loggers"]["stripe"] = {"level": "WARNING"}
if "billing" in NLC_CONTEXTS:
    # Three "status" choice sets in one OpenAPI document: each gets a name of its own.
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
        **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
        "TransactionStatusEnum": "contexts.billing.models.TransactionStatus",
        "InvoiceStatusEnum": "contexts.billing.models.InvoiceStatus",
        "SubscriptionStatusEnum": "contexts.billing.models.SubscriptionStatus",
    }

# --- Courses -----------------------------------------------------------------------------------
# A learner's access link; {token} is the enrollment's signed access token. The learner portal reads
# it from the URL and sends it as "Authorization: AccessLink <token>".
LEARNER_ACCESS_URL_TEMPLATE = env.str(
    "LEARNER_ACCESS_URL_TEMPLATE", default="https://learn.nextlevelcoach.ai/access/{token}"
)
if "{token}" not in LEARNER_ACCESS_URL_TEMPLATE:
    raise ImproperlyConfigured("LEARNER_ACCESS_URL_TEMPLATE must contain {token}")
COURSES = {
    # A video lesson is complete once this share of it was watched (each lesson may set its own).
    "VIDEO_COMPLETION_PERCENT": env.int("COURSES_VIDEO_COMPLETION_PERCENT", default=90),
    # A progress report may count as watched at most the wall-clock time since the previous report
    # times this rate, plus the grace below, so a player's claim cannot outrun the clock.
    "MAX_PLAYBACK_RATE": env.float("COURSES_MAX_PLAYBACK_RATE", default=2.0),
    "WATCH_GRACE_SECONDS": env.int("COURSES_WATCH_GRACE_SECONDS", default=30),
    # How often a learner's last activity is written (active learners are counted over 7 days).
    "ACTIVITY_RESOLUTION_SECONDS": env.int("COURSES_ACTIVITY_RESOLUTION_SECONDS", default=300),
}
if "courses" in NLC_CONTEXTS:
    from celery.schedules import crontab

    # The OpenAPI document names the two "status" choice sets of courses after what they are.
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
        **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
        "CourseStatusEnum": [("draft", "Draft"), ("published", "Published"), ("archived", "Archived")],
        "EnrollmentStatusEnum": [("active", "Active"), ("completed", "Completed"), ("revoked", "Revoked")],
    }
    # One snapshot per active enrollment per day (for trend charts), then the aggregates recounted.
    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "courses-progress-snapshot": {
            "task": "courses.progress_snapshot_take",
            "schedule": crontab(hour=0, minute=15),
        },
    }

# --- Media -------------------------------------------------------------------------------------
# Vimeo hosts videos when it has an access token (scopes: upload, edit, delete, private, video_files);
# without one, videos land on local disk and are "transcoded" at once (the embedded default).
VIMEO_ACCESS_TOKEN = env.str("VIMEO_ACCESS_TOKEN", default="")
# Another server speaking Vimeo's API (a local fake in tests); by default Vimeo's own.
VIMEO_API_BASE = env.str("VIMEO_API_BASE", default="https://api.vimeo.com")
MEDIA = {
    "VIDEO_PROVIDER": env.str(
        "MEDIA_VIDEO_PROVIDER", default="vimeo" if VIMEO_ACCESS_TOKEN or IS_PRODUCTION else "local"
    ),
    "VIMEO_TIMEOUT_SECONDS": env.float("MEDIA_VIMEO_TIMEOUT_SECONDS", default=10.0),
    # Vimeo plays the videos embedded on these domains only (and hides them on vimeo.com).
    "EMBED_DOMAINS": env.list("MEDIA_EMBED_DOMAINS", default=["learn.nextlevelcoach.ai"]),
    "VIDEO_CONTENT_TYPES": env.list(
        "MEDIA_VIDEO_CONTENT_TYPES", default=["video/mp4", "video/quicktime", "video/webm", "video/x-m4v"]
    ),
    "DOCUMENT_CONTENT_TYPES": env.list(
        "MEDIA_DOCUMENT_CONTENT_TYPES",
        default=[
            "application/pdf",
            "application/zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/png",
            "image/jpeg",
            "text/plain",
        ],
    ),
    "MAX_VIDEO_BYTES": env.int("MEDIA_MAX_VIDEO_BYTES", default=10 * 1024**3),
    "MAX_DOCUMENT_BYTES": env.int("MEDIA_MAX_DOCUMENT_BYTES", default=100 * 1024**2),
    # What one coach may store in all (videos and documents, until deleted).
    "COACH_QUOTA_BYTES": env.int("MEDIA_COACH_QUOTA_BYTES", default=100 * 1024**3),
    "UPLOAD_LINK_TTL_SECONDS": env.int("MEDIA_UPLOAD_LINK_TTL_SECONDS", default=24 * 3600),
    # Polling a video's transcoding: first after this, doubling up to the maximum; a poll claims the
    # asset for the lease; past the deadline (from the upload's creation) the asset fails.
    "POLL_FIRST_SECONDS": env.int("MEDIA_POLL_FIRST_SECONDS", default=15),
    "POLL_MAX_SECONDS": env.int("MEDIA_POLL_MAX_SECONDS", default=600),
    "POLL_LEASE_SECONDS": env.int("MEDIA_POLL_LEASE_SECONDS", default=120),
    "PROCESSING_DEADLINE_SECONDS": env.int("MEDIA_PROCESSING_DEADLINE_SECONDS", default=36 * 3600),
    "DELETE_RETRY_FIRST_SECONDS": env.int("MEDIA_DELETE_RETRY_FIRST_SECONDS", default=60),
    "DELETE_RETRY_MAX_SECONDS": env.int("MEDIA_DELETE_RETRY_MAX_SECONDS", default=3600),
    # Signed download links (docs/decisions: playback info): key shared with courses, lifetime.
    "SIGNING_KEY": env.str("MEDIA_SIGNING_KEY", default=SECRET_KEY),
    "DOWNLOAD_LINK_TTL_SECONDS": env.int("MEDIA_DOWNLOAD_LINK_TTL_SECONDS", default=300),
    # Where browsers reach media (upload and download links name it).
    "PUBLIC_BASE_URL": env.str("MEDIA_PUBLIC_BASE_URL", default="http://localhost:8000"),
}
# Documents (and local videos) through django-storages' API: local disk by default, S3 with
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and its options as JSON (bucket_name, ...).
STORAGES["media"] = {
    "BACKEND": env.str("MEDIA_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env.json("MEDIA_STORAGE_OPTIONS", default={"location": str(BASE_DIR / "var" / "media")}),
}
if IS_PRODUCTION and "media" in NLC_CONTEXTS and MEDIA["VIDEO_PROVIDER"] == "vimeo" and not VIMEO_ACCESS_TOKEN:
    raise ImproperlyConfigured("VIMEO_ACCESS_TOKEN must be set in production (or MEDIA_VIDEO_PROVIDER=local)")
if "media" in NLC_CONTEXTS:
    # Polls of transcoding videos and retried deletions that are due (each asset claimed by one poller).
    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "media-transcode-poll": {
            "task": "media.transcode_poll_due",
            "schedule": env.float("MEDIA_POLL_SWEEP_SECONDS", default=10.0),
        },
        "media-deletion-retry": {"task": "media.deletion_retry_due", "schedule": 60.0},
    }

# --- Comms -------------------------------------------------------------------------------------
# Mailgun's sending API. Without MAILGUN_API_KEY (development) comms uses the "local" provider: every
# e-mail is stored (Django admin) and printed to the console, nothing leaves the machine.
MAILGUN_API_KEY = env.str("MAILGUN_API_KEY", default="")
MAILGUN_DOMAIN = env.str("MAILGUN_DOMAIN", default="")
# https://api.eu.mailgun.net for the EU region, or a local fake (http is accepted on loopback only).
MAILGUN_API_BASE = env.str("MAILGUN_API_BASE", default="https://api.mailgun.net")
COMMS_EMAIL_PROVIDER = env.str("COMMS_EMAIL_PROVIDER", default="mailgun" if MAILGUN_API_KEY else "local")
if COMMS_EMAIL_PROVIDER not in ("mailgun", "local"):
    raise ImproperlyConfigured("COMMS_EMAIL_PROVIDER must be mailgun or local")
if IS_PRODUCTION and "comms" in NLC_CONTEXTS and not (MAILGUN_API_KEY and MAILGUN_DOMAIN):
    raise ImproperlyConfigured("MAILGUN_API_KEY and MAILGUN_DOMAIN must be set in production")
COMMS_FROM_EMAIL = env.str("COMMS_FROM_EMAIL", default=f"no-reply@{MAILGUN_DOMAIN or 'nextlevelcoach.local'}")
COMMS_FROM_NAME = env.str("COMMS_FROM_NAME", default="NextLevelCoach")
COMMS_MAILGUN_CONNECT_TIMEOUT_SECONDS = env.float("COMMS_MAILGUN_CONNECT_TIMEOUT_SECONDS", default=5.0)
COMMS_MAILGUN_READ_TIMEOUT_SECONDS = env.float("COMMS_MAILGUN_READ_TIMEOUT_SECONDS", default=15.0)
# A retryable failure (429, 5xx, timeout) tries again after RETRY_BASE_SECONDS, doubling, capped at
# an hour; after MAX_ATTEMPTS the message is failed. A send is reclaimed if its worker died mid-call.
COMMS_SEND_MAX_ATTEMPTS = env.int("COMMS_SEND_MAX_ATTEMPTS", default=10)
COMMS_SEND_RETRY_BASE_SECONDS = env.float("COMMS_SEND_RETRY_BASE_SECONDS", default=30.0)
COMMS_SEND_STALE_SECONDS = env.int("COMMS_SEND_STALE_SECONDS", default=300)
# A send task also sends up to this many other due messages (one claim for the lot).
COMMS_SEND_BATCH_SIZE = env.int("COMMS_SEND_BATCH_SIZE", default=20)
# Messages handed to the provider per second and sending domain, across every worker (shared cache).
COMMS_SEND_RATE_PER_SECOND = env.int("COMMS_SEND_RATE_PER_SECOND", default=50)
# Single-use links (reset, access) are removed from a stored message once it is sent; the local
# provider keeps them so a developer can open them from the admin.
COMMS_REDACT_SECRETS = env.bool("COMMS_REDACT_SECRETS", default=COMMS_EMAIL_PROVIDER != "local")
# The one-click unsubscribe link of marketing mail (RFC 8058); {token} is a signed token.
COMMS_UNSUBSCRIBE_URL_TEMPLATE = env.str(
    "COMMS_UNSUBSCRIBE_URL_TEMPLATE", default="https://api.nextlevelcoach.ai/comms/unsubscribe/{token}"
)
if "{token}" not in COMMS_UNSUBSCRIBE_URL_TEMPLATE:
    raise ImproperlyConfigured("COMMS_UNSUBSCRIBE_URL_TEMPLATE must contain {token}")
if "comms" in NLC_CONTEXTS:
    # Four "status" choice sets in comms' OpenAPI document: each gets a name of its own.
    SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
        **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
        "MessageStatusEnum": "contexts.comms.models.MessageStatus",
        "SequenceStatusEnum": "contexts.comms.models.SequenceStatus",
        "SequenceRunStatusEnum": "contexts.comms.models.RunStatus",
        "ScheduledEmailStatusEnum": "contexts.comms.models.ScheduledStatus",
    }
    # Safety net: sends whose task never reached the broker, retries that are due, stale sends.
    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "comms.message_send_due": {
            "task": "comms.message_send_due",
            "schedule": 30.0,
        },
        # Scheduled e-mails and sequence steps that are due, each claimed by one process.
        "comms.scheduled_email_send_due": {
            "task": "comms.scheduled_email_send_due",
            "schedule": 30.0,
        },
        "comms.sequence_advance_due": {
            "task": "comms.sequence_advance_due",
            "schedule": 60.0,
        },
    }

# --- Analytics ---------------------------------------------------------------------------------
# Each consumer batch folds its events into the KPIs once it commits; beat folds whatever a consumer
# committed but could not fold (it died right after) and announces the days' snapshots that waited
# long enough; a coach's new time zone rebuilds that coach on the analytics task queue (decision 0008).
# A day's analytics.snapshot.updated waits this long after its first change, so a day that changes
# with every batch under load is announced once per delay (0: once per consumer transaction).
ANALYTICS_SNAPSHOT_DELAY_SECONDS = env.float("ANALYTICS_SNAPSHOT_DELAY_SECONDS", default=10.0)
# Fold in a thread beside the consumer (one fold then takes every batch that committed meanwhile);
# off: each consumer transaction folds its own events right after its commit, in the same thread.
ANALYTICS_FOLD_IN_THREAD = env.bool("ANALYTICS_FOLD_IN_THREAD", default=True)
if "analytics" in NLC_CONTEXTS:
    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "analytics-log-fold": {
            "task": "analytics.log_fold_due",
            "schedule": env.float("ANALYTICS_FOLD_SWEEP_SECONDS", default=5.0),
        },
    }

# --- Notifications -----------------------------------------------------------------------------
# In-app notifications and their live stream (decision 0009). The stream is served by the ASGI
# process (Procfile `live`, uvicorn); under WSGI (runserver) it is cut after STREAM_WSGI_MAX_SECONDS.
NOTIFICATIONS = {
    # Read notifications older than this are deleted by beat (unread ones stay).
    "RETENTION_DAYS": env.int("NOTIFICATIONS_RETENTION_DAYS", default=90),
    # A stream ticket opens a stream this long after it was issued.
    "STREAM_TICKET_SECONDS": env.int("NOTIFICATIONS_STREAM_TICKET_SECONDS", default=60),
    # How often a stream reads its user's counter row, and when it sends a heartbeat comment.
    "STREAM_POLL_SECONDS": env.float("NOTIFICATIONS_STREAM_POLL_SECONDS", default=1.0),
    "STREAM_HEARTBEAT_SECONDS": env.float("NOTIFICATIONS_STREAM_HEARTBEAT_SECONDS", default=15.0),
    # A connection's lifetime; the browser reconnects (Last-Event-ID) after STREAM_RETRY_MS.
    "STREAM_MAX_SECONDS": env.float("NOTIFICATIONS_STREAM_MAX_SECONDS", default=600.0),
    "STREAM_WSGI_MAX_SECONDS": env.float("NOTIFICATIONS_STREAM_WSGI_MAX_SECONDS", default=25.0),
    "STREAM_RETRY_MS": env.int("NOTIFICATIONS_STREAM_RETRY_MS", default=3000),
    # At most this many notifications read per poll (the rest follow on the next).
    "STREAM_BATCH": env.int("NOTIFICATIONS_STREAM_BATCH", default=100),
}
if "notifications" in NLC_CONTEXTS:
    from celery.schedules import crontab

    CELERY_BEAT_SCHEDULE = {
        **globals().get("CELERY_BEAT_SCHEDULE", {}),
        "notifications-prune": {"task": "notifications.notification_prune", "schedule": crontab(hour=3, minute=40)},
    }

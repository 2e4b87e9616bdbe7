"""Settings of the MOT border-towns portal, read from the environment.

Defaults give a self-contained development portal (SQLite under ``var/``, Celery tasks run eagerly);
``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis. ``DJANGO_ENV=production``
turns on the hardened settings that ``manage.py check --deploy`` expects.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    # Development only: a fixed, clearly insecure key so sessions survive restarts of `make run`.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that its admin classes win.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mot_portal.login_protection.LoginProtectionConfig",  # django-axes
    "rest_framework_api_key",
    "django_prose_editor",
    "reversion",
    "import_export",
    "mot_portal",
    "mot_portal.apikeys",
    "mot_portal.documents",
    "towns",
    "projects",
    "workplan",
    "missions",
    "support",
    "editorial",
]

MIDDLEWARE = [
    "mot_portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: a cached page costs two cache round trips and no query (mot_portal/cache.py).
    "mot_portal.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mot_portal.middleware.AdminQueryGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The request's user acts in the publication workflow (who may publish is checked where it happens).
    "editorial.workflow.ActorMiddleware",
    # Each write of the admin and the API is one revision of the content's history, with its user.
    "editorial.history.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked (issue 11).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "mot_portal.urls"
WSGI_APPLICATION = "mot_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mot_portal.context_processors.language_links",
            ],
        },
    },
]

# https://github.com/jazzband/dj-database-url#url-schema
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# https://django-modeltranslation.readthedocs.io/en/latest/installation.html#advanced-settings
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_LANGUAGES = ("fr", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr",)}
MODELTRANSLATION_REQUIRED_LANGUAGES = ("fr",)
# modeltranslation's tabbed admin would load jQuery (UI) from a CDN; we ship them (static/vendor/, `make vendor`).
JQUERY_URL = "admin/js/vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# --- Static and media -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))


def media_storage(environ) -> dict:
    """The storage of uploads and stored PDFs: an S3-compatible bucket when ``STORAGE_BACKEND=s3`` or a bucket
    name is set (shared by every web and worker machine), else files under MEDIA_ROOT (one machine).

    The bucket stays private: PDFs are streamed through the portal (which checks that the object is public and
    answers with the ETag), never linked; photos get short-lived signed URLs unless ``AWS_S3_CUSTOM_DOMAIN``
    names a public front for them (then set ``AWS_QUERYSTRING_AUTH=false``)."""
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    backend = environ.get("STORAGE_BACKEND", "") or ("s3" if bucket else "filesystem")
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {backend!r}.")
    if not bucket:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    from botocore.config import Config

    # https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html#settings
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,  # MinIO, Scaleway, OVH… (None: AWS)
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,  # None: boto3's own chain (IAM role…)
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": environ.get("AWS_LOCATION", ""),  # a key prefix, to share a bucket
            "custom_domain": environ.get("AWS_S3_CUSTOM_DOMAIN") or None,  # a public front for the photos
            "url_protocol": environ.get("AWS_S3_URL_PROTOCOL", "https:"),
            "querystring_auth": environ.get("AWS_QUERYSTRING_AUTH", "true").strip().lower() in {"1", "true", "yes"},
            # Signed photo URLs outlive the cached pages that hold them (PAGE_CACHE_SECONDS, 600 s by default).
            "querystring_expire": int(environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            "default_acl": None,  # the bucket's policy (private): no object is made public by an upload
            "max_memory_size": 2_621_440,  # an object read (a PDF download) spills to a temporary file past 2.5 MB
            "file_overwrite": False,  # two uploads named alike never replace each other
            # A storage outage must fail fast (the download answers 503), not hold a web worker for minutes.
            # (With a client_config, django-storages takes the addressing style and signature from it.)
            "client_config": Config(
                s3={"addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or "auto"},  # "path" for MinIO
                signature_version="s3v4",
                connect_timeout=float(environ.get("AWS_S3_CONNECT_TIMEOUT", "3")),
                read_timeout=float(environ.get("AWS_S3_READ_TIMEOUT", "30")),
                retries={"mode": "standard", "max_attempts": int(environ.get("AWS_S3_MAX_ATTEMPTS", "3"))},
            ),
        },
    }


STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        # https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Data the importers read ----------------------------------------------------------------------
TOWNS_DATA_DIR = Path(os.environ.get("TOWNS_DATA_DIR", BASE_DIR / "fixtures" / "data"))
# Maps (issue 12): drawn from the shipped borders, no tile server. MAP_TILE_URL (a Leaflet URL template, e.g.
# https://tiles.example.org/{z}/{x}/{y}.png) adds a background to the interactive maps and its origin to the CSP
# img-src; say whose tiles they are in MAP_TILE_ATTRIBUTION (https://leafletjs.com/reference.html#tilelayer).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# The MOT's contact details and the legal notice's facts, shown on the contact and legal-notice pages only when
# set: the sources give none that may be published, and the portal invents none (an empty item is left out).
MOT_CONTACT = {
    "address": os.environ.get("MOT_CONTACT_ADDRESS", ""),
    "phone": os.environ.get("MOT_CONTACT_PHONE", ""),
    "email": os.environ.get("MOT_CONTACT_EMAIL", ""),
}
MOT_LEGAL = {
    "publication_director": os.environ.get("MOT_PUBLICATION_DIRECTOR", ""),
    "host": os.environ.get("MOT_HOST_NAME", ""),
    "host_address": os.environ.get("MOT_HOST_ADDRESS", ""),
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mot_portal.rest.IsStaffWithModelPermissionsOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "mot_portal.rest.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "mot_portal.rest.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mot_portal.rest.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "MOT border-towns portal API",
    "DESCRIPTION": (
        "Towns, intercommunalities and cross-border partners, project factsheets and booklets, and the work "
        "programme of the MOT advisory programme. "
        "Read access is public; writes need a staff account with the model permission. "
        "Choose the language of translated fields with `?lang=fr|en` or `Accept-Language`.\n\n"
        "**Rates and API keys.** Anonymous requests are limited per client address (a few dozen a minute, fewer "
        "for pages larger than the default size); a page holds at most 100 records. Over the limit the API "
        "answers `429 Too Many Requests` with a `Retry-After` header giving the seconds to wait. A system that "
        "needs more can ask the MOT team for an API key: each key has its own rate. Send it with every request "
        "in the header `Authorization: Api-Key <key>`. A key only raises the rate of reads; it grants no write. "
        "An unknown, revoked or expired key is refused with `401`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc are served from drf-spectacular-sidecar's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        # Every publishable record, work programmes included (they have the in-review step since issue 14).
        "PublicationStatusEnum": "mot_portal.publishing.Status",
        # The kinds of mission: a mission's kind and the kind of mission a service of the offer is delivered by.
        "MissionKindEnum": "missions.models.Mission.Kind",
        # How much of a date the source gives: missions' and events' dates, sources' and records' first publication.
        "DatePrecisionEnum": "editorial.models.DatePrecision",
    },
}

# --- Celery ---------------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker (a fresh machine), tasks run eagerly in the calling process: nothing else to start.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# acks_late is set per task, on idempotent tasks only (a redelivered task must be safe to run twice);
# with it, a task whose worker dies is redelivered rather than acknowledged.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_WORKER_MAX_TASKS_PER_CHILD = 100
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
# The visibility timeout must exceed the longest task, or Redis redelivers a task still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(CELERY_TASK_TIME_LIMIT * 4))),
    # How often a worker looks for tasks whose worker died (kombu's Redis transport; seconds × throttle).
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Two queues: PDF rendering (heavy: few processes, recycled by memory) and the default one for light tasks
# (refreshes, reconciliation), so a long booklet never delays them. Each has its own worker (docker-compose.yml).
DOCUMENTS_QUEUE = os.environ.get("CELERY_DOCUMENTS_QUEUE", "documents")
CELERY_TASK_ROUTES = {"mot_portal.render_document": {"queue": DOCUMENTS_QUEUE}}
# A worker started without -Q consumes both (development); production runs one worker per queue (-Q).
CELERY_TASK_QUEUES = {CELERY_TASK_DEFAULT_QUEUE: {}, DOCUMENTS_QUEUE: {}}  # routing key = name
# A dead or unreachable broker must cost a web request about a second, not 19: the publish, the connection and
# the result store each give up quickly (the caller records what could not be queued, for the reconciliation).
BROKER_TIMEOUT_SECONDS = float(os.environ.get("CELERY_BROKER_TIMEOUT", "0.5"))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
    socket_timeout=5,  # a broker that vanishes without closing the connection (above the 1 s BRPOP timeout)
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
}
# Celery beat (one instance) runs the reconciliation: renders and refreshes that could not be queued, renders
# whose worker died (see PDF_RENDER_LEASE_SECONDS).
PDF_RECONCILE_SECONDS = float(os.environ.get("PDF_RECONCILE_SECONDS", "15"))
CELERY_BEAT_SCHEDULE = {
    "documents-reconcile": {
        "task": "mot_portal.documents.reconcile",
        "schedule": PDF_RECONCILE_SECONDS,
        "options": {"expires": PDF_RECONCILE_SECONDS},  # a backlog of reconciliations is one too many
    },
}

# PDF documents (mot_portal/documents/): prepare a published object's PDFs as soon as it is saved when a
# worker renders them; with eager tasks (no broker) they are rendered when first asked for.
PDF_RENDER_ON_PUBLISH = os.environ.get("PDF_RENDER_ON_PUBLISH", "1" if CELERY_BROKER_URL else "0") == "1"
# A rendering worker refreshes the document's heartbeat every PDF_RENDER_HEARTBEAT_SECONDS; a render whose
# heartbeat is older than PDF_RENDER_LEASE_SECONDS lost its worker and is queued again (by the reconciliation or
# the next reader). Workers note that they are alive every PDF_WORKER_HEARTBEAT_SECONDS; when none consuming the
# documents queue was seen for PDF_WORKER_SEEN_SECONDS, a document waiting that long says the service is down.
PDF_RENDER_LEASE_SECONDS = float(os.environ.get("PDF_RENDER_LEASE_SECONDS", "30"))
PDF_RENDER_HEARTBEAT_SECONDS = float(os.environ.get("PDF_RENDER_HEARTBEAT_SECONDS", "5"))
PDF_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("PDF_WORKER_HEARTBEAT_SECONDS", "10"))
PDF_WORKER_SEEN_SECONDS = float(os.environ.get("PDF_WORKER_SEEN_SECONDS", "60"))
# How many times a render whose worker was lost is taken over before the document is marked failed.
PDF_RENDER_MAX_TAKEOVERS = int(os.environ.get("PDF_RENDER_MAX_TAKEOVERS", "2"))
# What /ready/ requires for a 200 (database, cache, broker, worker). By default the database only: the cache,
# broker and workers are shared by every web node, and without them pages are still served (computed; PDFs wait),
# so their loss must not take every node out of the load balancer at once. The others are reported ("degraded").
READY_REQUIRED = env_list("READY_REQUIRED", "database")
READY_MEMO_SECONDS = float(os.environ.get("READY_MEMO_SECONDS", "2"))
READY_TIMEOUT_SECONDS = float(os.environ.get("READY_TIMEOUT_SECONDS", "1"))

# --- Cache (issue 11) ----------------------------------------------------------------------------------
# CACHE_URL (or REDIS_URL) selects Redis (django-redis) for the page cache, the content versions, throttling and
# the parts of pages computed once per content version; without it, a local in-process cache (one process only:
# fine for `make run`, not for several web processes). Redis must use its own logical database, never the
# broker's: a broker's queues must not be evicted, and a cache must be free to evict.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")


def _redis_location(url: str) -> tuple[str, str]:
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    host = "127.0.0.1" if parts.hostname in ("localhost", "::1", "127.0.0.1") else parts.hostname
    database = parse_qs(parts.query).get("db", [parts.path.strip("/") or "0"])[0]
    return f"{host}:{parts.port or 6379}", database


if CACHE_URL:
    if CELERY_BROKER_URL.startswith("redis") and _redis_location(CACHE_URL) == _redis_location(CELERY_BROKER_URL):
        raise ImproperlyConfigured(
            "CACHE_URL and CELERY_BROKER_URL use the same Redis database: give the cache its own (e.g. /1)."
        )
    CACHES = {
        "default": {
            # https://github.com/jazzband/django-redis#configure-as-cache-backend
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "mot"),
            "TIMEOUT": 300,
            "OPTIONS": {
                # A cache that does not answer within half a second is skipped (the page is computed), not awaited.
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.5")),
                "SOCKET_TIMEOUT": float(os.environ.get("CACHE_TIMEOUT", "0.5")),
                # Redis down: every cache read misses and every write is dropped (logged); no request fails.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mot-portal",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# The API throttles' counters: in THROTTLE_CACHE_URL when set (a Redis that never evicts, e.g. the broker's
# server on a database of its own), else in the default cache.
THROTTLE_CACHE_URL = os.environ.get("THROTTLE_CACHE_URL", "")
if THROTTLE_CACHE_URL:
    if CELERY_BROKER_URL.startswith("redis") and _redis_location(THROTTLE_CACHE_URL) == _redis_location(
        CELERY_BROKER_URL
    ):
        raise ImproperlyConfigured("THROTTLE_CACHE_URL and CELERY_BROKER_URL use the same Redis database.")
    CACHES["throttle"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": THROTTLE_CACHE_URL,
        "KEY_PREFIX": "throttle",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5, "IGNORE_EXCEPTIONS": True},
    }
else:
    CACHES["throttle"] = {**CACHES["default"], "KEY_PREFIX": "throttle"}
# How long a cached page or page part is kept (seconds; 0 turns the page cache off). Entries are never stale:
# the content version in their key changes with every committed edit. This only bounds memory, and how long
# a page could outlive an edit made while the cache itself was unreachable.
# In production without CACHE_URL, each process would keep its own copies and content versions, and an edit made
# in one process (or by a command or a worker) would not reach the others: caching is then off unless asked for.
_CACHE_DEFAULT = "600" if CACHE_URL or not PRODUCTION else "0"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", _CACHE_DEFAULT))
# Parts of pages computed once per content version (home figures, facet choices): on even when pages are not.
PART_CACHE_SECONDS = int(os.environ.get("PART_CACHE_SECONDS", _CACHE_DEFAULT))
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/health/", "/ready/", "/static/", "/media/"]
# Identifies the deployed code in cache keys (e.g. a git revision or image tag); by default a hash of the code.
RELEASE = os.environ.get("RELEASE", "")

# --- Abuse protection (issue 11) -----------------------------------------------------------------
# Behind a reverse proxy (TRUSTED_PROXY=true), the client address is the one the proxy added to X-Forwarded-For
# (the TRUSTED_PROXY_COUNT-th from the right); otherwise REMOTE_ADDR, and X-Forwarded-For, which any client can
# write, is ignored. Login lockout and API throttles count per address with the same rule.
TRUSTED_PROXY = env_bool("TRUSTED_PROXY", default=False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

# Login protection: django-axes, database handler (works without Redis); https://django-axes.readthedocs.io/
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_ENABLE_ADMIN = False  # mot_portal.login_protection registers a translated admin with an Unlock action
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# Either counter locks: one address trying many usernames, or many addresses trying one username.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY else ("REMOTE_ADDR",)
AXES_IPWARE_PROXY_ORDER = "left-most"
# ipware counts the proxies listed in X-Forwarded-For: the nearest one (REMOTE_ADDR) is not among them.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY else None
# Not strict: a client that writes its own X-Forwarded-For only adds entries on the left, which are skipped.
IPWARE_STRICT = False

# API throttling (DRF): per address for anonymous reads, per account for staff, per key for API consumers.
THROTTLE_RATE_ANON = os.environ.get("THROTTLE_RATE_ANON", "60/minute")
THROTTLE_RATE_USER = os.environ.get("THROTTLE_RATE_USER", "600/minute")
# Anonymous list pages larger than THROTTLE_HEAVY_PAGE_SIZE count against this stricter rate too.
THROTTLE_RATE_HEAVY = os.environ.get("THROTTLE_RATE_HEAVY", "10/minute")
THROTTLE_HEAVY_PAGE_SIZE = int(os.environ.get("THROTTLE_HEAVY_PAGE_SIZE", "50"))
# What the pages' own scripts ask for (map layers, town suggestions), per anonymous address, apart from "anon".
THROTTLE_RATE_PAGE_SCRIPT = os.environ.get("THROTTLE_RATE_PAGE_SCRIPT", "600/minute")
# Rate given to a new API key in the admin (each key has its own, editable).
API_KEY_DEFAULT_RATE = os.environ.get("API_KEY_DEFAULT_RATE", "600/minute")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"].append("mot_portal.apikeys.authentication.APIKeyAuthentication")
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "mot_portal.apikeys.throttling.ClientRateThrottle",
    "mot_portal.rest.HeavyListThrottle",
]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "anon": THROTTLE_RATE_ANON,
    "user": THROTTLE_RATE_USER,
    "heavy": THROTTLE_RATE_HEAVY,
    "page_script": THROTTLE_RATE_PAGE_SCRIPT,
}
# The throttles' client address: the same rule as the login lockout (0: REMOTE_ADDR only).
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT if TRUSTED_PROXY else 0

# Uploads. Photos are checked before they are stored: size, pixel count (which bounds decoding memory: at most
# IMAGE_UPLOAD_MAX_PIXELS × 4 bytes), aspect ratio. Pillow refuses to open anything beyond twice the pixel count.
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("IMAGE_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
IMAGE_UPLOAD_MAX_PIXELS = int(os.environ.get("IMAGE_UPLOAD_MAX_PIXELS", "30000000"))
IMAGE_UPLOAD_MAX_ASPECT_RATIO = float(os.environ.get("IMAGE_UPLOAD_MAX_ASPECT_RATIO", "4"))
# Request bodies: form fields and JSON at most 2.5 MB in memory (Django's default, stated); files above 2.5 MB
# are streamed to a temporary file rather than held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Content security (issue 11) -----------------------------------------------------------------
# Content-Security-Policy on every response (django-csp): no inline script anywhere, a static policy (no nonce,
# so cached pages stay valid). The policy and its few third-party exceptions are in mot_portal/csp.py.
from mot_portal.csp import POLICY as _CSP_POLICY  # noqa: E402


def _media_origin(storage: dict) -> str | None:
    """Where photos are loaded from when they are not on this site (an S3 bucket or its public front)."""
    from urllib.parse import urlsplit

    options = storage.get("OPTIONS", {})
    if "s3" not in storage["BACKEND"]:
        return None
    if options.get("custom_domain"):
        return f"{options['url_protocol']}//{options['custom_domain'].split('/')[0]}"
    if options.get("endpoint_url"):
        parts = urlsplit(options["endpoint_url"])
        return f"{parts.scheme}://{parts.netloc}"
    return "https://*.amazonaws.com"


def _tile_origin(url: str) -> str | None:
    """The origin of the map tiles (``MAP_TILE_URL``), allowed as an image source; ``{s}`` subdomains as ``*``."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


_MEDIA_ORIGIN = _media_origin(STORAGES["default"])
_TILE_ORIGIN = _tile_origin(MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_POLICY,
        "img-src": [*_CSP_POLICY["img-src"], *[origin for origin in (_MEDIA_ORIGIN, _TILE_ORIGIN) if origin]],
    }
}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "mot_portal.csp.PortalCSPMiddleware"
)
# The API schema also documents the error answers and the anonymous reads (mot_portal/openapi.py), so that
# clients generated from it, and schemathesis, expect what the API really answers.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "mot_portal.openapi.document_errors_and_anonymous_reads",
]

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
    # X-Forwarded-Proto is believed only when a proxy in front sets it (and drops the client's): otherwise any
    # client could claim HTTPS, skipping the redirect and changing HSTS.
    if TRUSTED_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- E-mail and support requests (issue 13) ----------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/#smtp-backend
# EMAIL_URL (smtp://user:password@host:587?tls=1, or smtps://… for implicit TLS) or EMAIL_HOST selects SMTP;
# without either, messages are written to the console (the embedded default: nothing leaves the machine).
EMAIL_URL = os.environ.get("EMAIL_URL", "")


def email_settings(environ) -> dict:
    """The e-mail backend and its SMTP connection, from ``EMAIL_URL`` or the ``EMAIL_HOST`` family."""
    from urllib.parse import parse_qs, unquote, urlsplit

    url = environ.get("EMAIL_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "submission"):
            raise ImproperlyConfigured(f"EMAIL_URL must start with smtp:// or smtps://, not {parts.scheme}://.")
        query = {key: values[0].lower() for key, values in parse_qs(parts.query).items()}
        ssl = parts.scheme == "smtps" or query.get("ssl") in {"1", "true", "yes"}
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if ssl else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": ssl,
            "EMAIL_USE_TLS": not ssl and query.get("tls", "1") in {"1", "true", "yes"},
        }
    host = environ.get("EMAIL_HOST", "")
    if not host:
        return {"EMAIL_BACKEND": environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    ssl = environ.get("EMAIL_USE_SSL", "").strip().lower() in {"1", "true", "yes", "on"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": int(environ.get("EMAIL_PORT", "465" if ssl else "587")),
        "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and environ.get("EMAIL_USE_TLS", "true").strip().lower() in {"1", "true", "yes", "on"},
    }


globals().update(email_settings(os.environ))
# An SMTP server that does not answer must not hold a Celery worker for minutes (the task retries later).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MOT <no-reply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who is told of a new support request (comma-separated addresses); empty: nobody (logged), the admin lists them.
SUPPORT_REQUEST_RECIPIENTS = env_list("SUPPORT_REQUEST_RECIPIENTS", "")
# The portal's public address (e.g. https://portal.example.org), for the admin link in the staff notification.
PORTAL_URL = os.environ.get("PORTAL_URL", "").rstrip("/")
# Who is told when content is submitted for review (comma-separated e-mails); empty: every active reviewer (a user
# holding editorial.publish_content) with an e-mail address. Authors are told when their submission is published
# or sent back.
EDITORIAL_REVIEW_RECIPIENTS = env_list("EDITORIAL_REVIEW_RECIPIENTS", "")
# Submissions of the "Ask the MOT" form (support.request_views), counted in the "throttle" cache: per client
# address and per e-mail address ("<n>/<second|minute|hour|day>"). Over either: 429, nothing stored.
SUPPORT_REQUEST_RATE_IP = os.environ.get("SUPPORT_REQUEST_RATE_IP", "5/hour")
SUPPORT_REQUEST_RATE_EMAIL = os.environ.get("SUPPORT_REQUEST_RATE_EMAIL", "3/day")
# Personal data: closed requests are deleted this many days after they were closed (purge_support_requests).
SUPPORT_REQUEST_RETENTION_DAYS = int(os.environ.get("SUPPORT_REQUEST_RETENTION_DAYS", "365"))
# E-mails of a request that could not be queued or sent are retried by beat after this many seconds.
SUPPORT_REQUEST_EMAIL_RETRY_SECONDS = float(os.environ.get("SUPPORT_REQUEST_EMAIL_RETRY_SECONDS", "300"))
CELERY_BEAT_SCHEDULE.update(
    {
        "support-requests-emails": {
            "task": "support.send_pending_emails",
            "schedule": SUPPORT_REQUEST_EMAIL_RETRY_SECONDS,
            "options": {"expires": SUPPORT_REQUEST_EMAIL_RETRY_SECONDS},
        },
        "support-requests-purge": {
            "task": "support.purge_requests",
            "schedule": 24 * 60 * 60,
            "options": {"expires": 60 * 60},
        },
    }
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each layout step at INFO; keep its warnings (refused URLs, missing fonts).
        "weasyprint.progress": {"level": "WARNING"},
    },
}

LOGIN_URL = "admin:login"

# Spreadsheet import and export in the admin (editorial.importing): every import in one transaction, rolled back
# when a row fails (the portal's resources also force it); the formats (CSV, XLSX) are set on the admin mixin.
IMPORT_EXPORT_USE_TRANSACTIONS = True

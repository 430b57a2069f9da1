"""Settings for hechi-nzc, read from the environment with embedded development defaults.

DJANGO_ENV=production switches on the deployment checks: a real secret key is
required and cookies, HSTS and SSL redirects are on.
"""
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_int_list, env_list, env_networks, env_range, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ValueError(f"DJANGO_ENV must be development or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    None if PRODUCTION else "dev-only-insecure-key-do-not-use-in-production",
    required=PRODUCTION,
)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from here, not from a CDN
    "guardian",
    "django_celery_beat",
    "pilots",
    "reviews",
    "publicity",
    "acceptance",
    "disclosure",
    "public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hechi_nzc.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so their responses still get the headers of the middleware above.
    "hechi_nzc.middleware.PortalErrorPagesMiddleware",
    "hechi_nzc.middleware.RefuseControlCharactersMiddleware",
]
# The portal's 403 page, in Chinese, for a form sent from a page that is too old.
CSRF_FAILURE_VIEW = "hechi_nzc.errors.csrf_failure"

if PRODUCTION:  # runserver serves static files itself in development
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "hechi_nzc.urls"
WSGI_APPLICATION = "hechi_nzc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pilots.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People -----------------------------------------------------------------
AUTH_USER_MODEL = "pilots.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = True
ANONYMOUS_USER_NAME = None  # the public never holds object permissions

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Attachments live here, never under MEDIA_URL; a permission-checked view serves them.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT / "private")))
UPLOAD_MAX_BYTES = env_int("HECHI_UPLOAD_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

SITE_NAME = env_str("HECHI_SITE_NAME", "河池市近零碳排放区试点管理平台")

# --- Mail -------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "河池市近零碳排放区试点管理平台 <noreply@localhost>")
# The outbox (pilots.outbox): a notification's email is tried up to EMAIL_MAX_ATTEMPTS
# times, waiting EMAIL_RETRY_MINUTES after each failure (the last step repeats), then
# marked failed for an administrator to resend. One left "sending" longer than
# EMAIL_SENDING_TIMEOUT_MINUTES (its worker died) is marked failed, never resent blindly.
EMAIL_MAX_ATTEMPTS = env_int("HECHI_EMAIL_MAX_ATTEMPTS", 5, minimum=1)
EMAIL_RETRY_MINUTES = env_int_list("HECHI_EMAIL_RETRY_MINUTES", [1, 5, 15, 60], minimum=0,
                                   allow_empty=False)
EMAIL_SENDING_TIMEOUT_MINUTES = env_int("HECHI_EMAIL_SENDING_TIMEOUT_MINUTES", 15, minimum=1)
# Seconds an SMTP server may stay silent before a send fails: a hung server must not hold
# a worker, or a request that delivers inline (no broker), for ever.
EMAIL_TIMEOUT = env_int("HECHI_EMAIL_TIMEOUT_SECONDS", 30, minimum=1)

# --- Celery -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")

# The public pages and open data are cached (public/cache.py: a generation token that
# every public change bumps). Per process by default; with several processes set
# HECHI_CACHE_URL (e.g. redis://127.0.0.1:6379/2) so a change reaches every one at once.
CACHE_URL = env_str("HECHI_CACHE_URL", "")
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
     "KEY_PREFIX": "hechi", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if CACHE_URL else
    {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hechi"})}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks are rows (django-celery-beat), created by data migrations so that an
# edit in the admin survives a restart of beat: pilots 0008, acceptance 0001.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A request that queues a task must not wait for a broker that is down: one connection
# attempt with a short timeout; what could not be queued waits for the outbox's sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("HECHI_BROKER_TIMEOUT_SECONDS", 2, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A broker that takes the connection and never answers must not hold the request.
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an unauthenticated client is told 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, errors included, whatever the client accepts; the docs are at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hechi_nzc.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "河池市近零碳排放区试点管理平台 API",
    "DESCRIPTION": "Pilot projects, their lifecycle and audit trail.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"StateEnum": "pilots.choices.State"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- The programme ----------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "hechi-demo-2024")
# The panel size, the publicity period (per batch) and the recheck interval (per category)
# are data the ecology admin edits on the programme settings pages, not settings.
# Days a project may wait in someone's queue before it shows as overdue.
QUEUE_OVERDUE_DAYS = env_int("HECHI_QUEUE_OVERDUE_DAYS", 15)
# Points by which an expert panel's sheet totals may differ before the results flag them.
REVIEW_SPREAD_POINTS = env_int("HECHI_REVIEW_SPREAD_POINTS", 20, minimum=1)
# Objections one client address may file per day during publicity (more answer 429).
HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY = env_int("HECHI_OBJECTIONS_PER_ADDRESS_PER_DAY", 5,
                                               minimum=1)
# Steady decline (稳步下降, disclosure.decline): by how much an indicator may exceed the year
# before and still count as not above it, as a fraction of that year's value (0.02 = 2 %).
HECHI_DECLINE_TOLERANCE = env_str("HECHI_DECLINE_TOLERANCE", "0")
# How else to object, printed on every publicity notice (post, phone, office).
HECHI_OBJECTION_CONTACT = env_str("HECHI_OBJECTION_CONTACT",
                                  "河池市生态环境局（联系电话和地址以该局门户网站公布为准）")
# The plausible size of a pilot, per category ("*": any other), checked when a plan is
# submitted: (least, most) area in km², population, floor area in m². Each pair may be set
# as HECHI_PLAN_BOUNDS_<CATEGORY>_<MEASURE>="low,high", e.g. HECHI_PLAN_BOUNDS_CAMPUS_POPULATION
# (<CATEGORY> DEFAULT for "*").
_PLAN_BOUNDS_DEFAULTS = {
    "region": {"area_km2": ("0.5", "3000"), "population": ("1000", "1000000")},
    "park": {"area_km2": ("0.1", "200")},
    "community": {"area_km2": ("0.01", "20"), "population": ("200", "200000")},
    "campus": {"area_km2": ("0.005", "10"), "population": ("100", "100000")},
    "commercial": {"area_km2": ("0.0005", "5"), "population": ("10", "500000"),
                   "floor_area": ("1000", "3000000")},
    "*": {"area_km2": ("0.0005", "3000"), "population": ("10", "2000000"),
          "floor_area": ("100", "5000000")},
}
PLAN_BOUNDS = {
    category: {
        measure: env_range(
            f"HECHI_PLAN_BOUNDS_{'DEFAULT' if category == '*' else category.upper()}_{measure.upper()}",
            pair)
        for measure, pair in measures.items()
    }
    for category, measures in _PLAN_BOUNDS_DEFAULTS.items()
}

# --- Deployment -------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Eager tasks in development would log every run; a real worker logs on its own.
    "loggers": {"celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
                # PDF rendering reports every step and font subset at INFO.
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Trust X-Forwarded-For for the audit trail's client IP only behind our own proxy.
USE_X_FORWARDED_FOR = env_bool("DJANGO_USE_X_FORWARDED_FOR", PRODUCTION)
# The proxies (addresses or networks) whose X-Forwarded-For hop is believed: the client
# is the nearest address in the chain that is not one of them (pilots.net.client_ip).
TRUSTED_PROXIES = env_networks("HECHI_TRUSTED_PROXIES", ["127.0.0.1", "::1"])

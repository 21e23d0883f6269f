"""Settings shared by every environment.

Configuration comes from the environment (twelve-factor): ``DATABASE_URL`` and ``REDIS_URL``
here; ``SECRET_KEY`` and ``ALLOWED_HOSTS`` in production.py, which refuses to start without them.
"""

import os
from pathlib import Path

import dj_database_url

from planner.settings.env import env_choice, env_int, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RELAY_VAR_DIR", BASE_DIR / "var"))

INSTALLED_APPS = [
    "planner",
    "cms",
    "venues",
    "wagtail.api.v2",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_q",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: every log line written while a request is handled carries its id.
    "planner.ops.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "planner.ops.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a parameter: a NUL byte is a 400, never a database error.
    "planner.ops.security.RefuseNulMiddleware",
    # Outside every middleware that can query (sessions, auth, messages, redirects, axes) so a
    # lost database is a 503 wherever it is noticed; inside the ones that add headers.
    "planner.ops.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The site and its root page from the cache, before Wagtail or the settings ask the database.
    "cms.caching.SiteFromCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "account:my_programme"
LOGOUT_REDIRECT_URL = "/"

# Slow down password guessing: five failures for one account from one address locks that
# pair for 15 minutes. Keyed on user *and* IP so an attacker elsewhere cannot lock a real
# delegate out of their own account.
from datetime import timedelta  # noqa: E402

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "planner.views.accounts.axes_username"
# The address is the client's, not the proxy's (planner/client_address.py): without a proxy
# REMOTE_ADDR; production.py sets how many proxies stand in front.
AXES_CLIENT_IP_CALLABLE = "planner.ops.client_address.client_address"
RELAY_PROXY_COUNT = 0

ROOT_URLCONF = "planner.urls"
WSGI_APPLICATION = "planner.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]


def sqlite_default_url() -> str:
    """The embedded default database: a SQLite file under var/."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'relay.sqlite3'}"


def database_from_url(url: str) -> dict:
    """A DATABASES entry for ``url``; SQLite gets WAL and IMMEDIATE transactions.

    IMMEDIATE makes a writing transaction take SQLite's write lock when it begins, so two
    writers queue on ``timeout`` instead of failing half-way with "database is locked".
    """
    config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 0))
    # A kept connection that a database restart closed is replaced at a request's first query.
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {
    "default": database_from_url(
        env_url("DATABASE_URL", schemes={"sqlite", "postgres", "postgresql"}) or sqlite_default_url()
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Files under var/, not each process's memory: the web server and the worker (make run)
    # must see one content version, or an import the worker applies would never reach a page.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# django-q2. A task that runs longer than `timeout` is killed; `retry` must be longer than
# `timeout` or a slow task would be handed out twice; `max_attempts` stops a poisoned task
# being retried for ever (0 would mean exactly that).
Q_CLUSTER = {
    "name": "relay",
    "timeout": 120,
    "retry": 180,
    "max_attempts": 5,
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "label": "Task queue",
}
if REDIS_URL:
    # django-q2's own Redis broker loses a task whose worker is killed; ours retries it (queue_broker.py).
    Q_CLUSTER.update(
        {
            "redis": REDIS_URL,
            "broker_class": "planner.ops.queue_broker.ReliableRedis",
            "workers": env_int("Q_WORKERS", 2, minimum=1),
        }
    )
else:
    # The ORM broker on SQLite wants a single worker: more meet "database is locked".
    default_workers = 1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 2
    Q_CLUSTER.update({"orm": "default", "workers": env_int("Q_WORKERS", default_workers, minimum=1)})

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Request size limits. A form post (a contribution, a profile) is far below 2.5 MB; larger
# bodies get a 400 page saying so before any view reads them. Images and documents uploaded
# in the admin may be up to 10 MB (the proxy's limit must be a little above: README).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

WAGTAIL_SITE_NAME = "Relay"
WAGTAILADMIN_BASE_URL = env_url("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000", schemes={"http", "https"})
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Site search (cms/search.py): what each group of results is, and how it is matched. Named
# here because the site shell never imports the planner. Equal groups show in this order.
RELAY_SEARCH_GROUPS = [
    {
        "key": "meetups",
        "heading": "Meetups",
        "model": "planner.RegionalEventPage",
        "place": "venue__town",
        "order": "start",
        "words": ["meetup"],
        "related": ["venue", "cancellation"],
    },
    {
        "key": "sessions",
        "heading": "Sessions",
        "model": "planner.SessionPage",
        "order": "start",
        "words": ["session"],
        "related": ["stream", "cancellation"],
    },
    {
        "key": "speakers",
        "heading": "Speakers",
        "model": "planner.Speaker",
        "name": "name",
        "order": "name",
        "words": ["speaker"],
        "shown_through": "sessions",
        "urls": "planner.queries.speakers.speaker_conference_urls",
    },
    {"key": "pages", "heading": "Pages", "model": "wagtailcore.Page"},
]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
# Recordings: YouTube and Vimeo players written offline (planner/embeds.py). Wagtail's oEmbed
# finder is left out on purpose: it would fetch any other address from its provider when a
# page is shown; those are shown as plain links instead.
WAGTAILEMBEDS_FINDERS = [{"class": "planner.embeds"}]
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100

# The viewer's zone when they have not chosen one (DESIGN.md: data rules).
RELAY_DEFAULT_VIEWER_TIME_ZONE = "Europe/London"

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relay <no-reply@relay.invalid>")


def logging_config(style: str, *, access_level: str = "WARNING") -> dict:
    """Logging to stdout, one line per record, in ``style`` "json" (production's default) or
    "text"; every record carries its request id and passes the redacting filter. The access
    line per request is logged at INFO, so ``access_level`` "INFO" turns it on."""
    formatter = f"planner.ops.observability.{'Json' if style == 'json' else 'Text'}Formatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "planner.ops.observability.RequestIdFilter"},
            "redact": {"()": "planner.ops.observability.RedactingFilter"},
        },
        "formatters": {"relay": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "relay",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Wagtail's own background tasks (search index, reference index) log every run at INFO.
            "django_tasks": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # The access line per request (planner.ops.observability); runserver writes its own.
            "relay.requests": {"level": access_level},
        },
    }


LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
LOGGING = logging_config(env_choice("LOG_FORMAT", "text", {"text", "json"}))  # production.py adds access lines

# Geocoding (venues/geocoding.py): the offline gazetteer by default. GEOCODER=nominatim uses
# OpenStreetMap's Nominatim for venue addresses (background tasks only, 1 request/s, cached);
# its usage policy asks for a NOMINATIM_USER_AGENT that names you and a contact address.
GEOCODER = env_choice("GEOCODER", "gazetteer", {"gazetteer", "nominatim"})
NOMINATIM_USER_AGENT = env_str("NOMINATIM_USER_AGENT")
NOMINATIM_DOMAIN = env_str("NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")

# Discussions. Posting limits are per delegate, counted in the cache (Redis in production,
# so every gunicorn worker shares the count): (posts, seconds) pairs, all of which apply.
RELAY_POSTING_LIMITS = [(5, 60), (60, 3600)]
# A brand-new account waits this long before its first post: spam scripts rarely do.
RELAY_NEW_ACCOUNT_COOL_OFF_MINUTES = env_int("RELAY_NEW_ACCOUNT_COOL_OFF_MINUTES", 10)
RELAY_EDIT_WINDOW_MINUTES = 30

# Sign-up and password-reset emails, counted in the cache like the posting limits: to one
# address (beyond it the page answers as if sent, so nothing about accounts leaks), and from
# one client address (a 429 saying when to try again; generous, as a council's staff may
# share one address).
RELAY_ACCOUNT_EMAIL_LIMITS_PER_ADDRESS = [(3, 3600), (10, 86400)]
RELAY_ACCOUNT_EMAIL_LIMITS_PER_CLIENT = [(10, 600), (50, 86400)]

# Generated delegate packs hold personal data: kept outside MEDIA_ROOT, served only through
# views that check who is asking.
RELAY_PACK_DIR = Path(os.environ.get("RELAY_PACK_DIR", VAR_DIR / "packs"))

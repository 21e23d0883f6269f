"""Production: refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set.

Expects TLS to be terminated by a proxy that sets X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from planner.settings.base import *  # noqa: F403
from planner.settings.env import env_bool, env_choice, env_int, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters (see README: Deploying).")
ALLOWED_HOSTS = [host.strip() for host in env_str("ALLOWED_HOSTS", required=True).split(",") if host.strip()]

# Trying production settings on one's own machine, without TLS: only for local host names,
# so it can never switch HTTPS off on a real deployment.
LOCAL_HTTP = env_bool("RELAY_LOCAL_HTTP", False)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= LOCAL_HOSTS:
    raise ImproperlyConfigured(
        "RELAY_LOCAL_HTTP is only for trying Relay on this machine: ALLOWED_HOSTS may then hold only "
        "127.0.0.1, localhost or [::1] (see README: Deploying)."
    )

SCHEME = "http" if LOCAL_HTTP else "https"
CSRF_TRUSTED_ORIGINS = [f"{SCHEME}://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the proxy every request comes from 127.0.0.1; lock-outs and throttles must read the
# client's address from X-Forwarded-For as our proxies wrote it (planner/client_address.py), or
# django-axes' user+IP lockout would become a user-only lockout that anyone can trigger.
RELAY_PROXY_COUNT = env_int("PROXY_COUNT", 0 if LOCAL_HTTP else 1)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not LOCAL_HTTP)
# Load balancers probe over plain HTTP; a redirect would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 0 if LOCAL_HTTP else env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not LOCAL_HTTP
CSRF_COOKIE_SECURE = not LOCAL_HTTP
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# One JSON line per request, with its id (gunicorn's own access log is off).
LOGGING = logging_config(env_choice("LOG_FORMAT", "json", {"text", "json"}), access_level="INFO")  # noqa: F405

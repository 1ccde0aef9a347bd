"""Hostwerk settings: every value comes from the environment, with a safe development default.

Production (HOSTWERK_PRODUCTION=1) refuses a development secret, a development encryption key
and DEBUG. Every variable is listed with one line of explanation in `.env.example`.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off; got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number such as 30; got {value!r}") from None
    if not number > 0:
        raise ImproperlyConfigured(f"{name} must be more than 0; got {value!r}")
    return number


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name) or default
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ImproperlyConfigured(
            f"{name} must be an amount such as 100.00; got {value!r}"
        ) from None
    if not amount.is_finite():
        raise ImproperlyConfigured(f"{name} must be an amount such as 100.00; got {value!r}")
    return amount


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


PRODUCTION = env_bool("HOSTWERK_PRODUCTION")
DEBUG = env_bool("HOSTWERK_DEBUG", default=not PRODUCTION)

VAR_DIR = Path(env_str("HOSTWERK_VAR_DIR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEVELOPMENT_SECRET_KEY = "hostwerk-development-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("HOSTWERK_SECRET_KEY", DEVELOPMENT_SECRET_KEY)

# Fernet key for secrets at rest (server and registrar credentials, generated passwords).
# Generate one with: hostwerk generate_encryption_key
# Several keys, comma-separated, rotate: the first encrypts, all decrypt.
DEVELOPMENT_ENCRYPTION_KEY = "aG9zdHdlcmstZGV2LWtleS1ub3QtZm9yLXByb2QhISE="
ENCRYPTION_KEYS = env_list("HOSTWERK_ENCRYPTION_KEY", DEVELOPMENT_ENCRYPTION_KEY)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("HOSTWERK_DEBUG must be off when HOSTWERK_PRODUCTION=1.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set HOSTWERK_SECRET_KEY to a random value of 50+ characters for production."
        )
    if DEVELOPMENT_ENCRYPTION_KEY in ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "Set HOSTWERK_ENCRYPTION_KEY (hostwerk generate_encryption_key) for production."
        )

ALLOWED_HOSTS = env_list(
    "HOSTWERK_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("HOSTWERK_CSRF_TRUSTED_ORIGINS")
BASE_URL = env_str("HOSTWERK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "hostwerk.core",
    "hostwerk.accounts",
    "hostwerk.clients",
    "hostwerk.catalog",
    "hostwerk.provisioning",
    "hostwerk.domains",
    "hostwerk.dns",
    "hostwerk.mail",
    "hostwerk.orders",
    "hostwerk.billing",
    "hostwerk.drift",
    "hostwerk.notifications",
    "hostwerk.staff",
    "hostwerk.portal",
    "hostwerk.api",
    "hostwerk.imports",
]
if not PRODUCTION:
    INSTALLED_APPS += ["hostwerk.sandbox", "hostwerk.demo"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hostwerk.accounts.middleware.UserLanguageMiddleware",
    "hostwerk.accounts.middleware.StaffTwoFactorMiddleware",
    "hostwerk.accounts.middleware.ImpersonationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hostwerk.urls"
WSGI_APPLICATION = "hostwerk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "hostwerk.core.context_processors.hostwerk",
            ],
            # Replaces Django's {% url %} with one that reverses each route once per process.
            "builtins": ["hostwerk.core.templatetags.cached_urls"],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hostwerk.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while the web process reads; IMMEDIATE takes the write lock
        # at BEGIN so that concurrent writers queue instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not memory) so that threads in tests really run concurrently; one per process so
    # that test runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-hostwerk-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: at 100,000 clients the planner's estimates for the billing preview's
    # subqueries pass jit_above_cost, and compiling took ~520 ms of a 940 ms query. Hostwerk's
    # queries read a page or count through indexes; none runs long enough to repay the compile.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
# Failed logins per e-mail address within the window before further attempts are refused.
LOGIN_FAILURE_LIMIT = env_int("HOSTWERK_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("HOSTWERK_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Staff logins need a second step (an authenticator code); staff without one must set it up first.
# Staff who set it up always get the second step, whatever this says. API tokens are not affected.
HOSTWERK_STAFF_2FA = env_bool("HOSTWERK_STAFF_2FA", default=PRODUCTION)
# How long the one-time links to set a password work: invitations of new logins, and resets.
HOSTWERK_INVITATION_LINK_HOURS = env_int("HOSTWERK_INVITATION_LINK_HOURS", 24 * 7)
HOSTWERK_PASSWORD_RESET_LINK_HOURS = env_int("HOSTWERK_PASSWORD_RESET_LINK_HOURS", 2)
# Addresses told of each order a client places (comma-separated); empty: every active staff user.
HOSTWERK_STAFF_ORDER_EMAIL = env_str("HOSTWERK_STAFF_ORDER_EMAIL", "")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Hashes taken over from WHMCS: accepted once, then rehashed with the first hasher above.
    "hostwerk.accounts.hashers.WhmcsBcryptPasswordHasher",
    "hostwerk.accounts.hashers.WhmcsMd5PasswordHasher",
    "hostwerk.accounts.hashers.WhmcsHmacSha256PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "hostwerk.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
# English dates day-first with a 24-hour clock (hostwerk/formats/en): see that module.
FORMAT_MODULE_PATH = ["hostwerk.formats"]
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("HOSTWERK_TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
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
WHITENOISE_USE_FINDERS = not PRODUCTION

# A worker whose heartbeat is older than this is taken for dead: its running task is queued again.
HOSTWERK_WORKER_STALE_SECONDS = env_int("HOSTWERK_WORKER_STALE_SECONDS", 60)

TASKS = {
    "default": {
        "BACKEND": env_str("HOSTWERK_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail: "smtp" in production; "file" writes each message under $HOSTWERK_VAR_DIR/mail.
EMAIL_MODE = env_str("HOSTWERK_EMAIL", "smtp" if PRODUCTION else "file")
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}.get(EMAIL_MODE)
if EMAIL_BACKEND is None:
    raise ImproperlyConfigured("HOSTWERK_EMAIL must be smtp, file or console.")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("HOSTWERK_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("HOSTWERK_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("HOSTWERK_SMTP_USER")
EMAIL_HOST_PASSWORD = env_str("HOSTWERK_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("HOSTWERK_SMTP_STARTTLS")
EMAIL_USE_SSL = env_bool("HOSTWERK_SMTP_SSL")
EMAIL_TIMEOUT = env_int("HOSTWERK_SMTP_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("HOSTWERK_FROM_EMAIL", "Hostwerk <noreply@hostwerk.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("HOSTWERK_SESSION_AGE", 60 * 60 * 12)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("HOSTWERK_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HOSTWERK_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("HOSTWERK_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HOSTWERK_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per outbound request is noise; failures surface through our own errors.
        "httpx": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF at INFO, and CSS meant for browsers (the
        # invoice page's print rules) at WARNING; its errors still show.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
CURRENCY = env_str("HOSTWERK_CURRENCY", "EUR")

# Billing: the seller printed on invoices, whose country decides domestic VAT, and the payment term.
HOSTWERK_SELLER_COUNTRY = env_str("HOSTWERK_SELLER_COUNTRY", "NL").upper()
HOSTWERK_SELLER_NAME = env_str("HOSTWERK_SELLER_NAME", "Hostwerk Hosting")
HOSTWERK_SELLER_ADDRESS = env_str("HOSTWERK_SELLER_ADDRESS", "").replace("\\n", "\n")
HOSTWERK_SELLER_POSTCODE = env_str("HOSTWERK_SELLER_POSTCODE")
HOSTWERK_SELLER_CITY = env_str("HOSTWERK_SELLER_CITY")
HOSTWERK_SELLER_VAT_NUMBER = env_str("HOSTWERK_SELLER_VAT_NUMBER")
HOSTWERK_SELLER_COC_NUMBER = env_str("HOSTWERK_SELLER_COC_NUMBER")
HOSTWERK_SELLER_IBAN = env_str("HOSTWERK_SELLER_IBAN")
HOSTWERK_SELLER_BIC = env_str("HOSTWERK_SELLER_BIC")
HOSTWERK_SELLER_EMAIL = env_str("HOSTWERK_SELLER_EMAIL")
HOSTWERK_SELLER_PHONE = env_str("HOSTWERK_SELLER_PHONE")
HOSTWERK_INVOICE_DUE_DAYS = env_int("HOSTWERK_INVOICE_DUE_DAYS", 14)

# Online payments through Mollie (iDEAL). Empty URL or key: no "Pay now"; clients pay by transfer.
HOSTWERK_MOLLIE_API_URL = env_str("HOSTWERK_MOLLIE_API_URL", "").rstrip("/")
HOSTWERK_MOLLIE_API_KEY = env_str("HOSTWERK_MOLLIE_API_KEY", "")
HOSTWERK_MOLLIE_TIMEOUT = env_int("HOSTWERK_MOLLIE_TIMEOUT", 15)
# The address Mollie sends clients back to and calls the webhook on (behind a tunnel or proxy it
# can differ from the address in e-mails).
HOSTWERK_PUBLIC_URL = (env_str("HOSTWERK_PUBLIC_URL") or BASE_URL).rstrip("/")

# The daily billing run (`hostwerk billing_run`): when renewals are invoiced, reminded, suspended.
HOSTWERK_INVOICE_DAYS_BEFORE = env_int("HOSTWERK_INVOICE_DAYS_BEFORE", 14)
HOSTWERK_DOMAIN_INVOICE_DAYS_BEFORE = env_int("HOSTWERK_DOMAIN_INVOICE_DAYS_BEFORE", 30)
HOSTWERK_REMINDER_DAYS_BEFORE_DUE = env_int("HOSTWERK_REMINDER_DAYS_BEFORE_DUE", 7)
HOSTWERK_OVERDUE_NOTICE_DAYS = sorted(
    int(day) for day in env_list("HOSTWERK_OVERDUE_NOTICE_DAYS", "1,7,14")
)[:3]
HOSTWERK_SUSPEND_DAYS_OVERDUE = env_int("HOSTWERK_SUSPEND_DAYS_OVERDUE", 14)
HOSTWERK_TERMINATE_DAYS_OVERDUE = env_int("HOSTWERK_TERMINATE_DAYS_OVERDUE", 0)  # 0 = never
HOSTWERK_DOMAIN_CANCEL_DAYS_OVERDUE = env_int("HOSTWERK_DOMAIN_CANCEL_DAYS_OVERDUE", 14)
HOSTWERK_DOMAIN_AUTO_CANCEL = env_bool("HOSTWERK_DOMAIN_AUTO_CANCEL")
# Auto-accept after payment: a new client's first order above this total (incl. VAT) waits for staff.
HOSTWERK_REVIEW_ABOVE = env_decimal("HOSTWERK_REVIEW_ABOVE", "100.00")

# Domain availability (the order screens' checker): how long one registry may take, and how long
# an answer is reused before the registry is asked again.
HOSTWERK_DOMAIN_CHECK_TIMEOUT = env_int("HOSTWERK_DOMAIN_CHECK_TIMEOUT", 8)
HOSTWERK_DOMAIN_CHECK_CACHE_SECONDS = env_int("HOSTWERK_DOMAIN_CHECK_CACHE_SECONDS", 300)

# DNS: where zones are published, and what every zone gets from Hostwerk rather than its records.
# "none" keeps zones in the database only; "powerdns" publishes them through the PowerDNS API.
HOSTWERK_DNS_PUBLISHER = env_str("HOSTWERK_DNS_PUBLISHER", "none")
if HOSTWERK_DNS_PUBLISHER not in ("none", "powerdns"):
    raise ImproperlyConfigured("HOSTWERK_DNS_PUBLISHER must be none or powerdns.")
HOSTWERK_POWERDNS_API_URL = env_str("HOSTWERK_POWERDNS_API_URL", "http://127.0.0.1:8081")
HOSTWERK_POWERDNS_API_KEY = env_str("HOSTWERK_POWERDNS_API_KEY")
if HOSTWERK_DNS_PUBLISHER == "powerdns" and not HOSTWERK_POWERDNS_API_KEY:
    raise ImproperlyConfigured("HOSTWERK_DNS_PUBLISHER=powerdns needs HOSTWERK_POWERDNS_API_KEY.")
HOSTWERK_POWERDNS_TIMEOUT = env_float("HOSTWERK_POWERDNS_TIMEOUT", 15.0)
# Requests at once when one worker publishes many zones (hostwerk.dns.bulk_publishing).
HOSTWERK_DNS_PUBLISH_THREADS = env_int("HOSTWERK_DNS_PUBLISH_THREADS", 4)
HOSTWERK_DNS_NAMESERVERS = env_list(
    "HOSTWERK_DNS_NAMESERVERS", "ns1.hostwerk.test,ns2.hostwerk.test"
)
HOSTWERK_DNS_HOSTMASTER = env_str("HOSTWERK_DNS_HOSTMASTER", "hostmaster.hostwerk.test")
HOSTWERK_DNS_DEFAULT_TTL = env_int("HOSTWERK_DNS_DEFAULT_TTL", 3600)

# Seconds a call to a Plesk server or the SpamExperts API may take before it counts as failed
# (the call is then retried as "did not answer"; the remote side may still have done it).
HOSTWERK_PLESK_TIMEOUT = env_float("HOSTWERK_PLESK_TIMEOUT", 30.0)
HOSTWERK_SPAMEXPERTS_TIMEOUT = env_float("HOSTWERK_SPAMEXPERTS_TIMEOUT", 30.0)

# Mail filtering (R8): the filter's MX host names with their priorities, and the addresses of the
# names that live in the client's own zone (names without a dot). Defaults of new providers; each
# provider can be given its own set on the staff mail page.
HOSTWERK_MAIL_FILTER_MX = env_str("HOSTWERK_MAIL_FILTER_MX", "spamx:10,spamx-fallback:20")
HOSTWERK_MAIL_FILTER_ADDRESSES = env_str(
    "HOSTWERK_MAIL_FILTER_ADDRESSES", "spamx:192.0.2.53,spamx-fallback:192.0.2.54"
)

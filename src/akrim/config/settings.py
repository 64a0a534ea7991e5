"""akrim settings, read from environment variables.

``AKRIM_ENV`` selects the mode: ``demo`` (default; runs with nothing set, SQLite, two-factor
optional) or ``production`` (refuses to start without ``AKRIM_SECRET_KEY``,
``AKRIM_ALLOWED_HOSTS`` and ``DATABASE_URL``; two-factor required; secure cookies, HSTS).
``DATABASE_URL`` is an SQLite path or a PostgreSQL URL.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from akrim.core.settings_env import env_bool, env_int, env_list, env_str

django_stubs_ext.monkeypatch()  # lets admin.ModelAdmin[Model] etc. be subscripted at run time

SRC_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = SRC_DIR.parents[1]
VAR_DIR = Path(env_str("AKRIM_VAR_DIR", str(REPO_DIR / "var")))

AKRIM_ENV = env_str("AKRIM_ENV", "demo")
if AKRIM_ENV not in {"demo", "production"}:
    raise ImproperlyConfigured(f"AKRIM_ENV={AKRIM_ENV!r}: expected 'demo' or 'production'")
PRODUCTION = AKRIM_ENV == "production"


def _secret_key() -> str:
    key = env_str("AKRIM_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("AKRIM_SECRET_KEY must be set in production")
    # Demo: a random key kept beside the demo database, never in the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _database(url: str) -> dict[str, Any]:
    if not url:
        if PRODUCTION:
            raise ImproperlyConfigured("DATABASE_URL must be set in production")
        url = str(VAR_DIR / "akrim.sqlite3")
    if "://" not in url:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": url}
    else:
        config = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the server and a command line import share the file.
        config["OPTIONS"] = {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
        config.setdefault("TEST", {})["NAME"] = None
    return config


SECRET_KEY = _secret_key()

# Key for tips encrypted at rest (base64 of 32 random bytes). In the demo it is derived from
# SECRET_KEY; production refuses to start without its own key, kept apart from SECRET_KEY.
AKRIM_TIPS_KEY = env_str("AKRIM_TIPS_KEY")

# Scoring runs keep all their scores this long; after that only what the feedback loop needs.
AKRIM_SCORE_RETENTION_DAYS = env_int("AKRIM_SCORE_RETENTION_DAYS", 730)
if PRODUCTION and not AKRIM_TIPS_KEY:
    raise ImproperlyConfigured("AKRIM_TIPS_KEY must be set in production")
DEBUG = env_bool("AKRIM_DEBUG", False)
ALLOWED_HOSTS = env_list("AKRIM_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("AKRIM_ALLOWED_HOSTS must be set in production")
CSRF_TRUSTED_ORIGINS = env_list("AKRIM_CSRF_TRUSTED_ORIGINS")

DATABASES = {"default": _database(env_str("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "akrim.core",
    "akrim.organisation",
    "akrim.access",
    "akrim.audit",
    "akrim.accounts",
    "akrim.registry",
    "akrim.controls",
    "akrim.targeting",
    "akrim.reporting",
    "akrim.training",
    "akrim.portal",
    "akrim.tips",
    "akrim.methods",
    "akrim.partners",
    "akrim.campaigns",
    "akrim.api",
]

MIDDLEWARE = [
    # First: the public tip and survey pages never see who is asking (address, browser).
    "akrim.tips.middleware.ForgetClientMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "akrim.core.middleware.RequestIdMiddleware",
    "akrim.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "akrim.access.middleware.GrantCacheMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "akrim.accounts.sessions.SessionTimeoutMiddleware",
    "akrim.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "akrim.config.urls"
WSGI_APPLICATION = "akrim.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "akrim.core.context_processors.akrim",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organisation:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Two-factor (TOTP) is required for all staff outside demo mode.
AKRIM_REQUIRE_2FA = env_bool("AKRIM_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "akrim"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]

# The public portal's languages: (code, English name, name in itself, direction). The staff
# interface speaks only LANGUAGES above; the portal's texts are content (akrim.portal), so
# these codes need no gettext catalogue. Each has its home page at /<code>/.
PORTAL_LANGUAGES: list[tuple[str, str, str, str]] = [
    ("sv", "Swedish", "Svenska", "ltr"),
    ("en", "English", "English", "ltr"),
    ("pl", "Polish", "Polski", "ltr"),
    ("ro", "Romanian", "Română", "ltr"),
    ("uk", "Ukrainian", "Українська", "ltr"),
    ("bg", "Bulgarian", "Български", "ltr"),
    ("lt", "Lithuanian", "Lietuvių", "ltr"),
    ("th", "Thai", "ไทย", "ltr"),
    ("vi", "Vietnamese", "Tiếng Việt", "ltr"),
    ("ar", "Arabic", "العربية", "rtl"),
    ("fa", "Persian", "فارسی", "rtl"),
    ("ti", "Tigrinya", "ትግርኛ", "ltr"),
    ("so", "Somali", "Soomaali", "ltr"),
    ("bn", "Bengali", "বাংলা", "ltr"),
]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None  # demo serves from the finders
_NODE = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    (prefix, path)
    for prefix, path in [
        ("vendor/htmx", _NODE / "htmx.org" / "dist"),
        ("vendor/designsystemet", _NODE / "@digdir" / "designsystemet-css" / "dist"),
        ("vendor/designsystemet-theme", _NODE / "@digdir" / "designsystemet-theme"),
    ]
    if path.exists()
]
WHITENOISE_USE_FINDERS = not PRODUCTION
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

# Sessions: 8-hour absolute lifetime; cookies never readable by scripts.
SESSION_COOKIE_AGE = env_int("AKRIM_SESSION_SECONDS", 8 * 3600)
AKRIM_SESSION_IDLE_SECONDS = env_int("AKRIM_SESSION_IDLE_SECONDS", 30 * 60)
# Review alert: a user shown more distinct persons of one agency in a day than this.
AKRIM_ALERT_PERSONS_PER_DAY = env_int("AKRIM_ALERT_PERSONS_PER_DAY", 50)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("AKRIM_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Photos and documents taken at a control: stored under random names outside the web root,
# served only through a permission-checked view. Each upload at most this many bytes.
AKRIM_ATTACHMENT_DIR = Path(env_str("AKRIM_ATTACHMENT_DIR", str(VAR_DIR / "attachments")))
AKRIM_ATTACHMENT_MAX_BYTES = env_int("AKRIM_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AKRIM_LOG_LEVEL", "WARNING")},
}

# Signed audit checkpoints (Ed25519; see akrim.audit.checkpoints). The private key lives
# outside the database: base64 of the 32-byte raw key, or a file holding that base64. Demo
# mode generates one under VAR_DIR on first use; production refuses to write checkpoints
# without one. AKRIM_AUDIT_VERIFY_KEY: base64 public keys (comma-separated, e.g. the old one
# after a rotation), so an auditor can verify without the private key.
AKRIM_AUDIT_SIGNING_KEY = env_str("AKRIM_AUDIT_SIGNING_KEY")
AKRIM_AUDIT_SIGNING_KEY_FILE = env_str("AKRIM_AUDIT_SIGNING_KEY_FILE")
AKRIM_AUDIT_VERIFY_KEY = env_str("AKRIM_AUDIT_VERIFY_KEY")

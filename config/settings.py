"""Acuface settings: one file, every value read from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# development: runserver on a laptop; test: the test suite; production: everything explicit.
MODE = env_choice("ACUFACE_MODE", ("development", "test", "production"), default="production")
IS_DEVELOPMENT = MODE in ("development", "test")

DEBUG = env_bool("ACUFACE_DEBUG", default=MODE == "development")
SECRET_KEY = env_str(
    "ACUFACE_SECRET_KEY",
    default="development-only-secret-key-never-use-in-production" if IS_DEVELOPMENT else None,
)
ALLOWED_HOSTS = env_list(
    "ACUFACE_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "testserver"] if IS_DEVELOPMENT else [],
)
CSRF_TRUSTED_ORIGINS = env_list("ACUFACE_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("ACUFACE_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "acuface.core",
    "acuface.clients",
    "acuface.intake",
    "acuface.atlas",
    "acuface.treatments",
    "acuface.photos",
    "acuface.aftercare",
    "acuface.courses",
    "acuface.records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "acuface.core.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "acuface.core.middleware.ClinicTimezoneMiddleware",
    # Axes last, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

if MODE == "production":
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "acuface.core.context_processors.staff",
            ],
        },
    },
]

DATA_DIR = Path(env_str("ACUFACE_DATA_DIR", default=str(BASE_DIR / "data")))
DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'acuface.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the task worker and the web server write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "acuface.core.backends.StaffBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if MODE == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Tablets are shared: a session expires after this many idle minutes (sliding window).
SESSION_IDLE_MINUTES = env_int(
    "ACUFACE_SESSION_IDLE_MINUTES", default=30, minimum=1, maximum=24 * 60
)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Activity renews the window, written at most once a minute (core.middleware.IdleSessionMiddleware).
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ACUFACE_SECURE_COOKIES", default=not IS_DEVELOPMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Repeated failed logins lock the account out (django-axes).
AXES_FAILURE_LIMIT = env_int("ACUFACE_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = env_int("ACUFACE_LOGIN_COOLOFF_MINUTES", default=15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account, not address: a clinic's tablets share one address, and locking it would
# lock out the whole clinic; rotating addresses does not help an attacker against one account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("ACUFACE_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if MODE != "production"
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: printed to the console in development, SMTP when ACUFACE_EMAIL_HOST is set.
EMAIL_HOST = env_str("ACUFACE_EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("ACUFACE_EMAIL_PORT", default=587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("ACUFACE_EMAIL_USER", default="")
    EMAIL_HOST_PASSWORD = env_str("ACUFACE_EMAIL_PASSWORD", default="")
    EMAIL_USE_TLS = env_bool("ACUFACE_EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("ACUFACE_FROM_EMAIL", default="Acuface <no-reply@acuface.invalid>")

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if MODE == "test"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# A database cache is shared by every web process and worker (rate limits, throttles).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "acuface_cache",
    }
}

# Photo uploads: larger files or pictures are refused before any pixel is decoded.
PHOTO_MAX_UPLOAD_BYTES = env_int(
    "ACUFACE_PHOTO_MAX_UPLOAD_BYTES", default=20_000_000, minimum=100_000
)
PHOTO_MAX_PIXELS = env_int("ACUFACE_PHOTO_MAX_PIXELS", default=50_000_000, minimum=1_000_000)

# Years a client's record is kept after the last contact before it may be erased.
RECORD_RETENTION_YEARS = env_int(
    "ACUFACE_RECORD_RETENTION_YEARS", default=8, minimum=0, maximum=100
)

# Clinic-adjustable defaults.
INTAKE_LINK_DAYS = env_int("ACUFACE_INTAKE_LINK_DAYS", default=7, minimum=1, maximum=90)
INTAKE_VALID_DAYS = env_int("ACUFACE_INTAKE_VALID_DAYS", default=90, minimum=1, maximum=730)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ACUFACE_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

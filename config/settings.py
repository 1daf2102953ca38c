"""One settings module; every deployment difference comes from the environment.

XINFANG_DATABASE_URL   database (default: SQLite under var/)
XINFANG_SECRET_KEY     Django secret (default: generated once into var/secret.key)
XINFANG_FIELD_KEY      key for personal-data encryption (default: generated into var/field.key)
XINFANG_REDIS_URL      job queue on Redis (default: Huey on SQLite under var/)
XINFANG_DEBUG          "1" for development error pages
XINFANG_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
XINFANG_VAR_DIR        where the database, keys and attachments live (default: ./var)
XINFANG_TRUSTED_PROXIES comma-separated reverse-proxy addresses whose X-Forwarded-For is used
XINFANG_DEADLINE_WARNING_DAYS working days ahead a deadline counts as due soon (default 3)
XINFANG_NOTIFY_CHANNELS channels telling petitioners of their case, in order of preference: "sms,email"
                       (default: none, notifications off)
XINFANG_SMS_GATEWAY_URL / XINFANG_SMS_GATEWAY_TOKEN  the HTTP SMS gateway and its bearer token
XINFANG_SMTP_HOST / _PORT / _USER / _PASSWORD / _FROM / _TLS  the mail server (TLS: starttls, ssl, none)
XINFANG_NOTIFY_WINDOW_DAYS days before a review window closes that the petitioner is reminded (default 5)
XINFANG_ANALYSIS_MODEL_DIR where trained suggestion models are kept (default: var/models)
XINFANG_ANALYSIS_BACKENDS  analysis backends replacing the built-in ones: "capability=dotted.Class,…"
                       (capabilities: xinfang/analysis/registry.py)
XINFANG_LLM_URL / _MODEL / _TOKEN  an on-premise OpenAI-compatible endpoint (…/v1) for the optional
                       language-model backends (xinfang/analysis/backends/llm.py)
"""

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XINFANG_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _key_from_env_or_file(env_name: str, file_name: str, make: Callable[[], str]) -> str:
    """Production passes keys in the environment; a demo keeps a generated one under var/."""
    value = os.environ.get(env_name)
    if value:
        return value
    path = VAR_DIR / file_name
    try:
        # O_EXCL: of several processes starting at once, exactly one writes the key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
    for _ in range(50):  # a process that lost the race may read before the winner has written
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.1)
    raise RuntimeError(f"{path} is empty")


SECRET_KEY = _key_from_env_or_file("XINFANG_SECRET_KEY", "secret.key", lambda: secrets.token_urlsafe(50))
FIELD_ENCRYPTION_KEY = _key_from_env_or_file(
    "XINFANG_FIELD_KEY", "field.key", lambda: Fernet.generate_key().decode()
)
DEBUG = os.environ.get("XINFANG_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("XINFANG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "huey.contrib.djhuey",
    "xinfang.core",
    "xinfang.orgs",
    "xinfang.people",
    "xinfang.cases",
    "xinfang.deadlines",
    "xinfang.documents",
    "xinfang.leaders",
    "xinfang.supervision",
    "xinfang.screening",
    "xinfang.notifications",
    "xinfang.portal",
    "xinfang.web",
    "xinfang.demo",
    "xinfang.analysis",
    "xinfang.stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinfang.web.middleware.SecurityHeadersMiddleware",
    "xinfang.web.errors.XinfangErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "xinfang.web.context.admin_warnings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("XINFANG_DATABASE_URL", f"sqlite:///{VAR_DIR / 'xinfang.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the job consumer read while one writes;
        # IMMEDIATE takes the write lock at BEGIN so counters never deadlock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:workbench"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xinfang.orgs.passwords.CharacterClassValidator"},
]

# Login throttling: this many failures per user name or per address in the window locks logins.
LOGIN_FAILURE_LIMIT = 5
# Reverse proxies (nginx) whose X-Forwarded-For is believed, for throttling and the audit log.
TRUSTED_PROXIES = [ip for ip in os.environ.get("XINFANG_TRUSTED_PROXIES", "").split(",") if ip]
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

# Sessions end after 30 idle minutes and with the browser.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("XINFANG_HTTPS") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders; it only needs the folder
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Attachments live outside any served directory and are only sent through an access check.
ATTACHMENT_ROOT = VAR_DIR / "attachments"
# The complete files of archived cases (one ZIP each); also outside any served directory.
ARCHIVE_ROOT = VAR_DIR / "archives"
ATTACHMENT_MAX_BYTES = int(os.environ.get("XINFANG_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Messages live in the session, so they end with it and never reach the next person at this browser.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LEDGER_PAGE_SIZE = 50
LEDGER_EXPORT_MAX_ROWS = 100_000

# Deadline warnings (xinfang.supervision): a running clock due within this many working days
# is "due soon" (yellow) on boards and workbenches.
DEADLINE_WARNING_DAYS = int(os.environ.get("XINFANG_DEADLINE_WARNING_DAYS", "3"))

# Smart intake (xinfang.analysis): trained models are versioned files here (pickles: keep the
# directory writable by the application only). Older versions beyond the newest few lose their
# model file but keep their manifest. Training from the office's history reads the newest cases.
ANALYSIS_MODEL_DIR = Path(os.environ.get("XINFANG_ANALYSIS_MODEL_DIR", VAR_DIR / "models")).resolve()
ANALYSIS_MODEL_KEEP = 10
ANALYSIS_BACKENDS = {
    name.strip(): path.strip()
    for name, _, path in (
        item.partition("=") for item in os.environ.get("XINFANG_ANALYSIS_BACKENDS", "").split(",")
    )
    if path.strip()
}
LLM_URL = os.environ.get("XINFANG_LLM_URL", "")
LLM_MODEL = os.environ.get("XINFANG_LLM_MODEL", "")
LLM_TOKEN = os.environ.get("XINFANG_LLM_TOKEN", "")
LLM_TIMEOUT = 60.0  # seconds: a local model writing a page of Chinese is slow

# Statistics (xinfang.stats): whether 基本满意 counts as satisfied in 满意率 (offices differ).
STATS_BASIC_SATISFIED = os.environ.get("XINFANG_STATS_BASIC_SATISFIED", "1") == "1"
ANALYSIS_TRAIN_MAX_CASES = 50_000
ANALYSIS_TRAIN_MIN_CASES = 100  # fewer, and suggestions come from the topic tree's keywords

# Notifications to petitioners (xinfang.notifications), sent by the job queue. Channel names in
# order of preference; a phone number goes by SMS, an email address by email.
NOTIFY_CHANNELS = [
    name.strip() for name in os.environ.get("XINFANG_NOTIFY_CHANNELS", "").split(",") if name.strip()
]
NOTIFY_WINDOW_DAYS = int(os.environ.get("XINFANG_NOTIFY_WINDOW_DAYS", "5"))
NOTIFY_MAX_ATTEMPTS = 8
NOTIFY_RETRY_BASE_SECONDS = 60  # doubled after each failure: 1, 2, 4 … 64 minutes, two hours in all
SMS_GATEWAY_URL = os.environ.get("XINFANG_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("XINFANG_SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = 10.0  # seconds, connecting and reading
SMTP_HOST = os.environ.get("XINFANG_SMTP_HOST", "")
SMTP_TLS = os.environ.get("XINFANG_SMTP_TLS", "starttls")
SMTP_PORT = int(os.environ.get("XINFANG_SMTP_PORT", {"ssl": "465", "none": "25"}.get(SMTP_TLS, "587")))
SMTP_USER = os.environ.get("XINFANG_SMTP_USER", "")
SMTP_PASSWORD = os.environ.get("XINFANG_SMTP_PASSWORD", "")
SMTP_FROM = os.environ.get("XINFANG_SMTP_FROM", "")
SMTP_TIMEOUT = 10.0

# Citizens' portal (xinfang.portal). Failed query-code lookups within the window: per case (a code
# was right, the phone digits wrong) and per client address (an address gets more room: a mobile
# network puts many people behind one address).
PORTAL_LOOKUP_CASE_LIMIT = 5
PORTAL_LOOKUP_ADDRESS_LIMIT = 10
PORTAL_LOOKUP_WINDOW_SECONDS = 15 * 60
PORTAL_CAPTCHA_SECONDS = 10 * 60  # a captcha image is answered within this time, once
PORTAL_TRACKING_SECONDS = 60 * 60  # a successful lookup shows the case for at most this long
PORTAL_MAX_ATTACHMENTS = 5

_redis_url = os.environ.get("XINFANG_REDIS_URL")
if _redis_url:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "xinfang", "url": _redis_url, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "xinfang",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
if os.environ.get("XINFANG_HUEY_IMMEDIATE") == "1":
    HUEY["immediate"] = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

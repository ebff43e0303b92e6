"""Settings for KIM Portal, read from the environment (12-factor).

Every value a deployment may change is an environment variable (or a line in a git-ignored
``.env``); ``.env.example`` documents them all. Production differences are env values, never a
separate settings module.
"""

import warnings
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.contrib.messages import constants as message_constants
from django.utils.translation import gettext_lazy as _

from core import spreadsheets
from kim_portal import startup

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A development key is accepted only while DEBUG is on; a production process refuses it.
DEVELOPMENT_SECRET_KEY = "django-insecure-kim-portal-development-only"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (problem := startup.secret_key_problem(SECRET_KEY)):
    startup.refuse_to_start(problem)

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "auditlog",
    "core",
    "kim_portal",
    "accounts",
    "regions",
    "groups",
    "news",
    "trainings",
    "aspirations",
    "imports",
    "digests",
]

MIDDLEWARE = [
    # /healthz and /healthz/live, before the host check and the https redirect.
    "core.health.HealthCheckMiddleware",
    # Request id and access log for everything else.
    "core.logs.RequestLogMiddleware",
    # A public page read again: its finished response from the shared cache, before the rest
    # of the stack (core/page_cache.py, "Where it sits").
    "core.page_cache.PageReplayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and other text in gzip; static files (answered above) come precompressed.
    "core.compression.TextGZipMiddleware",
    # Hemat kuota (data saver): request.hemat, and Vary: Save-Data, Cookie on pages.
    "core.hemat.HematKuotaMiddleware",
    # Read replicas: where this request reads; outside the session so that its save counts.
    "core.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for NUL bytes and invalid UTF-8, before anything reads parameters.
    "core.bad_input.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A lost database answers a 503 page that keeps the form being sent (core/outage.py).
    "core.outage.DatabaseOutageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made each recorded change (core/audit.py).
    "core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logged-in pages and one-time messages are Cache-Control: private (core/offline.py).
    "core.offline.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last: public pages for readers without a session or message, from the shared cache.
    # It sees the request after every middleware above and stores what the view returned
    # (uncompressed and gzip); a hit leaves through all of them (core/page_cache.py).
    "core.page_cache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "kim_portal.urls"
WSGI_APPLICATION = "kim_portal.wsgi.application"

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
                "core.context_processors.portal",
                "core.hemat.hemat",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL unset means the embedded PostgreSQL under var/ (see kim_portal/embedded_db.py),
# which production refuses (kim_portal/startup.py).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    if not DEBUG and not startup.exempted(startup.EMBEDDED_DATABASE):
        startup.refuse_to_start(startup.database_problem(""))
    from kim_portal.embedded_db import embedded_database_url

    DATABASES = {"default": env.db_url_config(embedded_database_url(VAR_DIR))}
# Read replicas: a comma-separated list of PostgreSQL URLs, as DATABASES "replica_1", ...
# Read-only public requests read one of them; see core/db_router.py for what goes where.
DATABASE_REPLICAS = []
_replica_urls = [url.strip() for url in env.list("DATABASE_REPLICA_URLS", default=[])]
for _number, _url in enumerate(filter(None, _replica_urls), start=1):
    if problem := startup.replica_url_problem(_url, number=_number):
        startup.refuse_to_start(problem)
    DATABASES[f"replica_{_number}"] = env.db_url_config(_url)
    DATABASE_REPLICAS.append(f"replica_{_number}")
for _database in DATABASES.values():
    _database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    _database["CONN_HEALTH_CHECKS"] = True
    _database["ATOMIC_REQUESTS"] = False
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
# After a browser sent a form (or its request wrote), it reads the primary for this long, so
# that it never misses what it just wrote on a replica that lags behind.
PORTAL_REPLICA_PIN_SECONDS = env.int("PORTAL_REPLICA_PIN_SECONDS", default=15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -------------------------------------------------------------------
# Production: Redis (CACHE_URL=redis://...), shared by every gunicorn worker on every machine and
# by the task worker; kim_portal/services_check.py refuses to start when it does not answer.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://kim-portal")}
# Sessions are read from the shared cache and written through to PostgreSQL: a request costs no
# session query, a logout ends the session for every process at once, and a Redis restart (or an
# eviction) logs nobody out. Safe only when every process serving pages sees the same cache,
# which production enforces (kim_portal/startup.py).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The anonymous page cache (core/page_cache.py): how long a public page is kept at most (what
# changes with time alone, e.g. a scheduled post, shows within it); 0 turns it off. Every
# public change moves one of these namespaces' versions and so renders every page anew.
PORTAL_PAGE_CACHE_SECONDS = env.int("PORTAL_PAGE_CACHE_SECONDS", default=60)
PORTAL_PAGE_CACHE_NAMESPACES = ("news", "groups", "regions", "trainings", "aspirations")

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = env(
    "PORTAL_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out so an operator sees them in one place.
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # Wrong passwords: 10 a minute from one address, and 5 in 5 minutes for one account from
    # one address (accounts/adapter.py puts the address in the key), so that guessing an
    # owner's password never locks the owner out of their own address. The safety net over
    # every address is generous: 100 wrong passwords an hour for one account.
    "login_failed": "10/m/ip,5/5m/key",
    "login_failed_account": "100/h/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
# Behind N reverse proxies the client is the Nth address from the right of X-Forwarded-For;
# allauth's rate limits and the aspiration forms' limits both count by it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Until collectstatic has run (development, tests) STATIC_ROOT does not exist; whitenoise then
# serves from the finders and need not warn about it.
WHITENOISE_USE_FINDERS = DEBUG
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Private files (drafts' photos, hoax screenshots, SK documents, materials): outside MEDIA_ROOT,
# served only by core.private_files; see core/files.py for what goes where.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private-media")
# e.g. "/_private/": nginx sends the file from that internal location (X-Accel-Redirect);
# empty: Django streams it.
PORTAL_PRIVATE_FILES_ACCEL_PREFIX = env.str("PORTAL_PRIVATE_FILES_ACCEL_PREFIX", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/berkas/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.static_storage.MinifiedCompressedManifestStorage"
        )
    },
}
# Media on S3-compatible object storage (core/object_storage.py): both buckets set switch
# the two storages above to buckets; neither keeps the local disk.
PORTAL_S3_PUBLIC_BUCKET = env.str("PORTAL_S3_PUBLIC_BUCKET", default="")
PORTAL_S3_PRIVATE_BUCKET = env.str("PORTAL_S3_PRIVATE_BUCKET", default="")
# Seconds a presigned link to a private file works (once the permission check has passed).
PORTAL_PRIVATE_FILES_URL_SECONDS = env.int("PORTAL_PRIVATE_FILES_URL_SECONDS", default=60)
_s3_public_url = env.str("PORTAL_S3_PUBLIC_URL", default="").rstrip("/")
if problem := startup.object_storage_problem(
    public_bucket=PORTAL_S3_PUBLIC_BUCKET,
    private_bucket=PORTAL_S3_PRIVATE_BUCKET,
    public_url=_s3_public_url,
    url_seconds=PORTAL_PRIVATE_FILES_URL_SECONDS,
):
    startup.refuse_to_start(problem)
OBJECT_STORAGE_ORIGINS = []
if PORTAL_S3_PUBLIC_BUCKET:
    from core import object_storage

    _buckets = object_storage.storages_config(
        public_bucket=PORTAL_S3_PUBLIC_BUCKET,
        private_bucket=PORTAL_S3_PRIVATE_BUCKET,
        endpoint_url=env.str("PORTAL_S3_ENDPOINT_URL", default=""),
        region=env.str("PORTAL_S3_REGION", default=""),
        access_key_id=env.str("PORTAL_S3_ACCESS_KEY_ID", default=""),
        secret_access_key=env.str("PORTAL_S3_SECRET_ACCESS_KEY", default=""),
        public_url=_s3_public_url,
        url_seconds=PORTAL_PRIVATE_FILES_URL_SECONDS,
    )
    STORAGES.update(_buckets)
    # Pages show public renditions from the public bucket and drafts' photos by a redirect to
    # the private one.
    OBJECT_STORAGE_ORIGINS = object_storage.storage_origins(_buckets)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- Email --------------------------------------------------------------------------------
# EMAIL_URL examples: smtp+tls://user:password@smtp.example.org:587, consolemail://
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="KIM Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every email is sent by the task worker (core/mail.py). A failed send is tried again
# after each of these waits (seconds: 1 min, 5 min, 30 min, 2 h, 12 h), then listed for staff
# in the admin ("Emails") with a retry action.
PORTAL_MAIL_RETRY_DELAYS = env.list(
    "PORTAL_MAIL_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 43200]
)

# --- Spreadsheet import/export (django-import-export) ------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Every admin export writes text that looks like a formula (=, +, -, @, tab, CR) as text; see
# core/spreadsheets.py for why not IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT.
EXPORT_FORMATS = [spreadsheets.CSV, spreadsheets.XLSX]
IMPORT_FORMATS = [spreadsheets.CSV, spreadsheets.XLSX]

# --- Audit log (django-auditlog; core/audit.py) -------------------------------------
# The remote address is personal data the history does not need.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# A changed link shows the linked thing's name, not its number.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# --- Background tasks (django-tasks on PostgreSQL) ----------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The task worker queues the daily jobs (kim_portal/schedule.py) from this hour, local time.
PORTAL_DAILY_JOBS_HOUR = env.int("PORTAL_DAILY_JOBS_HOUR", default=6)

# --- Security -----------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script, style, font and image comes from the
# portal's own origin (all are vendored in static/), so no inline <script>, no on...= handler,
# no javascript: link and no inline <style> or style="..." runs, whoever managed to inject it.
# Images also allow data: (Bootstrap's CSS draws its icons as data: SVGs) and, with media on
# object storage, the buckets' origins. To allow another origin, add it to the one directive
# that needs it (e.g. "img-src") and say why.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *OBJECT_STORAGE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The service worker (/sw.js, core/offline.py) that keeps pages for offline.
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no page uses these browser features, so none
# may (an empty list is "()": not even the portal itself). Check-in is a link the phone's own
# camera app opens from the ticket's QR code; no page asks for the camera.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
SILENCED_SYSTEM_CHECKS = (
    # HSTS preload is an operator's explicit decision (it is hard to undo), so it stays off
    # unless DJANGO_SECURE_HSTS_PRELOAD is set.
    ["security.W021"] if not SECURE_HSTS_PRELOAD else []
)

# --- Messages and forms -------------------------------------------------------------------
MESSAGE_TAGS = {message_constants.ERROR: "danger"}
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A web address typed without a scheme means https (the Django 6.0 default).
FORMS_URLFIELD_ASSUME_HTTPS = True
warnings.filterwarnings("ignore", message="The FORMS_URLFIELD_ASSUME_HTTPS transitional setting")

# --- Logging to stdout --------------------------------------------------------------------
# DJANGO_LOG_FORMAT: "json" (one object per line, the production default) or "plain" (the
# development default). Every line carries the request's id (X-Request-ID); kim_portal.access
# writes one line per request. See core/logs.py.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    startup.refuse_to_start(f'DJANGO_LOG_FORMAT must be "json" or "plain", not "{LOG_FORMAT}".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.json_formatter"},
    },
    "handlers": {
        "stdout": {
            # Logs on standard output; standard error keeps the one-line refusals to start.
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print its lines a second time.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # runserver's own request lines; kim_portal.access writes them with the request id.
        "django.server": {"handlers": [], "level": "ERROR"},
    },
}

# --- The portal ---------------------------------------------------------------------------
# The area the portal serves: a Kemendagri region code. "16.06" is Kabupaten Musi Banyuasin; a
# province code ("16") or an empty value (the whole country) work too.
PORTAL_AREA_CODE = env("PORTAL_AREA_CODE", default="16.06")
# Absolute address of the portal, for links in emails and on certificates. Production refuses
# to start without one, or with a loopback one (kim_portal/startup.py).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not (DEBUG or startup.exempted(startup.LOOPBACK_BASE_URL)) and (
    problem := startup.base_url_problem(env("PORTAL_BASE_URL", default=""))
):
    startup.refuse_to_start(problem)
PORTAL_SITE_NAME = env("PORTAL_SITE_NAME", default="KIM Portal")
PORTAL_REGION_NAME = env("PORTAL_REGION_NAME", default="Kabupaten Musi Banyuasin")
PORTAL_OFFICE_NAME = env(
    "PORTAL_OFFICE_NAME",
    default="Dinas Komunikasi dan Informatika Kabupaten Musi Banyuasin",
)
PORTAL_OFFICE_ADDRESS = env(
    "PORTAL_OFFICE_ADDRESS", default="Jl. Kolonel Wahid Udin, Kayu Ara, Sekayu, Musi Banyuasin"
)
PORTAL_OFFICE_PHONE = env("PORTAL_OFFICE_PHONE", default="")
PORTAL_OFFICE_EMAIL = env("PORTAL_OFFICE_EMAIL", default="")
PORTAL_OFFICE_WEBSITE = env("PORTAL_OFFICE_WEBSITE", default="")

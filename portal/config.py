"""Configuration from environment variables, with safe defaults for a laptop."""
import os
import secrets
from pathlib import Path

from .rules.policy import PRESETS, PolicyError


def _secret_key(instance: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/secret_key."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'wenzheng.db'}")
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    for old in ("postgres://", "postgresql://"):
        if url.startswith(old):
            return "postgresql+psycopg://" + url[len(old):]
    return url


def _hours(text: str) -> tuple[int, int] | None:
    if not text.strip():
        return None
    start, _, end = text.partition("-")
    hours = (int(start), int(end))
    if not all(0 <= hour <= 23 for hour in hours):
        raise ValueError(f"WENZHENG_SMS_QUIET_HOURS={text!r}：应写作“21-8”（21点至次日8点），留空则不限")
    return hours


def from_environment(instance: Path) -> dict:
    policy = os.environ.get("WENZHENG_POLICY", "longnan")
    if policy not in PRESETS:
        raise PolicyError(f"WENZHENG_POLICY={policy!r} 无效，可选：{'、'.join(PRESETS)}")
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        # hide_parameters: a database error in the log never carries the values (a name, a phone).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "WENZHENG_POLICY": policy,
        # Query codes are short and rate-limited; this cost keeps bulk imports fast.
        "PASSWORD_HASH": os.environ.get("WENZHENG_PASSWORD_HASH", "scrypt"),
        "QUERY_CODE_HASH": os.environ.get("WENZHENG_QUERY_CODE_HASH", "pbkdf2:sha256:20000"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "UPLOAD_DIR": os.environ.get("WENZHENG_UPLOAD_DIR", str(instance / "uploads")),
        "SEARCH_INDEX_DIR": os.environ.get("WENZHENG_SEARCH_INDEX_DIR", str(instance / "search_index")),
        # whoosh / postgres; empty: postgres when the database is PostgreSQL, else whoosh (portal/search/).
        "SEARCH_BACKEND": os.environ.get("WENZHENG_SEARCH", ""),
        "SCHEDULER": os.environ.get("WENZHENG_SCHEDULER", "") == "1",  # the daily job in this process (make run)
        # The footer of every public page (政府网站发展指引): the site's identification code, the ICP and public
        # security records, the contact for questions about the site. Shown when set.
        "SITE_CODE": os.environ.get("WENZHENG_SITE_CODE", ""),
        "SITE_ICP": os.environ.get("WENZHENG_ICP", ""),
        "SITE_PSB": os.environ.get("WENZHENG_PSB", ""),
        "SITE_CONTACT": os.environ.get("WENZHENG_SITE_CONTACT", ""),
        # Limits per hour for web messages, per 15 minutes for tracking tries.
        "WRITE_LIMIT_PER_CLIENT": int(os.environ.get("WENZHENG_WRITE_LIMIT_PER_CLIENT", "5")),
        "WRITE_LIMIT_PER_PHONE": int(os.environ.get("WENZHENG_WRITE_LIMIT_PER_PHONE", "3")),
        "TRACK_LIMIT_PER_CLIENT": int(os.environ.get("WENZHENG_TRACK_LIMIT_PER_CLIENT", "10")),
        "LOGIN_MAX_FAILURES": int(os.environ.get("WENZHENG_LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("WENZHENG_LOGIN_LOCK_MINUTES", "15")),
        # Failed tries from one client across all names in the same window (an office behind one address
        # signs in many times a morning; only failures count): nobody can lock out every official.
        "LOGIN_LIMIT_PER_CLIENT": int(os.environ.get("WENZHENG_LOGIN_LIMIT_PER_CLIENT", "30")),
        "SESSION_COOKIE_SECURE": os.environ.get("WENZHENG_SECURE_COOKIES", "") == "1",
        # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated): nginx on the host.
        "TRUSTED_PROXIES": os.environ.get("WENZHENG_TRUSTED_PROXIES", ""),
        # The site's own address for feeds and links in mail, never taken from the Host header.
        "PUBLIC_URL": os.environ.get("WENZHENG_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/"),
        "REDIS_URL": os.environ.get("WENZHENG_REDIS_URL", ""),  # rate limits in Redis; the database otherwise
        # SMS wait for the end of the night, China time ("21-8": 21:00 to 08:00; "" sends at any hour);
        # urgent (突发) matters are sent at once.
        "SMS_QUIET_HOURS": _hours(os.environ.get("WENZHENG_SMS_QUIET_HOURS", "21-8")),
        "STAFF_IDLE_MINUTES": int(os.environ.get("WENZHENG_STAFF_IDLE_MINUTES", "30")),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,  # attachments are limited to 10 MB; the form needs some room
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "INSPECTION_OFFICE_EMAIL": os.environ.get("WENZHENG_INSPECTION_EMAIL", "duchashi@example.gov.cn"),
        **_senders(),
    }


def _senders() -> dict:
    """How the outbox delivers (portal/notify.py): log by default, SMTP and the SMS gateway when named."""
    env = os.environ.get
    return {
        "SMS_SENDER": env("WENZHENG_SMS_SENDER", "log"),  # log / gateway
        "SMS_GATEWAY_URL": env("WENZHENG_SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": env("WENZHENG_SMS_GATEWAY_TOKEN", ""),
        "SMS_SIGN": env("WENZHENG_SMS_SIGN", "问政平台"),
        "EMAIL_SENDER": env("WENZHENG_EMAIL_SENDER", "log"),  # log / smtp
        "SMTP_HOST": env("WENZHENG_SMTP_HOST", "localhost"),
        "SMTP_PORT": int(env("WENZHENG_SMTP_PORT", "25")),
        "SMTP_FROM": env("WENZHENG_SMTP_FROM", "wenzheng@example.gov.cn"),
        "SMTP_USER": env("WENZHENG_SMTP_USER", ""),
        "SMTP_PASSWORD": env("WENZHENG_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env("WENZHENG_SMTP_STARTTLS", "") == "1",
        "NOTIFY_MAX_ATTEMPTS": int(env("WENZHENG_NOTIFY_MAX_ATTEMPTS", "5")),
    }

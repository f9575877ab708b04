"""Wenzheng (问政): citizen messages and hotline requests, from intake to publication."""
from pathlib import Path

from flask import Flask

from . import config as config_module
from . import crypto, notify, querystring, security
from .extensions import csrf, db, login_manager, migrate
from .rules.policy import load_policy

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    querystring.install(app)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(instance))
    app.config.from_mapping(config or {})
    app.extensions["wenzheng_policy"] = load_policy(app.config["WENZHENG_POLICY"])
    app.extensions["wenzheng_senders"] = notify.senders_from_config(app.config)
    crypto.configure(app.config.get("DATA_KEYS") or crypto.load_keys(instance))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = "请先登录。"
    csrf.init_app(app)

    from . import models  # noqa: F401  (register the tables)
    from .admin import bp as admin_bp
    from .cli import register_commands
    from .errors import register_error_pages
    from .open311 import bp as open311_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(open311_bp)
    register_commands(app)
    login_manager.user_loader(_load_user)
    register_error_pages(app)
    security.install(app)
    _register_template_helpers(app)
    if app.config.get("SCHEDULER"):
        from .scheduler import start

        start(app)
    return app


def _register_template_helpers(app: Flask) -> None:
    from .display import register

    register(app)


def _load_user(session_id: str):
    """The user whose current session token the cookie carries; an old cookie (after a logout,
    a new password or 'sign out everywhere') finds nobody."""
    import hmac

    from .models import User

    user_id, _, token = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    if user is None or not user.active or not user.session_token:
        return None
    return user if hmac.compare_digest(token, user.session_token) else None

"""The Open311 API's clients: the admin issues a key (shown once) and revokes it."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import ApiKey, ApiSubmission
from ..rules.workflow import Role
from ..services import DomainError, api_keys
from . import bp


def _admin_only():
    if current_user.role != Role.ADMIN:
        abort(403)


@bp.route("/api-keys", methods=["GET", "POST"])
def api_key_list():
    _admin_only()
    issued, error = None, None
    if request.method == "POST":
        try:
            api_key, issued = api_keys.issue_key(request.form.get("client", ""), actor=current_user)
        except DomainError as exc:
            error = str(exc)
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.id.desc())).all()
    used = dict(db.session.execute(select(ApiSubmission.api_key_id, func.count()).group_by(ApiSubmission.api_key_id))
                .all())
    page = render_template("admin/api_keys.html", keys=keys, used=used, issued=issued, error=error,
                           client=request.form.get("client", "") if error else "")
    return page, (400 if error else 200), {"Cache-Control": "no-store"}


@bp.post("/api-keys/<int:api_key_id>/revoke")
def revoke_api_key(api_key_id: int):
    _admin_only()
    try:
        api_key = api_keys.revoke_key(api_key_id, actor=current_user)
    except DomainError as exc:
        abort(exc.status_code)
    flash(f"已撤销“{api_key.client}”的密钥，该客户端将无法再提交。")
    return redirect(url_for("admin.api_key_list"))

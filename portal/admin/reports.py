"""The monthly and quarterly analysis report (R10.1): a page with charts, and its XLSX and Word files."""
from flask import Response, abort, render_template, request
from flask_login import current_user

from .. import exports
from ..queries import reports
from ..queries.common import policy
from ..rules.periods import Period
from ..rules.permissions import may_open
from . import bp
from .oversight import requested_period


def _report():
    if not may_open(current_user, "analysis"):
        abort(403)
    kind = "quarter" if request.args.get("kind") == "quarter" else "month"
    period, error = requested_period(kind)
    return reports.analysis(period), error


@bp.get("/reports")
def analysis_page():
    report, error = _report()
    return render_template("admin/analysis.html", report=report, error=error, summary=exports.summary_rows(report),
                           title=exports.title(report, policy().city)), 400 if error else 200


@bp.get("/reports/<period_key>.<fmt>")
def analysis_file(period_key: str, fmt: str):
    if not may_open(current_user, "analysis"):
        abort(403)
    if fmt not in ("xlsx", "docx"):
        abort(404)
    report = reports.analysis(Period.parse(period_key))
    rules = policy()
    body, mimetype = ((exports.analysis_xlsx(report, rules.city), exports.XLSX) if fmt == "xlsx" else
                      (exports.analysis_docx(report, rules.city, rules.office), exports.DOCX))
    name = f"analysis-{report.period.key}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})

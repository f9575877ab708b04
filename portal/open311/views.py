"""The GeoReport v2 resources, each in .json and .xml. Reading answers with published messages only;
writing goes through the public form's intake service, with an API key an admin issued."""
from datetime import datetime, timedelta

from flask import current_app, request, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from .. import clock
from ..extensions import db
from ..models import Message
from ..queries.common import expected_reply
from ..services import DomainError, api_keys, limits
from ..services.common import policy
from . import bp, catalog, records
from .formats import ApiError, error_response, respond

FMT = "<any(json,xml):fmt>"
MAX_SPAN = timedelta(days=90)


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return error_response(request.view_args.get("fmt", "json") if request.view_args else "json", error)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_response(_format_of_path(), ApiError(error.code or 400, "请求无效：" + (error.description or "")))


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    url = url_for("open311.services", fmt="json", _external=True).rsplit("/", 1)[0] + "/"
    return respond(fmt, "discovery", {
        "changeset": "2026-12-02T00:00:00+08:00", "contact": f"{policy().office}（问政平台）",
        "key_service": "API 密钥由平台管理员签发，请联系平台办公室。",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url,
                       "changeset": "2026-12-02T00:00:00+08:00", "type": "production",
                       "formats": ["application/json", "text/xml"]}]})


@bp.get(f"/services.{FMT}")
def services(fmt: str):
    _check_jurisdiction()
    return respond(fmt, "services", catalog.service_list())


@bp.get(f"/services/<service_code>.{FMT}")
def service_definition(service_code: str, fmt: str):
    _check_jurisdiction()
    if service_code not in catalog.SERVICES:
        raise ApiError(404, f"没有这项服务：{service_code}")
    return respond(fmt, "service_definition", {"service_code": service_code, "attributes": catalog.attributes()})


@bp.get(f"/requests.{FMT}")
def requests_list(fmt: str):
    _check_jurisdiction()
    return respond(fmt, "service_requests", records.find(_query(request.args)))


@bp.get(f"/requests/<service_request_id>.{FMT}")
def request_one(service_request_id: str, fmt: str):
    _check_jurisdiction()
    found = records.find(records.Query(ids=(_id(service_request_id),)))
    if not found:
        raise ApiError(404, f"没有编号为 {service_request_id} 的公开诉求（尚未公开的诉求不在此列）。")
    return respond(fmt, "service_requests", found)


@bp.post(f"/requests.{FMT}")
def create_request(fmt: str):
    _check_jurisdiction()
    form = request.form
    api_key = api_keys.key_for(form.get("api_key", ""))
    if api_key is None:
        raise ApiError(403, "api_key 缺失、无效或已被撤销。")
    fields = _submission_fields(form)
    config = current_app.config
    if not (limits.allow("write:api", str(api_key.id), limit=config["WRITE_LIMIT_PER_CLIENT"], per_seconds=3600)
            and limits.allow("write:phone", limits.canonical_phone(fields["phone"]),
                             limit=config["WRITE_LIMIT_PER_PHONE"], per_seconds=3600)):
        raise ApiError(429, "提交过于频繁，请一小时后再试。")
    try:
        message, code, token = api_keys.submit_through_api(api_key, **fields)
    except DomainError as exc:
        raise ApiError(400, str(exc)) from None
    return respond(fmt, "service_requests", [{"token": token, "service_notice": _notice(message, code)}])


@bp.get(f"/tokens/<token>.{FMT}")
def token(token: str, fmt: str):
    _check_jurisdiction()
    submission = api_keys.submission_for(token)
    if submission is None:
        raise ApiError(404, "没有这个 token。")
    item = {"token": token}
    if submission.message_id in _accepted([submission.message_id]):
        item["service_request_id"] = str(submission.message_id)
    return respond(fmt, "service_requests", [item])


@bp.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(anything: str):
    """Anything else, in the spec's error format (the app's error pages are HTML)."""
    adapter = current_app.url_map.bind("localhost")
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != "open311.not_found":
            raise ApiError(405, f"{request.path} 不支持 {request.method} 请求。")
    raise ApiError(404, f"没有这个资源：{anything}（支持 .json 和 .xml）")


def _accepted(message_ids) -> set[int]:
    """Messages past screening and in scope: the id is given once the office has accepted it."""
    return set(db.session.scalars(select(Message.id).where(
        Message.id.in_(message_ids), Message.status.not_in(("received", "rejected")))))


def _submission_fields(form) -> dict:
    service_code = form.get("service_code", "")
    if service_code not in catalog.SERVICES:
        raise ApiError(400, f"service_code 无效：{service_code or '（缺失）'}")
    attribute = {key[len("attribute["):-1]: value for key, value in form.items()
                 if key.startswith("attribute[") and key.endswith("]")}
    region = attribute.get("region", "")
    if region and region not in {r["key"] for r in catalog.regions()}:
        raise ApiError(400, f"attribute[region] 无效：{region}")
    name = (form.get("last_name", "") + form.get("first_name", "")).strip()
    return {"category": attribute.get("category", ""), "subject": attribute.get("subject", ""),
            "body": form.get("description", ""), "name": name, "phone": form.get("phone", ""),
            "email": form.get("email", ""), "address": form.get("address_string", ""),
            "topic": catalog.SERVICES[service_code], "region": region,
            "publish_consent": attribute.get("publish") == "yes", "consent": attribute.get("consent") == "yes"}


def _notice(message, code: str) -> str:
    expected, close = expected_reply(message.category, message.is_emergency)
    return (f"已收到，留言编号 {message.tracking_no}，查询码 {code}（请转告诉求人，凭编号和查询码查询进度、评价答复；"
            f"查询码只显示这一次）。受理后交办承办单位，"
            f"预计在 {expected.year}年{expected.month}月{expected.day}日前答复"
            f"（{close}个工作日，以交办时的期限为准）。")


def _query(args) -> records.Query:
    if ids := args.get("service_request_id", "").strip():
        return records.Query(ids=tuple(_id(part) for part in ids.split(",") if part.strip()))
    codes = tuple(code for code in args.get("service_code", "").split(",") if code)
    if unknown := [code for code in codes if code not in catalog.SERVICES]:
        raise ApiError(400, f"service_code 无效：{','.join(unknown)}")
    statuses = tuple(status for status in args.get("status", "").split(",") if status)
    if any(status not in ("open", "closed") for status in statuses):
        raise ApiError(400, "status 只能是 open 或 closed。")
    start, end = _window(args.get("start_date", ""), args.get("end_date", ""))
    return records.Query(topics=tuple(catalog.SERVICES[code] for code in codes), start=start, end=end,
                         statuses=statuses)


def _window(start_text: str, end_text: str) -> tuple[datetime, datetime]:
    start, end = _moment(start_text, "start_date"), _moment(end_text, "end_date")
    if start is None and end is None:
        return records.default_window()
    start = start or end - MAX_SPAN
    end = end or start + MAX_SPAN
    if end < start:
        raise ApiError(400, "end_date 早于 start_date。")
    if end - start > MAX_SPAN:
        raise ApiError(400, "start_date 与 end_date 之间不能超过90天。")
    return start, end


def _moment(text: str, name: str) -> datetime | None:
    """A W3C date-time as naive UTC; without an offset it is China time."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError:
        raise ApiError(400, f"{name} 格式不正确，应为 W3C 日期时间，如 2026-11-01T00:00:00+08:00。") from None
    if moment.tzinfo is None:
        return clock.china_to_utc(moment)
    return (moment - moment.utcoffset()).replace(tzinfo=None)


def _id(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 12:
        raise ApiError(400, f"service_request_id 无效：{text}")
    return int(text)


def _check_jurisdiction() -> None:
    given = request.values.get("jurisdiction_id", "")
    if given and given != policy().name:
        raise ApiError(404, f"jurisdiction_id 无效：{given}（本平台为 {policy().name}）")


def _format_of_path() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


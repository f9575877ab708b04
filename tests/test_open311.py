"""The Open311 GeoReport v2 API: every JSON answer validated against the official schema
(tests/open311/), the XML shapes, only the public projection read, writing through the web intake."""
import json
import threading
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ApiKey, Event, Message
from portal.rules.workflow import Role
from portal.services import api_keys, intake
from tests.factories import answered, assigned
from tests.test_admin import sign_in
from tests.test_public import publish

SCHEMA = json.loads((Path(__file__).parent / "open311" / "georeport-v2-swagger.json").read_text("utf-8"))
BASE = "/open311/v2"
PERSONAL = ("张三", "13812345678")  # the factories' petitioner


def valid(items, definition: str):
    """Each item of the JSON array answers to ``definition`` of the official schema."""
    assert isinstance(items, list)
    schema = {"$ref": f"#/definitions/{definition}", "definitions": SCHEMA["definitions"]}
    for item in items:
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(item)
        for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
            if key in item:
                assert datetime.fromisoformat(item[key]).utcoffset() is not None
    return items


def xml(response, root: str) -> ElementTree.Element:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    element = ElementTree.fromstring(response.data)
    assert element.tag == root
    return element


def error_of(response, code: int) -> str:
    assert response.status_code == code
    body = response.get_json()
    assert len(body) == 1 and body[0]["code"] == code
    return body[0]["description"]


def published(city, subject="小区噪音扰民", topic="城乡建设"):
    message = answered(city, "2026-11-20", subject=subject)
    message.topic = topic
    publish(city, message, reply_text="已责令施工单位停止夜间施工。")
    return message


# --- reading ----------------------------------------------------------------------------------------

def test_services_and_their_definitions_answer_to_the_schema(client, city):
    services = valid(client.get(f"{BASE}/services.json").get_json(), "Service")
    assert {s["service_name"] for s in services} >= {"城乡建设", "环境保护", "交通运输", "其他"}
    definition = client.get(f"{BASE}/services/environment.json").get_json()
    valid([definition], "ServiceDefinition")
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["category"]["datatype"] == "singlevaluelist"
    assert {v["name"] for v in attributes["category"]["values"]} == {"咨询", "投诉", "举报", "求助", "建议", "其他"}
    assert [v["name"] for v in attributes["region"]["values"]] == ["A3区"]
    assert "nothing" in error_of(client.get(f"{BASE}/services/nothing.json"), 404)


def test_services_and_definitions_in_xml(client, city):
    services = xml(client.get(f"{BASE}/services.xml"), "services")
    assert [s.findtext("service_code") for s in services.findall("service")][:2] == ["urban", "environment"]
    assert services.find("service/metadata").text == "true"
    definition = xml(client.get(f"{BASE}/services/urban.xml"), "service_definition")
    values = definition.findall("attributes/attribute[code='category']/values/value")
    assert [v.findtext("key") for v in values][:2] == ["consult", "complaint"]
    error = xml(client.get(f"{BASE}/services/nothing.xml"), "errors")
    assert error.findtext("error/code") == "404" and error.findtext("error/description")


def test_requests_are_the_published_messages_only_without_personal_data(client, city):
    shown = published(city, topic="环境保护")
    answered(city, "2026-11-20", subject="答复了但未公开")
    assigned(city, "2026-11-20", subject="尚在办理")
    response = client.get(f"{BASE}/requests.json")
    items = valid(response.get_json(), "Request")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert [i["service_request_id"] for i in items] == [str(shown.id)]
    item = items[0]
    assert item["status"] == "closed" and item["service_code"] == "environment"
    assert item["agency_responsible"] == "住建局" and item["status_notes"] == "已责令施工单位停止夜间施工。"
    assert item["requested_datetime"] == "2026-11-20T09:00:00+08:00"
    assert item["expected_datetime"].startswith(shown.lead_due_date.isoformat())
    text = response.get_data(as_text=True)
    assert not any(value in text for value in PERSONAL) and shown.tracking_no not in text


def test_one_request_and_unpublished_ones_are_not_found(client, city):
    shown = published(city)
    hidden = answered(city, "2026-11-20", subject="未公开")
    assert valid(client.get(f"{BASE}/requests/{shown.id}.json").get_json(), "Request")[0]["status"] == "closed"
    assert "尚未公开" in error_of(client.get(f"{BASE}/requests/{hidden.id}.json"), 404)
    assert error_of(client.get(f"{BASE}/requests/abc.json"), 400)
    one = xml(client.get(f"{BASE}/requests/{shown.id}.xml"), "service_requests")
    assert [r.findtext("service_request_id") for r in one.findall("request")] == [str(shown.id)]
    assert one.findtext("request/agency_responsible") == "住建局"


def test_request_filters(client, city):
    noise = published(city, topic="环境保护")
    road = published(city, subject="道路破损", topic="城乡建设")
    ids = lambda query: [i["service_request_id"] for i in client.get(f"{BASE}/requests.json?{query}").get_json()]  # noqa: E731
    assert ids(f"service_request_id={noise.id},{road.id}&service_code=urban") == [str(road.id), str(noise.id)]
    assert ids("service_code=urban") == [str(road.id)]
    assert ids("service_code=urban,environment&status=closed") == [str(road.id), str(noise.id)]
    assert ids("status=open") == []
    assert ids("start_date=2026-11-21T00:00:00Z") == []
    assert len(ids("start_date=2026-11-01T00:00:00%2B08:00&end_date=2026-11-30T00:00:00Z")) == 2
    assert "90" in error_of(client.get(f"{BASE}/requests.json?start_date=2026-01-01T00:00:00Z"
                                       "&end_date=2026-11-01T00:00:00Z"), 400)
    assert error_of(client.get(f"{BASE}/requests.json?start_date=yesterday"), 400)
    assert error_of(client.get(f"{BASE}/requests.json?status=pending"), 400)
    assert error_of(client.get(f"{BASE}/requests.json?service_code=nothing"), 400)
    assert error_of(client.get(f"{BASE}/requests.json?jurisdiction_id=elsewhere"), 404)


def test_discovery_and_unknown_resources(client, city):
    discovery = client.get(f"{BASE}/discovery.json").get_json()
    assert discovery["endpoints"][0]["url"].endswith("/open311/v2/")
    assert xml(client.get(f"{BASE}/discovery.xml"), "discovery").findtext("endpoints/endpoint/type") == "production"
    assert error_of(client.get(f"{BASE}/requests.html"), 404)
    assert error_of(client.get(f"{BASE}/nowhere"), 404)
    assert error_of(client.put(f"{BASE}/requests.json"), 405)


# --- writing ----------------------------------------------------------------------------------------

def form(key: str, **overrides) -> dict:
    return {"api_key": key, "service_code": "environment", "attribute[subject]": "工地夜间施工噪音扰民",
            "attribute[category]": "complaint", "attribute[region]": "A3区", "attribute[publish]": "yes",
            "attribute[consent]": "yes", "description": "A3区某工地每天夜里十二点以后还在施工，噪音很大，影响休息。",
            "last_name": "王", "first_name": "小明", "phone": "13912345678", **overrides}


def test_posting_writes_a_web_message_through_the_intake(client, city):
    _, key = api_keys.issue_key("随手拍", actor=city.user(Role.ADMIN))
    response = client.post(f"{BASE}/requests.json", data=form(key))
    answer = valid(response.get_json(), "RequestResponse")[0]
    message = db.session.scalar(select(Message).order_by(Message.id.desc()))
    assert (message.channel, message.topic, message.region, message.category) == ("website", "环境保护", "A3区",
                                                                                  "complaint")
    assert message.petitioner.name == "王小明" and message.publish_consent
    submitted = db.session.scalar(select(Event).where(Event.message_id == message.id))
    assert submitted.data["api_client"] == "随手拍"
    assert message.tracking_no in answer["service_notice"] and "预计在" in answer["service_notice"]
    assert "service_request_id" not in answer  # a token until the office accepts it
    token = valid(client.get(f"{BASE}/tokens/{answer['token']}.json").get_json(), "TokenResponse")[0]
    assert token == {"token": answer["token"]}
    intake.accept(message, actor=city.user(Role.OPERATOR))
    token = valid(client.get(f"{BASE}/tokens/{answer['token']}.json").get_json(), "TokenResponse")[0]
    assert token["service_request_id"] == str(message.id)
    tokens = xml(client.get(f"{BASE}/tokens/{answer['token']}.xml"), "service_requests")
    assert tokens.findtext("request/service_request_id") == str(message.id)
    assert error_of(client.get(f"{BASE}/tokens/nothing.json"), 404)


def test_posting_refuses_bad_keys_and_bad_input_in_the_error_format(client, city):
    api_key, key = api_keys.issue_key("随手拍", actor=city.user(Role.ADMIN))
    assert "api_key" in error_of(client.post(f"{BASE}/requests.json", data=form("")), 403)
    assert error_of(client.post(f"{BASE}/requests.json", data=form("guess")), 403)
    assert "联系电话" in error_of(client.post(f"{BASE}/requests.json", data=form(key, phone="")), 400)
    assert "留言须知" in error_of(client.post(f"{BASE}/requests.json", data=form(key, **{"attribute[consent]": "no"})),
                                400)
    assert error_of(client.post(f"{BASE}/requests.json", data=form(key, service_code="x")), 400)
    assert error_of(client.post(f"{BASE}/requests.json", data=form(key, **{"attribute[region]": "火星"})), 400)
    bad = xml(client.post(f"{BASE}/requests.xml", data=form(key, **{"attribute[category]": "nope"})), "errors")
    assert bad.findtext("error/code") == "400"
    api_keys.revoke_key(api_key.id, actor=city.user(Role.ADMIN))
    assert error_of(client.post(f"{BASE}/requests.json", data=form(key)), 403)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_posting_keeps_the_public_forms_limits(app, client, city):
    _, key = api_keys.issue_key("随手拍", actor=city.user(Role.ADMIN))
    codes = [client.post(f"{BASE}/requests.json", data=form(key)).status_code
             for _ in range(app.config["WRITE_LIMIT_PER_PHONE"] + 1)]
    assert codes[-1] == 429 and set(codes[:-1]) == {200}


def test_the_command_prints_a_key_and_keeps_only_its_hash(app, city):
    result = app.test_cli_runner().invoke(args=["api-key", "create", "市民通"])
    key = result.output.strip()
    assert result.exit_code == 0 and len(key) >= 40
    stored = db.session.scalar(select(ApiKey).where(ApiKey.client == "市民通"))
    assert stored.key_hash != key and api_keys.key_for(key).id == stored.id
    result = app.test_cli_runner().invoke(args=["api-key", "revoke", "市民通"])
    assert result.exit_code == 0 and api_keys.key_for(key) is None


def test_the_admin_issues_and_revokes_keys(client, city):
    assert sign_in(client, city.user(Role.DISPATCHER)).get("/admin/api-keys").status_code == 403
    sign_in(client, city.user(Role.ADMIN))
    page = client.post("/admin/api-keys", data={"client": "随手拍"}).get_data(as_text=True)
    key = page.split('id="issued-key">')[1].split("<")[0]
    assert api_keys.key_for(key) is not None
    assert "随手拍" in client.get("/admin/api-keys").get_data(as_text=True)
    assert key not in client.get("/admin/api-keys").get_data(as_text=True)  # shown once
    assert client.post("/admin/api-keys", data={"client": ""}).status_code == 400
    stored = db.session.scalar(select(ApiKey))
    assert client.post(f"/admin/api-keys/{stored.id}/revoke").status_code == 302
    assert api_keys.key_for(key) is None


# --- a third-party client ---------------------------------------------------------------------------

@pytest.fixture
def live_root(app):
    """The app served over real HTTP on a free port, as a third party reaches it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{BASE}"
    server.shutdown()
    thread.join()


def test_a_python_open311_client_reads_and_writes(live_root, city):
    """georeport (PyPI) reads services and requests in both formats; it cannot write, so the POST
    goes as a client would send it with requests (the only Python Open311 writer on PyPI, open311 1.1
    of 2011, does not import on Python 3)."""
    import requests
    from georeport import GeoReport

    shown = published(city, topic="环境保护")
    db.session.commit()
    _, key = api_keys.issue_key("第三方", actor=city.user(Role.ADMIN))
    for output in ("json", "xml"):
        client = GeoReport(live_root, output_format=output)
        assert {s["service_code"] for s in client.get_service_list()} >= {"urban", "environment"}
        assert client.get_service_definition("urban")["service_code"] == "urban"
        found = client.get_service_requests(service_request_id=str(shown.id))
        found = found if isinstance(found, list) else [found]  # xmltodict: one element is no list
        assert [r["service_request_id"] for r in found] == [str(shown.id)]
        assert found[0]["agency_responsible"] == "住建局"
    answer = requests.post(f"{live_root}/requests.json", data=form(key), timeout=10).json()
    valid(answer, "RequestResponse")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2

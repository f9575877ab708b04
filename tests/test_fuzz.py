"""Bad input everywhere answers 4xx, never 5xx and never a traceback: every route of ``app.url_map``,
anonymous and as each role, with bad values in the path, the query string and the form.

A fixed sweep sends each value of ``BAD`` to every route (anonymous and as an admin); Hypothesis
then mixes values, routes and roles at random from a fixed seed, so CI is reproducible."""
import re
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.rules.workflow import Role
from portal.services import publication
from portal.services import redaction as review
from tests.factories import answered, assigned

BAD = [
    "-1", "0", "99999999999999999999", "1e9", "abc", "", "NaN", "１２３",
    "0001-01-01", "9999-12-31", "2026-02-30", "-1-01-01", "2026-13", "2026-W99", "0001", "9999",
    "a\x00b", "\x00", "\uffff", "x" * 60_000, "中" * 20_000,
    'title:(a OR', '"unterminated', "*?~^", "subject:[a TO", "'; DROP TABLE message; --", "' OR '1'='1", "%",
    "../../etc/passwd", "\r\nSet-Cookie: x=y", "/\\evil.example", "//evil.example", "<script>alert(1)</script>",
    "{{7*7}}", "2026-11-01T00:00:00|99999999999999999999", "噪音|-1", "[]", "1,2,3",
]
# Bytes that are no UTF-8, sent raw in the query string and the form body.
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"a\x80b"]
FIELDS = (
    "address after before body call_time category channel day dir email ids is_regex kind lead message_id method "
    "name next note page pattern period phone publish q queue reason region replacement scope sort state status "
    "step subject template title topic unit unit_id version warning year start end size role username password "
    "current new repeat level comment tracking_no query_code co_units extra mask days text consent homepage metric"
).split()
ROLES = [None, Role.OPERATOR, Role.DISPATCHER, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN, (Role.HANDLER, "住建局"),
         (Role.DEPUTY_HEAD, "住建局"), (Role.PRINCIPAL_HEAD, "住建局")]
# Long values go into a few fields only (a whole form of them is refused as too large, rightly), and the
# query string carries at most 200 characters of them: nginx refuses longer request lines anyway.
LONG_FIELDS = ("q", "subject", "body", "name", "phone", "pattern", "note", "next", "page", "unit", "year", "start")
LONG_IN_QUERY = 200
TRACEBACK = re.compile(r"Traceback|File \"|sqlalchemy\.|psycopg|werkzeug\.exceptions")


def _routes(app):
    """(method, rule, argument names) for every route but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, rule.rule, sorted(rule.arguments)))
    return sorted(found)


def _path(rule: str, value: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", lambda _: quote(value, safe="") or "x", rule)


@pytest.fixture
def world(city):
    """A city with messages in several states, one published, so that pages have something to show."""
    assigned(city, "2026-11-20")
    message = answered(city, "2026-11-02")
    proposal = review.propose(message)
    publication.publish(message, actor=city.user(Role.REVIEWER), subject=proposal.public["subject"],
                        body=proposal.public["body"], reply_text=proposal.public["reply"])
    return city


def _as(client, city, role):
    from flask import g

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        if role is not None:
            user = city.user(*role) if isinstance(role, tuple) else city.user(role)
            db.session.refresh(user)
            session["_user_id"], session["_fresh"] = user.get_id(), True
    return client


def _send(client, method: str, rule: str, path_value: str, fields: dict):
    """One request: ``path_value`` in every path argument, ``fields`` in the query string and the form.
    The answer must be no 5xx and show no traceback."""
    path = _path(rule, path_value[:LONG_IN_QUERY])
    query = "&".join(f"{name}={_encoded(value, LONG_IN_QUERY)}" for name, value in fields.items())
    form = "&".join(f"{name}={_encoded(value)}" for name, value in fields.items())
    where = f"{method} {path[:80]} with {path_value[:30]!r} in the path, {query[:200]!r}…"
    try:
        if method == "GET":
            response = client.get(path, query_string=query)
        else:
            response = client.open(path, method=method, query_string=query, data=form,
                                   content_type="application/x-www-form-urlencoded")
    except Exception as exc:  # the test app lets exceptions through: name the request that raised
        raise AssertionError(where) from exc
    finally:
        db.session.rollback()  # nothing a request left in the shared test session may leak into the next
    shown = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/atom")) else ""
    assert response.status_code < 500, where
    assert not TRACEBACK.search(shown), where


def _encoded(value, longest: int | None = None) -> str:
    """Percent-encoded as a browser would; raw bytes stay bytes (%FF is no UTF-8)."""
    if isinstance(value, bytes):
        return quote_from_bytes(value)
    return quote(value[:longest] if longest else value, safe="")


def _rotation(start: int) -> dict:
    """Every field a different bad value; over all starts, every field gets every value."""
    values = BAD + INVALID_UTF8
    return {name: values[(start + k) % len(values)] for k, name in enumerate(FIELDS)}


@pytest.mark.parametrize("role", [None, Role.ADMIN], ids=["anonymous", "admin"])
def test_every_route_takes_every_bad_value_without_a_server_error(app, client, world, role):
    """Routes with arguments get every value in the path; all routes get every value in every field
    (a quarter of the rotations suffice there, each carrying all the values at once)."""
    for method, rule, args in _routes(app):
        if role is None and rule.startswith("/admin/") and rule != "/admin/login":
            continue  # the staff guard answers before anything is read; the random test still goes there
        starts = range(len(BAD)) if args else range(0, len(BAD) + len(INVALID_UTF8), 4)
        for start in starts:
            _send(_as(client, world, role), method, rule, BAD[start] if args else "1", _rotation(start))


@seed(20261202)
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_mixes_of_routes_roles_and_values(app, client, world, data):
    method, rule, _args = data.draw(st.sampled_from(_routes(app)), label="route")
    role = data.draw(st.sampled_from(ROLES), label="role")
    value = data.draw(st.one_of(st.sampled_from(BAD), st.text(max_size=40),
                                st.integers(min_value=-2**70, max_value=2**70).map(str)), label="value")
    in_path = data.draw(st.booleans(), label="in the path")
    names = data.draw(st.sets(st.sampled_from(FIELDS), max_size=8), label="fields")
    _send(_as(client, world, role), method, rule, value if in_path else "1", dict.fromkeys(names, value))

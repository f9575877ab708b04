"""Configuration from the environment, and the public status page."""
import pytest

from portal.config import from_environment
from portal.rules.policy import PolicyError
from tests.factories import submit


def test_a_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) == 64 and from_environment(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert from_environment(tmp_path)["SECRET_KEY"] == "from-env"


def test_defaults_and_database_urls(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "WENZHENG_POLICY"):
        monkeypatch.delenv(name, raising=False)
    config = from_environment(tmp_path)
    assert config["WENZHENG_POLICY"] == "longnan"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'wenzheng.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/wz")
    assert from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/wz"


def test_an_unknown_policy_stops_the_start_with_the_choices(tmp_path, monkeypatch):
    monkeypatch.setenv("WENZHENG_POLICY", "shanghai")
    with pytest.raises(PolicyError, match="chizhou、longnan"):
        from_environment(tmp_path)


def test_the_home_page_shows_figures_and_nothing_about_the_petitioner(client, city):
    message, _ = submit(phone="13912345678")
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "龙南市问政平台" in html and "收到留言" in html and "1 件" in html
    for private in ("13912345678", "张三", message.subject):
        assert private not in html
    assert client.get("/healthz").json == {"status": "ok"}


def test_time_comes_only_from_the_clock():
    """No real time outside portal/clock.py: the suite (and the demo seed) must be able to freeze it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    reading = re.compile(r"\b(?:date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")
    offenders = [f"{path.relative_to(root)}:{number}" for folder in ("portal", "tests")
                 for path in sorted((root / folder).rglob("*.py")) if path.name != "clock.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if reading.search(line) and "reading = re.compile" not in line]
    assert offenders == []

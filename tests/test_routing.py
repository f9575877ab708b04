"""Routing suggestions: the topic classifier trained on a small real subset, the commands, the
suggestion on the message page with the decision recorded and counted, the archive demo's topics."""
import csv
import random

import pytest
from sqlalchemy import select

from portal.demo import archive
from portal.demo.seed import create_city
from portal.extensions import db
from portal.models import Event, Message
from portal.routing import store
from portal.routing.classifier import TOPICS, TopicModel, examples_from_rows
from portal.routing.suggest import suggest, uptake
from portal.rules.workflow import Role
from portal.services import DomainError, intake, routing
from portal.services.importing import read_rows
from tests.factories import assigned, submit
from tests.test_admin import sign_in
from tests.test_importing import DATA, needs_data

pytestmark = needs_data
_subsets: dict = {}


def subset(per_topic: int, skip: int = 0):
    """``per_topic`` labelled messages of each topic from 附件2_标注子集1842 (after ``skip`` of each)."""
    if "all" not in _subsets:
        examples = examples_from_rows(read_rows(DATA / "附件2_标注子集1842.xls"))
        random.Random(7).shuffle(examples)
        _subsets["all"] = examples
    chosen = []
    for topic in TOPICS:
        chosen += [e for e in _subsets["all"] if e.topic == topic][skip:skip + per_topic]
    return chosen


@pytest.fixture
def model(app, tmp_path, monkeypatch):
    """A model trained on 40 messages of each topic, saved where the app looks for it."""
    monkeypatch.setitem(app.config, "ROUTING_MODEL", str(tmp_path / "model.joblib"))
    if "model" not in _subsets:
        _subsets["model"] = TopicModel.train(subset(40))
    _subsets["model"].save(store.model_path())
    return _subsets["model"]


def write_csv(path, examples):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言主题", "留言详情", "一级标签"])
        writer.writerows([e.subject, e.body, e.topic] for e in examples)
    return str(path)


def test_the_classifier_learns_the_topics_from_a_small_real_subset(model):
    held_out = subset(10, skip=40)
    guesses = model.guess_many([(e.subject, e.body) for e in held_out])
    right = sum(g.topic == e.topic for g, e in zip(guesses, held_out, strict=True))
    assert right / len(held_out) > 0.7
    assert all(0 < g.confidence <= 1 for g in guesses)
    assert model.seconds < 60


def test_evaluate_trains_on_train_only_and_prints_the_table_and_the_macro_f1(app, tmp_path):
    train = write_csv(tmp_path / "train.csv", subset(30))
    test = write_csv(tmp_path / "test.csv", subset(8, skip=30))
    result = app.test_cli_runner().invoke(args=["routing", "evaluate", "--train", train, "--test", test])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("训练 210 条") and "测试 56 条" in lines[0]
    assert [line.split()[0] for line in lines[2:9]] == list(TOPICS)
    assert lines[-1].startswith("macro-F1 0.") and float(lines[-1].split()[1]) > 0.6
    assert not store.model_path().exists()  # evaluating saves nothing
    unlabelled = str(DATA / "附件3.xlsx")
    bad = app.test_cli_runner().invoke(args=["routing", "evaluate", "--train", test, "--test", unlabelled])
    assert bad.exit_code != 0 and "没有已标注" in bad.output


def test_train_uses_the_files_and_the_offices_own_decisions(app, city, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ROUTING_MODEL", str(tmp_path / "model.joblib"))
    message = assigned(city, "2026-11-20", subject="公交车站台破损")
    message.topic = "交通运输"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["routing", "train", "--file",
                                                write_csv(tmp_path / "train.csv", subset(20))])
    assert result.exit_code == 0, result.output
    assert "已训练：141 条（其中本平台交办 1 条）" in result.output
    assert store.current_model().trained_on == 141
    again = app.test_cli_runner().invoke(args=["routing", "train", "--if-missing"])
    assert "模型已存在" in again.output


def test_the_screener_sees_the_suggestion_and_the_decision_is_recorded_and_counted(client, city, model):
    past = assigned(city, "2026-11-10", subject="河道污染", unit="生态环境局")
    past.topic = "环境保护"
    db.session.commit()
    message, _ = submit(subject="化工厂排放废气污染严重",
                        body="某化工厂夜间偷排废气，气味刺鼻，周边居民无法开窗，请环保部门查处。")
    message.region = ""
    db.session.commit()
    suggestion = suggest(message)
    assert suggestion.topic == "环境保护" and suggestion.unit_name == "生态环境局"
    assert "以往1次由其牵头办理" in suggestion.unit_reason
    page = sign_in(client, city.user(Role.OPERATOR)).get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "分类建议" in page and "建议领域 <strong>环境保护</strong>" in page and "生态环境局" in page
    response = client.post(f"/admin/messages/{message.id}/routing",
                           data={"topic": "环境保护", "unit": city.units["生态环境局"].id, "version": message.version})
    assert response.status_code == 302
    db.session.refresh(message)
    assert message.topic == "环境保护"
    decided = db.session.scalar(select(Event).where(Event.kind == "routing_decision"))
    assert decided.data["took_topic"] and decided.data["took_unit"] and decided.data["suggested_topic"] == "环境保护"
    assert decided.actor_id == city.user(Role.OPERATOR).id
    assert (uptake().decisions, uptake().topic_taken) == (1, 1)
    page = client.get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "采纳建议领域 1 次（100.0%）" in page


def test_a_place_named_suggests_its_county_and_a_change_counts_as_not_taken(city, model):
    message, _ = submit(subject="A3区某小区噪音扰民",
                        body="A3区某小区楼下烧烤店每晚营业到凌晨，噪音很大，影响居民休息。")
    suggestion = suggest(message)
    assert suggestion.unit_name == "A3区" and "A3区" in suggestion.unit_reason
    routing.decide_routing(message, actor=city.user(Role.OPERATOR), topic="城乡建设", unit=city.units["住建局"],
                           suggestion=suggestion)
    decided = db.session.scalar(select(Event).where(Event.kind == "routing_decision"))
    assert not decided.data["took_unit"]
    assert uptake().unit_taken == 0


def test_only_the_screener_and_the_dispatcher_decide_before_assignment(client, city, model):
    message, _ = submit()
    handler = city.user(Role.HANDLER, "住建局")
    with pytest.raises(DomainError):
        routing.decide_routing(message, actor=handler, topic="城乡建设", unit=None)
    with pytest.raises(DomainError):
        routing.decide_routing(message, actor=city.user(Role.OPERATOR), topic="火星", unit=None)
    intake.accept(message, actor=city.user(Role.OPERATOR))
    page = sign_in(client, city.user(Role.DISPATCHER)).get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "分类建议" in page
    done = assigned(city, "2026-11-20")
    assert "分类建议" not in client.get(f"/admin/messages/{done.id}").get_data(as_text=True)
    response = client.post(f"/admin/messages/{done.id}/routing", data={"topic": "城乡建设"})
    assert response.status_code == 303
    assert db.session.scalar(select(Event).where(Event.kind == "routing_decision")) is None


def test_without_a_model_the_panel_says_how_to_train_one(client, city):
    message, _ = submit()
    page = sign_in(client, city.user(Role.OPERATOR)).get(f"/admin/messages/{message.id}").get_data(as_text=True)
    assert "routing train" in page


def test_the_archive_demo_classes_its_topics_with_the_model(app, model):
    create_city({role: "demo-password" for role in Role if role != Role.CITIZEN})
    rows = read_rows(DATA / "附件4.xlsx")[:30]
    archive.load("附件4", rows)
    topics = db.session.scalars(select(Message.topic).where(Message.source_ref.like("附件4:%"))).all()
    guesses = model.guess_many([(str(r["subject"]), str(r["body"])) for r in rows])
    assert len(set(topics)) >= 3 and set(topics) <= set(TOPICS)
    assert sorted(topics) == sorted(g.topic for g in guesses)

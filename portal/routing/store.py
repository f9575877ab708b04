"""Where the trained model lives: one joblib file under instance/ (ROUTING_MODEL to put it elsewhere),
read once per process and again when `routing train` replaces it."""
import os
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Message
from ..services.importing import read_rows
from .classifier import LABELLED_FILES, TOPICS, Example, TopicModel, examples_from_rows  # noqa: F401 (used by cli)

_loaded: dict[str, tuple[float, TopicModel]] = {}


def model_path() -> Path:
    return Path(current_app.config.get("ROUTING_MODEL") or Path(current_app.instance_path) / "routing" /
                "topic_model.joblib")


def data_dir() -> Path:
    """The labelled 2020 data: ROUTING_DATA_DIR, else ../shared/data/wenzheng-2020 beside the repository."""
    default = Path(current_app.root_path).parent.parent / "shared" / "data" / "wenzheng-2020"
    return Path(current_app.config.get("ROUTING_DATA_DIR") or os.environ.get("WENZHENG_ROUTING_DATA") or default)


def current_model() -> TopicModel | None:
    """The saved model, or None when none has been trained yet."""
    path = model_path()
    try:
        stamp = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _loaded.get(str(path))
    if cached is None or cached[0] != stamp:
        _loaded[str(path)] = cached = (stamp, TopicModel.load(path))
    return cached[1]


def labelled_examples(directory: Path | None = None) -> list[Example]:
    directory = directory or data_dir()
    examples = []
    for name in LABELLED_FILES:
        if (directory / name).exists():
            examples += examples_from_rows(read_rows(directory / name))
    return examples


def office_examples() -> list[Example]:
    """The office's own decisions: the topic of every message it has assigned to a lead unit."""
    rows = db.session.execute(select(Message.subject, Message.body, Message.topic)
                              .where(Message.lead_unit_id.is_not(None), Message.topic.in_(TOPICS)))
    return [Example(subject, body, topic) for subject, body, topic in rows]


def train_and_save(examples: list[Example]) -> TopicModel:
    model = TopicModel.train(_unique(examples))
    model.save(model_path())
    return model


def model_or_train() -> TopicModel | None:
    """The saved model, else one trained now from the labelled data and the office's decisions."""
    model = current_model()
    if model is not None:
        return model
    try:
        return train_and_save(labelled_examples() + office_examples())
    except ValueError:
        return None


def _unique(examples: list[Example]) -> list[Example]:
    seen, unique = set(), []
    for example in examples:
        if (example.subject, example.body) not in seen:
            seen.add((example.subject, example.body))
            unique.append(example)
    return unique

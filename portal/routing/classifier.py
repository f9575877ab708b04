"""The topic of a message, one of the seven first-level topics of the 2020 taxonomy (附件1), learned
with scikit-learn: TF-IDF over rjieba words and over character 2–3-grams (the subject counted twice),
a linear SVM deciding the topic, and sigmoid calibration so that each suggestion carries a probability.

Trained on the labelled 2020 data (附件2 layout: 留言主题, 留言详情, 一级分类 or 一级标签) and on the
office's own decisions (the topic of every assigned message); kept with joblib under instance/."""
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import joblib
import rjieba
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import precision_recall_fscore_support
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from ..rules.text import clean
from ..search import normalise

TOPICS = ("城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护", "卫生计生", "交通运输")
LABELLED_FILES = ("附件2_示例数据.xlsx", "附件2_标注子集1842.xls")


@dataclass(frozen=True)
class Example:
    subject: str
    body: str
    topic: str


@dataclass(frozen=True)
class Guess:
    topic: str
    confidence: float  # the calibrated probability of ``topic``


def text_of(subject: str, body: str) -> str:
    """What the model reads: rjieba's words of the subject (twice: it names the matter) and the body."""
    subject, body = normalise(clean(subject)), normalise(clean(body))
    return " ".join(word for word in rjieba.cut(f"{subject}。{subject}。{body}", hmm=False) if word.strip())


def _words(text: str) -> list[str]:
    return text.split(" ")


def _pipeline() -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(analyzer=_words, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=2)),
    ])
    svm = LinearSVC(C=0.5, class_weight="balanced")
    # ensemble=False: one SVM fitted on all the examples decides the topic; the sigmoids fitted on
    # 3-fold predictions only turn its scores into probabilities. (Taking the argmax of the calibrated
    # probabilities instead lost 0.011 of macro-F1 in 5-fold cross-validation on the training split.)
    return Pipeline([("features", features),
                     ("svm", CalibratedClassifierCV(svm, cv=3, method="sigmoid", ensemble=False))])


class TopicModel:
    def __init__(self, pipeline: Pipeline, trained_on: int, seconds: float):
        self.pipeline, self.trained_on, self.seconds = pipeline, trained_on, seconds

    @classmethod
    def train(cls, examples: list[Example]) -> "TopicModel":
        examples = [e for e in examples if e.topic in TOPICS]
        if len(Counter(e.topic for e in examples)) < 2 or min(Counter(e.topic for e in examples).values()) < 3:
            raise ValueError("训练数据不足：至少需要两个领域、每个领域至少3条已标注的留言。")
        started = time.perf_counter()
        pipeline = _pipeline().fit([text_of(e.subject, e.body) for e in examples], [e.topic for e in examples])
        return cls(pipeline, len(examples), time.perf_counter() - started)

    def guess(self, subject: str, body: str) -> Guess:
        return self.guess_many([(subject, body)])[0]

    def guess_many(self, texts: list[tuple[str, str]]) -> list[Guess]:
        if not texts:
            return []
        features = self.pipeline[:-1].transform([text_of(s, b) for s, b in texts])
        calibrated = self.pipeline[-1]
        scores = calibrated.calibrated_classifiers_[0].estimator.decision_function(features)
        probabilities = calibrated.predict_proba(features)
        labels, best = calibrated.classes_, scores.argmax(axis=1)
        return [Guess(str(labels[i]), float(row[i])) for i, row in zip(best, probabilities, strict=True)]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        joblib.dump(self, temporary)
        temporary.replace(path)  # readers never see half a file

    @staticmethod
    def load(path: Path) -> "TopicModel":
        return joblib.load(path)


def examples_from_rows(rows: list[dict]) -> list[Example]:
    """Rows of portal.services.importing.read_rows (附件2 layout) that carry a known topic."""
    examples = []
    for row in rows:
        topic = clean(str(row.get("topic") or ""))
        if topic in TOPICS:
            examples.append(Example(clean(str(row.get("subject") or "")), clean(str(row.get("body") or "")), topic))
    return examples


@dataclass(frozen=True)
class Evaluation:
    rows: list[tuple[str, float, float, float, int]]  # topic, precision, recall, F1, support
    macro_f1: float


def evaluate(model: TopicModel, examples: list[Example]) -> Evaluation:
    guesses = [g.topic for g in model.guess_many([(e.subject, e.body) for e in examples])]
    truth = [e.topic for e in examples]
    labels = [t for t in TOPICS if t in truth]
    precision, recall, f1, support = precision_recall_fscore_support(truth, guesses, labels=labels, zero_division=0)
    rows = list(zip(labels, precision, recall, f1, support, strict=True))
    return Evaluation([(t, float(p), float(r), float(f), int(s)) for t, p, r, f, s in rows],
                      float(sum(f1) / len(labels)))

"""Precision and recall of the redaction engine per type, on the labelled set of tests/redaction_corpus.py.

    .venv/bin/python bench/redaction_quality.py [COUNT [SKIP [SEED]]]
    .venv/bin/python bench/redaction_quality.py 200 320 7     # a hold-out: other texts, another seed

A label counts as found when a detected span of the same type covers it; a detection counts as
right when it overlaps a label of its type. The real texts still hold some real names and places
the organisers did not mask: detections there count against precision (it is a lower bound).
"""
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.rules.redaction import TYPES, detect  # noqa: E402
from tests.redaction_corpus import build, is_real_personal_data  # noqa: E402


def evaluate(samples, *, count_real=True):
    """Counters per type. With ``count_real`` a detection of hand-verified real personal data in the
    source texts is right too (tests/redaction_corpus.py lists it)."""
    found, labelled, right, detected = Counter(), Counter(), Counter(), Counter()
    for sample in samples:
        spans = detect(sample.text)
        for label in sample.labels:
            labelled[label.type] += 1
            if any(s.type == label.type and s.start <= label.start and s.end >= label.end for s in spans):
                found[label.type] += 1
        for span in spans:
            detected[span.type] += 1
            if any(label.type == span.type and span.start < label.end and label.start < span.end
                   for label in sample.labels) or (count_real and is_real_personal_data(span)):
                right[span.type] += 1
    return found, labelled, right, detected


def main(count: int = 320, skip: int = 0, seed: int = 2020) -> None:
    samples = build(count, seed=seed, skip=skip)
    started = time.perf_counter()
    found, labelled, right, detected = evaluate(samples)
    seconds = time.perf_counter() - started
    strict = evaluate(samples, count_real=False)[2]
    per_message = seconds * 1000 / len(samples)
    print(f"{len(samples)} messages, {sum(labelled.values())} labelled spans, {per_message:.1f} ms each")
    print(f"{'type':<10} {'labelled':>8} {'recall':>8} {'detected':>9} {'precision':>10} {'(inserted only)':>16}")
    for kind in ("phone", "id_number", "bank_card", "email", "plate", "address", "name"):
        recall = found[kind] / labelled[kind] if labelled[kind] else float("nan")
        precision = right[kind] / detected[kind] if detected[kind] else float("nan")
        only = strict[kind] / detected[kind] if detected[kind] else float("nan")
        print(f"{TYPES[kind]:<8} {labelled[kind]:>8} {recall:>8.1%} {detected[kind]:>9} {precision:>10.1%} "
              f"{only:>16.1%}")
    total_right, total_detected = sum(right.values()), sum(detected.values())
    print(f"{'all':<10} {sum(labelled.values()):>8} {sum(found.values()) / sum(labelled.values()):>8.1%} "
          f"{total_detected:>9} {total_right / total_detected:>10.1%} {sum(strict.values()) / total_detected:>16.1%}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))

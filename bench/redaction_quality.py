"""Precision and recall of the redaction engine per type and per spelling form.

    .venv/bin/python bench/redaction_quality.py [COUNT [SEED]]

Two labelled sets: tests/redaction_spellings.py (issue 12: how citizens really write — full-width,
Chinese numerals, separators, at-words, QQ and WeChat, estates without a suffix, the whole 百家姓 —
with must-stay negatives and officials in replies) and the older tests/redaction_corpus.py (320
messages, plain spellings). A label counts as found when a detected span of the same type covers it; a
detection counts as right when it overlaps a label of its type (or, in the older set, hand-verified
real personal data of the source texts); a detection over a must-stay span is a false positive. The
units' replies are detected as the review service does, keeping officials acting in office.
"""
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.rules.redaction import TYPES, detect  # noqa: E402
from tests import redaction_spellings  # noqa: E402
from tests.redaction_corpus import build, is_real_personal_data  # noqa: E402

KINDS = ("phone", "id_number", "bank_card", "email", "qq", "wechat", "plate", "address", "name")


def evaluate(samples, *, count_real=True):
    """Counters per type. With ``count_real`` a detection of hand-verified real personal data in the
    source texts is right too (tests/redaction_corpus.py lists it)."""
    found, labelled, right, detected = Counter(), Counter(), Counter(), Counter()
    for sample in samples:
        spans = detect(sample.text, keep_officials=getattr(sample, "is_reply", False))
        for label in sample.labels:
            if label.type == "keep":
                continue
            keys = [label.type] + ([(label.type, label.form)] if getattr(label, "form", "") else [])
            labelled.update(keys)
            if any(s.type == label.type and s.start <= label.start and s.end >= label.end for s in spans):
                found.update(keys)
        for span in spans:
            detected[span.type] += 1
            if any(label.type == span.type and span.start < label.end and label.start < span.end
                   for label in sample.labels) or (count_real and is_real_personal_data(span)):
                right[span.type] += 1
    return found, labelled, right, detected


def kept(samples):
    """Must-stay spans per form, and how many of them stayed unmasked."""
    total, stayed = Counter(), Counter()
    for sample in samples:
        spans = detect(sample.text, keep_officials=sample.is_reply)
        for label in sample.labels:
            if label.type == "keep":
                total[label.form] += 1
                stayed[label.form] += not any(s.start < label.end and label.start < s.end for s in spans)
    return total, stayed


def timing(samples):
    times = []
    for sample in samples:
        started = time.perf_counter()
        detect(sample.text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)], statistics.mean(len(s.text) for s in samples)


def report(title, samples, *, count_real=True, forms=True):
    found, labelled, right, detected = evaluate(samples, count_real=count_real)
    print(f"\n{title}: {len(samples)} messages, {sum(labelled[k] for k in KINDS)} labelled spans")
    print(f"{'type':<8} {'form':<24} {'labelled':>8} {'recall':>8} {'detected':>9} {'precision':>10}")
    for kind in KINDS:
        if not labelled[kind]:
            continue
        precision = right[kind] / detected[kind] if detected[kind] else float("nan")
        print(f"{TYPES[kind]:<8} {'(all)':<24} {labelled[kind]:>8} {found[kind] / labelled[kind]:>8.1%} "
              f"{detected[kind]:>9} {precision:>10.1%}")
        for key in sorted(k for k in labelled if isinstance(k, tuple) and k[0] == kind and k[1]) if forms else ():
            print(f"{'':<8} {key[1]:<24} {labelled[key]:>8} {found[key] / labelled[key]:>8.1%}")
    total_found = sum(found[k] for k in KINDS)
    total_labelled = sum(labelled[k] for k in KINDS)
    total_right, total_detected = sum(right[k] for k in KINDS), sum(detected[k] for k in KINDS)
    print(f"{'all':<33} {total_labelled:>8} {total_found / total_labelled:>8.1%} {total_detected:>9} "
          f"{total_right / total_detected:>10.1%}")


def main(count: int = 700, seed: int = 12) -> None:
    spellings = redaction_spellings.build(count, seed=seed)
    report("Spellings (tests/redaction_spellings.py)", spellings)
    total, stayed = kept(spellings)
    print("\nmust stay           spans  unmasked")
    for form in sorted(total):
        print(f"{form:<18} {total[form]:>6} {stayed[form] / total[form]:>9.1%}")
    report("Plain spellings (tests/redaction_corpus.py)", build(320), forms=False)
    p50, p95, length = timing(spellings)
    print(f"\ndetect(): p50 {p50:.1f} ms, p95 {p95:.1f} ms per message ({length:.0f} characters on average)")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))

"""Duplicate groups: precision, recall and speed of the built-in finder on labelled pairs.

    .venv/bin/python bench/duplicates.py [--data ../shared/data] [--seed 1] [--scale 30000]

Builds the labelled pairs in memory (bench/duplicate_pairs.py: real messages of the three
shared files, synthetic reposts, pairs labelled by rules and by hand), runs
ShingleDuplicateFinder over the whole pool once, and counts a pair as predicted "same
matter" when both messages land in one group. Prints one JSON object:

- precision, recall, F1 over the pairs labelled same (shared wording) or different,
  with recall per kind of pair and false positives per kind;
- rewritten_recall: the share of same-matter pairs written in different words that the
  finder groups anyway (it compares wording; these are reported, not targeted);
- open_precision: every pair the finder put in one group, labelled or not, judged by the
  same edit-distance rules (unlabelled pairs the rules cannot decide are counted apart);
- seconds for the pool, for messages_unlabeled.csv alone (2,801 rows) and, with --scale N,
  for N messages made of real ones and their reposts.
Nothing is written anywhere.
"""

import argparse
import json
import platform
import random
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duplicate_pairs import (
    DEFAULT_DATA,
    DIFFERENT,
    REWRITTEN,
    SAME,
    VARIANTS,
    build,
    load_pool,
    make_variant,
    rule_label,
)

from xinfang.analysis.backends.duplicates import ShingleDuplicateFinder
from xinfang.analysis.interfaces import Message


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _timed(finder: ShingleDuplicateFinder, messages: list[Message]) -> tuple[float, int]:
    started = time.perf_counter()
    groups = finder.groups(messages)
    return round(time.perf_counter() - started, 3), len(groups)


def _scaled(data: Path, size: int, seed: int) -> list[Message]:
    """`size` messages: real ones plus reposts of them (a third), shuffled."""
    generator = random.Random(seed)
    real = load_pool(data)
    messages = list(real)
    while len(messages) < size:
        source = generator.choice(real)
        variant = make_variant(source, generator.choice(VARIANTS[:-1]), generator, real)
        messages.append(Message(**{**variant.__dict__, "id": f"x{len(messages)}"}))
    generator.shuffle(messages)
    return messages[:size]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", type=int, default=0, help="also time this many messages")
    options = parser.parse_args()

    started = time.perf_counter()
    benchmark = build(options.data, options.seed)
    build_seconds = round(time.perf_counter() - started, 1)
    finder = ShingleDuplicateFinder()
    started = time.perf_counter()
    groups = finder.groups(benchmark.messages)
    pool_seconds = round(time.perf_counter() - started, 3)
    group_of = {item: number for number, group in enumerate(groups) for item in group.ids}

    def grouped(a: str, b: str) -> bool:
        return a in group_of and group_of.get(a) == group_of.get(b)

    outcome: Counter[str] = Counter()
    missed_by_kind: Counter[str] = Counter()
    positives_by_kind: Counter[str] = Counter()
    false_by_kind: Counter[str] = Counter()
    labels = {}
    for pair in benchmark.pairs:
        labels[frozenset((pair.a, pair.b))] = pair.label
        predicted = grouped(pair.a, pair.b)
        if pair.label == SAME:
            positives_by_kind[pair.kind] += 1
            outcome["tp" if predicted else "fn"] += 1
            if not predicted:
                missed_by_kind[pair.kind] += 1
        elif pair.label == DIFFERENT:
            outcome["fp" if predicted else "tn"] += 1
            if predicted:
                false_by_kind[pair.kind] += 1
        elif pair.label == REWRITTEN:
            outcome["rewritten grouped" if predicted else "rewritten apart"] += 1

    by_id = {m.id: m for m in benchmark.messages}
    judged: Counter[str] = Counter()
    for group in groups:
        for a, b in combinations(group.ids, 2):
            label = labels.get(frozenset((a, b)))
            if label is None:
                label = rule_label(by_id[a], by_id[b])
                judged[f"unlabelled {label}"] += 1
            judged[label] += 1

    tp, fp, fn = outcome["tp"], outcome["fp"], outcome["fn"]
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    unlabeled = [m for m in load_pool(options.data) if m.id.startswith("u")]
    result = {
        "benchmark": "duplicate groups",
        "seed": options.seed,
        "pairs": benchmark.counts,
        "precision": precision,
        "recall": recall,
        "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_negatives": outcome["tn"],
        "recall_by_kind": {
            kind: _ratio(count - missed_by_kind[kind], count)
            for kind, count in sorted(positives_by_kind.items())
        },
        "false_positives_by_kind": dict(sorted(false_by_kind.items())),
        "rewritten_recall": _ratio(
            outcome["rewritten grouped"], outcome["rewritten grouped"] + outcome["rewritten apart"]
        ),
        "open_precision": _ratio(
            judged[SAME] + judged[REWRITTEN], judged[SAME] + judged[REWRITTEN] + judged[DIFFERENT]
        ),
        "grouped_pairs_judged": dict(sorted(judged.items())),
        "groups": len(groups),
        "pool_messages": len(benchmark.messages),
        "pool_seconds": pool_seconds,
        "unlabeled_csv_seconds_and_groups": _timed(finder, unlabeled),
        "label_build_seconds": build_seconds,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    if options.scale:
        result[f"scale_{options.scale}_seconds_and_groups"] = _timed(
            finder, _scaled(options.data, options.scale, options.seed)
        )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

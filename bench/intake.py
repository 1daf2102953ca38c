"""Registration-time suggestions at scale (issue: 1,000,000 cases indexed on PostgreSQL).

    .venv/bin/python bench/run.py generate --cases 1000000 --fresh     # once, ~15 min
    .venv/bin/python bench/intake.py --rebuild --requests 300

Measures, against the bench database (XINFANG_BENCH_DATABASE_URL, as bench/run.py):
- `--rebuild`: `xinfang analysis index` (matching keys for petitioners that lack them, then
  the similar-case snapshot of every case): seconds, documents, size on disk;
- index memory: the process's resident set after loading the snapshot and answering queries
  (the snapshot is memory-mapped, so its pages are shared by all web processes of a machine);
- the whole suggestion panel (`analysis.intake.suggest_for_draft`: topic, kind, unit, same
  person, same matter, similar cases, answers, risk signals) for drafts made from random
  existing cases (their text reworded a little, their petitioner's name as a homophone and
  their address, no ID number), as the county bureau's registrar who sees every case;
- a new case findable: registration committed, then the time until a search (as another web
  process would make it) returns it.

Prints one JSON object per measurement.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get("XINFANG_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/xinfang_bench")
os.environ["XINFANG_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from xinfang.analysis.intake import Draft

HOMOPHONES = {
    "张": "章",
    "王": "汪",
    "李": "理",
    "刘": "留",
    "陈": "沉",
    "杨": "阳",
    "黄": "皇",
    "周": "舟",
    "吴": "武",
}
REWORDINGS = (("请求", "希望"), ("反映", "投诉"), ("问题", "情况"), ("，", " "))


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(name: str, **values: object) -> None:
    print(json.dumps({"measurement": name, **values}, ensure_ascii=False), flush=True)


def rebuild() -> None:
    started = time.monotonic()
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "xinfang"), "analysis", "index"],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    emit("rebuild", wall_seconds=round(time.monotonic() - started, 1), **summary)


def train_topic_model() -> None:
    """Suggestions come from a trained model, as in an office with history: train one from the
    shared training file when the bench has none (rules would be faster, and not what runs)."""
    models = Path(os.environ["XINFANG_VAR_DIR"]) / "models" / "topic"
    data = ROOT.parent / "shared" / "data" / "messages_train_segmented.csv"
    if (models.is_dir() and any(models.iterdir())) or not data.exists():
        return
    started = time.monotonic()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "xinfang"), "analysis", "train", "--csv", str(data)],
        check=True,
        capture_output=True,
        env=os.environ,
    )
    emit("topic_model_trained", seconds=round(time.monotonic() - started, 1))


def reword(text: str, rng: random.Random) -> str:
    for old, new in REWORDINGS:
        if rng.random() < 0.5:
            text = text.replace(old, new)
    return text


def drafts(count: int, rng: random.Random) -> "list[tuple[int, Draft]]":
    from xinfang.analysis.intake import Draft, PersonDraft
    from xinfang.cases.models import Case
    from xinfang.core import crypto

    newest = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    made: list[tuple[int, Draft]] = []
    while len(made) < count:
        case = (
            Case.objects.filter(pk__gte=rng.randrange(1, newest + 1))
            .select_related("place_region")
            .prefetch_related("parties__petitioner")
            .order_by("pk")
            .first()
        )
        if case is None:
            continue
        people = []
        for party in case.parties.all():
            petitioner = party.petitioner
            if petitioner.is_anonymous:
                continue
            name = petitioner.name
            name = HOMOPHONES.get(name[:1], name[:1]) + name[1:]
            people.append(PersonDraft(name=name, address=crypto.decrypt(petitioner.address_cipher)))
        draft = Draft(
            title=reword(case.title, rng),
            facts=reword(case.facts, rng),
            request=reword(case.request, rng),
            place_region=case.place_region,
            place_address=case.place_address,
            accused=case.accused,
            channel=case.channel,
            head_count=case.head_count,
            people=people,
        )
        made.append((case.pk, draft))
    return made


def suggestions(requests: int, seed: int) -> None:
    from xinfang.analysis.case_index import case_index
    from xinfang.analysis.intake import suggest_for_draft
    from xinfang.orgs.models import OrgKind, User

    user = (
        User.objects.filter(organisation__kind=OrgKind.PETITION_BUREAU, role="registrar")
        .order_by("organisation__depth", "pk")
        .first()
    )
    assert user is not None, "no bureau registrar: generate the bench database first"
    rng = random.Random(seed)
    before = rss_mb()
    started = time.monotonic()
    index = case_index()
    index.refresh(force=True)
    emit(
        "index_load",
        seconds=round(time.monotonic() - started, 2),
        documents=index.size,
        rss_mb_before=round(before),
    )
    sample = drafts(requests + 20, rng)
    for _, draft in sample[:20]:  # warm-up: models loaded, pages mapped
        suggest_for_draft(user, draft)
    timings, found_self, found_person = [], 0, 0
    for source_id, draft in sample[20:]:
        started = time.perf_counter()
        result = suggest_for_draft(user, draft)
        timings.append((time.perf_counter() - started) * 1000)
        shown = {e.case_id for e in result.same_matter + result.similar}
        found_self += source_id in shown
        found_person += source_id in {e.case_id for e in result.same_person}
    emit(
        "suggestions",
        requests=len(timings),
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        max_ms=round(max(timings), 1),
        source_case_in_same_matter_or_similar=round(found_self / len(timings), 3),
        source_case_by_homophone_name_and_address=round(found_person / len(timings), 3),
        rss_mb=round(rss_mb()),
        rss_mb_added=round(rss_mb() - before),
    )


def findable(trials: int) -> None:
    from xinfang.analysis.case_index import CaseIndex
    from xinfang.analysis.text import similarity_words
    from xinfang.orgs.models import OrgKind, User
    from xinfang.testing.factories import register_case

    user = User.objects.filter(organisation__kind=OrgKind.PETITION_BUREAU, role="registrar").first()
    assert user is not None
    other_process = CaseIndex()  # stands for another web process with its index loaded
    other_process.refresh(force=True)
    delays = []
    for _ in range(trials):
        # Words no other case has: random characters, so the new case is the one best match.
        marker = "".join(chr(0x4E00 + random.randrange(0x5000)) for _ in range(12))
        case = register_case(user, title=marker, request=f"{marker}请求处理", facts=marker)
        committed = time.perf_counter()
        while True:
            if any(pk == case.pk for pk, _ in other_process.search(similarity_words(marker), limit=5)):
                break
            if time.perf_counter() - committed > 5:
                raise SystemExit(f"case {case.pk} not found within 5 s")
        delays.append((time.perf_counter() - committed) * 1000)
    emit(
        "new_case_findable",
        trials=trials,
        p50_ms=round(statistics.median(delays), 1),
        max_ms=round(max(delays), 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="run `xinfang analysis index` first and time it"
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--findable", type=int, default=20, help="new cases registered and looked for")
    args = parser.parse_args()
    emit(
        "machine",
        cpus=os.cpu_count(),
        python=platform.python_version(),
        database=BENCH_URL.rsplit("/", 1)[-1],
    )
    if args.rebuild:
        rebuild()
    train_topic_model()
    import django

    django.setup()
    suggestions(args.requests, args.seed)
    findable(args.findable)


if __name__ == "__main__":
    main()

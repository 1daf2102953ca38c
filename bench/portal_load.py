"""The citizens' portal under load (issue 6: portal pages p95 ≤ 150 ms with 50 concurrent users,
gunicorn + PostgreSQL on this machine, measured with a load tool against localhost).

    .venv/bin/python bench/portal_load.py [--users 50] [--duration 120] [--think 1.0]
                                          [--cases 100000] [--petitions 300] [--workers 8] [--keep]

1. Creates its own PostgreSQL database (XINFANG_PORTAL_BENCH_DATABASE_URL, default
   postgresql://postgres@127.0.0.1:5432/xinfang_portal_bench; dropped and created again, and
   dropped at the end unless --keep), migrates it, builds the demo tree and generates --cases demo
   cases (so the tables have a real office's sizes), then submits --petitions petitions through
   the portal's own action, keeping each query code, and moves half of them to a reply with the
   real lifecycle actions (transfer, accept, reply), so tracked cases have steps and documents.
2. Starts gunicorn (--workers sync workers, the deployment's kind) on 127.0.0.1 against it. Every
   portal request writes its session (SESSION_SAVE_EVERY_REQUEST) and so waits for a commit; more
   workers than cores let those waits overlap (docs/benchmarks.md compares 4 and 8 on 2 cores).
3. The load tool is this script: --users threads, each a citizen with its own cookies and one
   keep-alive HTTP/1.1 connection, going round guidance → statistics → lookup form → lookup
   (POST) → case page → a document → submission form, and one round in five submitting a
   petition (POST, then its receipt). Between pages each waits --think seconds on average
   (uniform from 0.5× to 1.5×): a person reading the page. --think 0 hammers the server with
   back-to-back requests instead. A citizen answers the captcha by reading the image; the load
   tool computes the answer from the challenge id on the page with the server's key (it shares
   the server's XINFANG_VAR_DIR), as the tests do. Each page is requested once before the clock
   starts (the weekly figures are computed on their first request and then published).
4. Prints one JSON object per page and one for all pages: requests, errors, p50/p95/max (ms),
   requests per second. Results go into docs/benchmarks.md by hand, with the machine and date.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH_URL = os.environ.get(
    "XINFANG_PORTAL_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/xinfang_portal_bench"
)
os.environ["XINFANG_DATABASE_URL"] = BENCH_URL
os.environ.setdefault("XINFANG_VAR_DIR", str(ROOT / "var" / "portal-bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("XINFANG_HUEY_IMMEDIATE", None)  # jobs (notifications) queue; no consumer runs here
sys.path.insert(0, str(ROOT))

PORT = int(os.environ.get("XINFANG_PORTAL_BENCH_PORT", "8765"))
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|captcha_id|form_token)" value="([^"]*)"')
DOCUMENT = re.compile(r'href="(/portal/track/documents/\d+/)"')


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def emit(data: dict[str, object]) -> None:
    print(json.dumps(data, ensure_ascii=False), flush=True)


# -- the database ----------------------------------------------------------------------------------


def _admin_connection():  # type: ignore[no-untyped-def]
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(BENCH_URL)
    name = config["NAME"]
    assert name not in ("test", "test_test", "xinfang_bench", "postgres"), f"not a database of ours: {name}"
    connection = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    )
    return connection, name


def recreate_database() -> None:
    connection, name = _admin_connection()
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database() -> None:
    connection, name = _admin_connection()
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def xinfang(*args: str) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "xinfang"), *args], check=True)


def seed(cases: int, petitions: int) -> list[tuple[str, str]]:
    """Demo cases, then portal petitions; returns (query code, phone's last four) of each petition."""
    xinfang("migrate", "--noinput", "-v", "0")
    xinfang("demo-setup", "--cases", "0")
    if cases:
        xinfang("demo-data", "--cases", str(cases), "--seed", "1")
    import django

    django.setup()
    from xinfang.cases.actions.accept import do_accept
    from xinfang.cases.actions.handle import ReplyInput, do_reply, review_notice_for
    from xinfang.cases.actions.route import RouteInput, do_transfer
    from xinfang.cases.models import Topic
    from xinfang.demo.tree import ensure_demo_tree
    from xinfang.orgs.models import User
    from xinfang.portal.actions import SubmissionInput, do_submit_petition
    from xinfang.testing.factories import make_id_number

    tree = ensure_demo_tree()
    places = tree.main.townships
    topics = list(Topic.objects.filter(level=3).order_by("id")[:50])
    registrar, handler, head = (
        User.objects.get(username=name) for name in ("registrar", "handler", "unit_head")
    )
    housing = tree.main.departments["housing"]
    rng = random.Random(6)
    started = time.perf_counter()
    tracked: list[tuple[str, str]] = []
    for index in range(petitions):
        phone = f"139{rng.randrange(10**8):08d}"
        receipt = do_submit_petition(
            data=SubmissionInput(
                name=f"市民{index}",
                id_number=make_id_number(birth=f"19{60 + index % 40}0{1 + index % 9}15", seq=index % 1000),
                phone=phone,
                category="appeal",
                topic=rng.choice(topics),
                place_region=rng.choice(places),
                title="小区电梯长期停运无人维修",
                facts="小区5幢电梯停运两个月，物业以资金不足为由不予维修。",
                request="请求督促物业尽快修复电梯",
                form_token=secrets.token_urlsafe(24),
            )
        )
        if index % 2 == 0:
            case = do_transfer(actor=registrar, case=receipt.case, data=RouteInput(target_org=housing))
            case = do_accept(actor=handler, case=case)
            do_reply(
                actor=head,
                case=case,
                data=ReplyInput(
                    request="请求督促物业尽快修复电梯",
                    facts_found="经查，电梯主板损坏，物业维修资金申请未获批。",
                    reasons="物业服务企业应当及时维修共用设施设备。",
                    decision="责令物业公司于15日内修复电梯。",
                    legal_basis="《物业管理条例》第五十五条",
                    review_notice=review_notice_for(case),
                ),
            )
        tracked.append((receipt.query_code, phone[-4:]))
    emit(
        {
            "benchmark": "portal_seed",
            "demo_cases": cases,
            "petitions": petitions,
            "replied": (petitions + 1) // 2,
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return tracked


# -- the load tool ---------------------------------------------------------------------------------


class Citizen:
    """One person at one browser: cookies, a keep-alive connection, timed requests."""

    def __init__(self, samples: dict[str, list[float]], errors: dict[str, int], lock: threading.Lock) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies: dict[str, str] = {}
        self.samples, self.errors, self.lock = samples, errors, lock
        self.recording = False

    def request(self, name: str, method: str, path: str, body: bytes | None = None, ctype: str = "") -> str:
        headers = {"Host": f"127.0.0.1:{PORT}", "Accept-Language": "zh-CN"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if ctype:
            headers["Content-Type"] = ctype
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            self._count(name, None)
            return ""
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        self._count(name, elapsed if response.status in (200, 302) else None)
        return content.decode("utf-8", "replace")

    def _count(self, name: str, elapsed: float | None) -> None:
        if not self.recording:
            return
        with self.lock:
            if elapsed is None:
                self.errors[name] = self.errors.get(name, 0) + 1
            else:
                self.samples.setdefault(name, []).append(elapsed)

    def post_form(self, name: str, path: str, fields: dict[str, str]) -> str:
        return self.request(
            name, "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )

    def post_multipart(self, name: str, path: str, fields: dict[str, str]) -> str:
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in fields.items()
        ]
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        return self.request(name, "POST", path, body, f"multipart/form-data; boundary={boundary}")


def hidden_fields(page: str) -> dict[str, str]:
    return dict(HIDDEN.findall(page))


def answer(fields: dict[str, str]) -> str:
    from xinfang.portal.captcha import expected_answer

    return expected_answer(fields.get("captcha_id", ""))


def one_round(
    citizen: Citizen, rng: random.Random, tracked: list[tuple[str, str]], form: dict[str, str], think: float
) -> None:
    def pause() -> None:
        if think:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    citizen.cookies.clear()  # a new visitor each round
    citizen.request("guidance", "GET", "/portal/")
    pause()
    citizen.request("statistics", "GET", "/portal/statistics/")
    pause()
    fields = hidden_fields(citizen.request("lookup_form", "GET", "/portal/track/"))
    pause()
    code, last4 = rng.choice(tracked)
    citizen.post_form(
        "lookup",
        "/portal/track/",
        {**fields, "code": code, "phone_last4": last4, "captcha_answer": answer(fields)},
    )
    case_page = citizen.request("case_page", "GET", "/portal/track/case/")
    pause()
    documents = DOCUMENT.findall(case_page)
    if documents:
        citizen.request("document", "GET", rng.choice(documents))
        pause()
    fields = hidden_fields(citizen.request("submit_form", "GET", "/portal/submit/"))
    pause()
    if rng.random() < 0.2:
        citizen.post_multipart(
            "submit",
            "/portal/submit/",
            {
                **form,
                **fields,
                "id_number": form["id_number"],
                "phone": f"137{rng.randrange(10**8):08d}",
                "captcha_answer": answer(fields),
            },
        )
        citizen.request("receipt", "GET", "/portal/receipt/")
        pause()


def run_load(
    users: int, duration: float, think: float, tracked: list[tuple[str, str]], form: dict[str, str]
) -> None:
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    warm = Citizen(samples, errors, lock)
    one_round(warm, random.Random(0), tracked, form, 0)  # first requests: imports, caches, figures
    stop = time.monotonic() + duration
    start_gate = threading.Barrier(users)

    def user(number: int) -> None:
        citizen = Citizen(samples, errors, lock)
        citizen.recording = True
        rng = random.Random(number)
        start_gate.wait()
        time.sleep(rng.uniform(0, think or 0.01))  # people do not arrive in the same millisecond
        while time.monotonic() < stop:
            one_round(citizen, rng, tracked, form, think)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    tool_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    every: list[float] = []
    for name, values in sorted(samples.items()):
        every += values
        emit(
            {
                "page": name,
                "requests": len(values),
                "errors": errors.get(name, 0),
                "p50_ms": round(percentile(values, 0.50), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
        )
    emit(
        {
            "benchmark": "portal_pages",
            "users": users,
            "think_seconds": think,
            "seconds": round(seconds, 1),
            "requests": len(every),
            "errors": sum(errors.values()),
            "requests_per_second": round(len(every) / seconds, 1),
            "p50_ms": round(percentile(every, 0.50), 1),
            "p95_ms": round(percentile(every, 0.95), 1),
            "p99_ms": round(percentile(every, 0.99), 1),
            "max_ms": round(max(every), 1),
            "mean_ms": round(statistics.fmean(every), 1),
            # The machine's state: other work competing for its cores shows in every figure above.
            "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "load_tool_cpu_share_of_one_core": round(tool_cpu / seconds, 2),
        }
    )


def start_server(workers: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--keep-alive",
            "30",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            probe.request("GET", "/portal/")
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument(
        "--think", type=float, action="append", dest="thinks", help="seconds; repeat for several runs"
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--petitions", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    thinks = args.thinks or [1.0]
    emit(
        {
            "machine": f"{platform.node()} {os.cpu_count()} cores {platform.machine()}",
            "python": platform.python_version(),
            "database": BENCH_URL,
            "date": date.today().isoformat(),
            "load_tool": "bench/portal_load.py (Python threads, http.client keep-alive)",
            "gunicorn_workers": args.workers,
        }
    )
    recreate_database()
    server = None
    try:
        tracked = seed(args.cases, args.petitions)
        from xinfang.cases.models import Topic
        from xinfang.orgs.models import Organisation, OrgKind
        from xinfang.testing.factories import make_id_number

        place = Organisation.objects.filter(kind=OrgKind.TOWNSHIP).order_by("path").first()
        topic = Topic.objects.filter(level=3).order_by("id").first()
        assert place is not None and topic is not None
        form = {
            "name": "压力测试",
            "id_number": make_id_number(birth="19900505", seq=555),
            "category": "suggestion",
            "topic": str(topic.pk),
            "place_region": str(place.pk),
            "title": "建议增设公交站点",
            "facts": "小区附近500米内没有公交站点，老人出行不便。",
            "request": "建议在小区门口增设公交站点",
            "confirm_guidance": "on",
        }
        from django.db import connection

        connection.close()
        server = start_server(args.workers)
        for think in thinks:
            run_load(args.users, args.duration, think, tracked, form)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measures the speed figures of issue 5 against a release build of `etterlev`.

Run through bench/issue5.sh (which builds first). Everything is measured from
separate processes (this one and `wrk`) over loopback, on SQLite:

1. saving an answer (PUT /api/v1/assessments/{id}/answers/{node}, a real
   save with optimistic locking) at 50 concurrent connections with wrk,
   p50/p99, with GET /healthz at 50 connections as the anchor in the same run;
2. the dashboard page of an assessment of 500 requirements with 10 earlier
   assessments of the same catalogue (trend), sequential requests;
3. the .xlsx export of 500 answers, sequential requests;
4. the management report .docx, sequential requests.

Set-up: a generated catalogue of 500 requirements (20 chapters of 25) is
imported with `etterlev catalog import`; the demo editor signs in, makes an
API token and, through the API, 11 assessments with 500 answers each.
Only the standard library is used; servers and temporary files are removed.
"""

import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import issue3  # noqa: E402  (Server, free_port, cookies_of, get_csrf)

HERE = os.path.dirname(os.path.abspath(__file__))
SAVE_LUA = os.path.join(HERE, "issue5-save.lua")
EDITOR = "redaktor@demo.etterlev.no"
PASSWORD = "Demo-passord-2026"
CHAPTERS, PER_CHAPTER = 20, 25
DURATION = int(os.environ.get("ISSUE5_DURATION", "20"))
SEQUENTIAL = int(os.environ.get("ISSUE5_SEQUENTIAL", "200"))
# 50 users who each save an answer every THINK_MS on average (default 100 ms:
# far faster than a person, who reads and types between saves).
THINK_MS = int(os.environ.get("ISSUE5_THINK_MS", "100"))


def log(msg=""):
    print(msg, flush=True)


def catalogue_yaml():
    lines = [
        "schema: etterlev/catalog/v1",
        "id: bench",
        'version: "1"',
        "title: { nb: Ytelseskatalog, en: Benchmark catalogue }",
        "publisher: etterlev (benchmark data)",
        "languages: [nb, en]",
        'date: "2026-01-01"',
        "status: fixture",
        "source:",
        "  - { kind: other, title: Generert for ytelsesmåling }",
        "nodes:",
    ]
    for c in range(1, CHAPTERS + 1):
        lines.append(f'  - {{ id: "k{c}", kind: chapter, number: "{c}", title: {{ nb: "Kapittel {c}" }}, verified: true }}')
        for r in range(1, PER_CHAPTER + 1):
            lines.append(
                f'  - {{ id: "k{c}-{r}", parent: "k{c}", kind: requirement, number: "{c}.{r}", '
                f'title: {{ nb: "Krav {c}.{r} om tilgangsstyring og logging" }}, '
                f'text: {{ nb: "Virksomheten skal sørge for tiltak {c}.{r} og dokumentere dem." }}, '
                f'references: [{{ kind: other, title: Testkilde }}], tags: [confidentiality], verified: true }}'
            )
    return "\n".join(lines) + "\n"


class Api:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None, expect=(200,)):
        self.conn.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                          headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status not in expect:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:500]!r}")
        return json.loads(data) if data else None


def sign_in(port):
    csrf_cookie, csrf_field = issue3.get_csrf(port)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/login",
              body=urllib.parse.urlencode({"_csrf": csrf_field, "email": EDITOR, "password": PASSWORD}),
              headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"etterlev_csrf={csrf_cookie}"})
    r = c.getresponse()
    r.read()
    session = issue3.cookies_of(r).get("etterlev_session")
    if r.status != 303 or not session:
        raise RuntimeError(f"POST /login as {EDITOR}: {r.status}")
    cookie = f"etterlev_session={session}; etterlev_csrf={csrf_cookie}"
    c.request("POST", "/account/tokens", body=urllib.parse.urlencode({"_csrf": csrf_field, "name": "bench"}),
              headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                       "Origin": f"http://127.0.0.1:{port}"})
    r = c.getresponse()
    body = r.read().decode()
    m = re.search(r'<code id="new-token">([^<]+)</code>', body)
    if not m:
        raise RuntimeError(f"no API token on the account page ({r.status})")
    return cookie, m.group(1)


def timed_gets(port, path, cookie, n, expect_type):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times, size = [], 0
    for i in range(n + 5):
        t0 = time.perf_counter()
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse()
        data = r.read()
        dt = time.perf_counter() - t0
        if r.status != 200 or expect_type not in (r.getheader("Content-Type") or ""):
            raise RuntimeError(f"GET {path}: {r.status} {r.getheader('Content-Type')} {data[:300]!r}")
        if i >= 5:  # the first few warm the caches
            times.append(dt * 1000)
        size = len(data)
    times.sort()
    return {
        "n": n,
        "median_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
        "max_ms": times[-1],
        "bytes": size,
    }


def wrk_run(port, path, headers, script, script_args, connections=50, threads=2):
    cmd = ["wrk", f"-c{connections}", f"-t{threads}", f"-d{DURATION}s", "--latency", "-s", script]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        cmd += ["--", *script_args]
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    m = re.search(r"^ISSUE[35] (\{.*\})$", p.stdout, re.M)
    if not m:
        raise RuntimeError(f"wrk printed no summary:\n{p.stdout}\n{p.stderr}")
    return json.loads(m.group(1))


def main():
    binary = sys.argv[1]
    work = tempfile.mkdtemp(prefix="etterlev-issue5-")
    results = {}
    srv = None
    try:
        catdir = os.path.join(work, "catalog")
        os.makedirs(catdir)
        with open(os.path.join(catdir, "bench.yaml"), "w") as f:
            f.write(catalogue_yaml())
        db = f"sqlite:{os.path.join(work, 'data', 'etterlev.sqlite')}"
        os.makedirs(os.path.join(work, "data"))
        subprocess.run([binary, "migrate", "--db", db], check=True, capture_output=True)
        subprocess.run([binary, "catalog", "import", catdir, "--db", db], check=True, capture_output=True)
        srv = issue3.Server(binary, work, ["--db", db], demo=True, name="issue5")
        srv.wait_200()
        port = srv.port
        cookie, token = sign_in(port)
        api = Api(port, token)
        tenants = api.call("GET", "/tenants")
        tenant_list = [m["tenant"] for m in tenants]
        tenant = next((t for t in tenant_list if t.get("org_number") == "312000008"), None) or next(iter(tenant_list), None)
        tenant_id = tenant["id"] if tenant else None
        nodes = [f"k{c}-{r}" for c in range(1, CHAPTERS + 1) for r in range(1, PER_CHAPTER + 1)]
        log(f"== set-up: 11 assessments x {len(nodes)} answers through the API")
        t0 = time.perf_counter()
        statuses = ["implemented", "partly", "not_started", "verified"]
        ids = []
        for k in range(11):
            body = {"catalog_key": "bench@1", "title": f"Vurdering {2015 + k}",
                    "period_start": f"{2015 + k}-01-01", "period_end": f"{2015 + k}-12-31",
                    "profile": {"kind": "hospital_trust", "size": "large", "conditions": []}}
            if tenant_id:
                body["tenant_id"] = tenant_id
            a = api.call("POST", "/assessments", body, expect=(200, 201))
            ids.append(a["id"])
            if k == 10:
                break  # the measured one: its answers come from the load below
            for i, node in enumerate(nodes):
                api.call("PUT", f"/assessments/{a['id']}/answers/{node}",
                         {"status": statuses[(i + k) % 4], "maturity": (i + k) % 6, "version": 0})
        target = ids[-1]
        for i, node in enumerate(nodes):  # give the measured assessment answers too
            api.call("PUT", f"/assessments/{target}/answers/{node}",
                     {"status": statuses[i % 4], "maturity": i % 6, "version": 0})
        log(f"   done in {time.perf_counter() - t0:.1f} s")

        log("== anchor: GET /healthz, 50 connections")
        results["healthz"] = wrk_run(port, "/healthz", [], issue3.LUA, ())
        log("== save an answer: PUT …/answers/{node}, 50 connections")
        # A fresh assessment: the wrk script starts every node at version 0
        # (an insert) and then updates it with the version each save returns.
        fresh = api.call("POST", "/assessments",
                         dict({"catalog_key": "bench@1", "title": "Lastmåling",
                               "profile": {"kind": "hospital_trust", "size": "large", "conditions": []}},
                              **({"tenant_id": tenant_id} if tenant_id else {})), expect=(200, 201))
        results["save"] = wrk_run(port, "/healthz", [], SAVE_LUA,
                                  (fresh["id"], "2", ",".join(nodes), token, str(THINK_MS)))
        log("== save an answer, stress: 50 connections without pauses")
        stress = api.call("POST", "/assessments",
                          dict({"catalog_key": "bench@1", "title": "Stress",
                                "profile": {"kind": "hospital_trust", "size": "large", "conditions": []}},
                               **({"tenant_id": tenant_id} if tenant_id else {})), expect=(200, 201))
        results["save_stress"] = wrk_run(port, "/healthz", [], SAVE_LUA,
                                         (stress["id"], "2", ",".join(nodes), token, "0"))
        log("== dashboard, .xlsx export, management .docx (sequential)")
        results["dashboard"] = timed_gets(port, f"/assessments/{target}/dashboard", cookie, SEQUENTIAL, "text/html")
        results["xlsx"] = timed_gets(port, f"/assessments/{target}/answers.xlsx", cookie, SEQUENTIAL // 2,
                                     "spreadsheetml")
        results["docx"] = timed_gets(port, f"/assessments/{target}/report.docx", cookie, SEQUENTIAL // 4,
                                     "wordprocessingml")
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(work, ignore_errors=True)

    s, h, st = results["save"], results["healthz"], results["save_stress"]
    rows = [
        (f"save an answer p99, 50 users, ~{THINK_MS} ms apart, SQLite", "< 15 ms",
         f"{s['p99_us'] / 1e3:.2f} ms (p50 {s['p50_us'] / 1e3:.2f}, {s['rps']:.0f}/s, non-200 {s['non200']}, first {s['first_non200_status']})",
         s["p99_us"] < 15_000 and s["non200"] == 0 and s["socket_errors"] == 0),
        ("  stress: 50 conn without pauses, p99", "-",
         f"{st['p99_us'] / 1e3:.1f} ms (p50 {st['p50_us'] / 1e3:.1f}, {st['rps']:.0f} saves/s, non-200 {st['non200']})", True),
        ("  anchor GET /healthz p99, 50 conn", "-", f"{h['p99_us'] / 1e3:.2f} ms", True),
    ]
    for key, name, target_ms in (("dashboard", "dashboard, 500 req + 10 earlier", 30),
                                 ("xlsx", ".xlsx export of 500 answers", 100),
                                 ("docx", "management report .docx", 300)):
        r = results[key]
        rows.append((f"{name} (median / p99)", f"< {target_ms} ms",
                     f"{r['median_ms']:.1f} / {r['p99_ms']:.1f} ms ({r['bytes'] // 1024} KiB)", r["p99_ms"] < target_ms))
    log()
    log("== summary (client-side times over loopback; server time is lower)")
    w = max(len(r[0]) for r in rows)
    for r in rows:
        verdict = ("pass" if r[3] else "FAIL") if r[1] != "-" else ""
        log(f"  {r[0]:<{w}}  {r[1]:>8}  {r[2]:<44} {verdict}")
    if os.environ.get("ISSUE5_JSON"):
        with open(os.environ["ISSUE5_JSON"], "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sys.exit(main())

#!/usr/bin/env python3
"""p99 of the heavy signed-in pages at 50 connections, on SQLite and
PostgreSQL, with GET /healthz measured in the same run as the anchor.

    python3 bench/pages.py --bin target/release/etterlev [--pg URL] [--duration 15]

For each backend: a server is started with --demo (seeding the demo
tenants), the demo reader signs in, and wrk drives, one after another,
/healthz, the dashboard (/), the first demo assessment's page and the
newest Normen catalogue page, each for --duration seconds after a short
warm-up, with the server's CPU per request accounted. Uses the helpers of
bench/issue3.py (only the Python standard library and wrk).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import issue3  # noqa: E402
from issue3 import SERVERS, Server, log, logins, measured_run, psql, wrk  # noqa: E402


def get(port, path, cookie):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    body = r.read().decode(errors="replace")
    c.close()
    return r.status, r.getheader("Location"), body


def page_paths(port, cookie):
    """The pages to measure, found as a user would: the first assessment
    listed, and where /catalog/normen redirects (its newest version)."""
    status, _, body = get(port, "/assessments", cookie)
    if status != 200:
        raise RuntimeError(f"GET /assessments: {status}")
    m = re.search(r'href="(/assessments/[0-9a-f-]{36})"', body)
    if not m:
        raise RuntimeError("no assessment linked from /assessments")
    assessment = m.group(1)
    status, location, _ = get(port, "/catalog/normen", cookie)
    if status not in (301, 302, 303, 307, 308) or not location:
        raise RuntimeError(f"GET /catalog/normen: {status}, expected a redirect to the newest version")
    pages = [("healthz", "/healthz", None), ("dashboard", "/", cookie),
             ("assessment", assessment, cookie), ("catalog", location, cookie)]
    for name, path, ck in pages[1:]:
        status, _, body = get(port, path, ck)
        if status != 200 or 'id="page-title"' not in body:
            raise RuntimeError(f"GET {path}: {status}, page-title {'present' if 'page-title' in body else 'missing'}")
        log(f"  {name:10s} {path}: 200, {len(body)} bytes")
    return pages


def run_backend(binary, work, db_args, args, label):
    _, cookie = logins(binary, work, db_args, 1, label)
    srv = Server(binary, work, db_args, name="pages")
    out = {}
    try:
        srv.wait_200()
        pages = page_paths(srv.port, cookie)
        for name, path, ck in pages:
            wrk(srv.port, path, ck, args.warmup, args.connections, args.threads)
            res = measured_run(srv, path, ck, args)
            res.pop("raw", None)
            out[name] = res
            log(
                f"  {label:10s} {name:10s}: {res['rps']:7.0f} req/s  p50 {res['p50_us'] / 1e3:6.2f} ms  "
                f"p99 {res['p99_us'] / 1e3:6.2f} ms  non-200 {res['non200']}  "
                f"server CPU {res['server_cpu_us_per_req']} us/req  postgres {res['postgres_cpu_s']:.1f} s"
            )
    finally:
        srv.stop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg", default="postgres://127.0.0.1:5432/test")
    ap.add_argument("--schema", default="bench_pages")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="etterlev-pages-")
    results = {}
    made = False
    try:
        log("== SQLite")
        results["sqlite"] = run_backend(args.bin, work, ["--data-dir", os.path.join(work, "data")], args, "SQLite")
        if args.pg:
            log("== PostgreSQL")
            psql(args.pg, f"create schema if not exists {args.schema}")
            made = True
            sep = "&" if "?" in args.pg else "?"
            url = f"{args.pg}{sep}options=-c%20search_path%3D{args.schema}"
            results["postgres"] = run_backend(args.bin, work, ["--db", url], args, "PostgreSQL")
    finally:
        for p in list(SERVERS):
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
        if made:
            psql(args.pg, f"drop schema if exists {args.schema} cascade")
    log()
    log("| page (50 connections) | SQLite p50 / p99, req/s | PostgreSQL p50 / p99, req/s |")
    log("|---|---|---|")
    for name in ("healthz", "dashboard", "assessment", "catalog"):
        cells = []
        for be in ("sqlite", "postgres"):
            r = results.get(be, {}).get(name)
            cells.append("—" if not r else f"{r['p50_us'] / 1e3:.2f} / **{r['p99_us'] / 1e3:.2f} ms**, {r['rps']:.0f}")
        log(f"| {name} | {cells[0]} | {cells[1]} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    issue3.SERVERS = SERVERS
    main()

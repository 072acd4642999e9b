#!/usr/bin/env python3
"""Inventory speed, on SQLite and PostgreSQL, with GET /healthz as the
anchor measured in the same run:

    python3 bench/inventory.py --bin target/release/etterlev [--pg URL] [--duration 15]

For each backend a server is started with --demo; the demo editor (one
enterprise, the GP office) signs in and
1. imports 2,000 systems from an .xlsx (upload, column mapping, apply: the
   apply request is timed), 200 of them holding "special" data;
2. adds 5,000 integrations through the API (600 among the 200);
   (on PostgreSQL then ANALYZE, as autovacuum would soon after a load);
3. wrk at 20 connections: /healthz, the first and the 20th page of
   /inventory, and the data-flow picture of the 200 (`?category=special`),
   the picture also at 1 connection;
4. imports 5,000 more systems from one .xlsx (timed).
Needs wrk, openpyxl (to write the workbooks) and the helpers of issue3.py.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import issue3  # noqa: E402
from issue3 import SERVERS, Server, cookies_of, log, measured_run, psql, wrk  # noqa: E402

EDITOR = "redaktor@demo.etterlev.no"
PASSWORD = "Demo-passord-2026"
COLUMNS = ["name", "purpose", "owner", "administrator", "users", "staff_users", "patient_users", "data_category",
           "health_register", "confidentiality", "integrity", "availability", "criticality", "hosting",
           "cloud_provider", "cloud_region", "supplier", "medical_device", "mdr_class", "ai_component",
           "internet_exposed", "remote_access"]


def request(port, method, path, cookie=None, body=None, headers=None, timeout=300):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    t0 = time.perf_counter()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t0
    c.close()
    return r, data, dt


def sign_in(port):
    r, body, _ = request(port, "GET", "/login")
    csrf_cookie = cookies_of(r)["etterlev_csrf"]
    field = re.search(rb'name="_csrf"\s+value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"_csrf": field, "email": EDITOR, "password": PASSWORD})
    r, _, _ = request(port, "POST", "/login", f"etterlev_csrf={csrf_cookie}", form,
                      {"Content-Type": "application/x-www-form-urlencoded"})
    if r.status != 303:
        raise RuntimeError(f"POST /login: {r.status}")
    session = cookies_of(r)["etterlev_session"]
    cookie = f"etterlev_csrf={csrf_cookie}; etterlev_session={session}"
    return cookie, field


def workbook(path, names, special):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for i, name in enumerate(names):
        row = {c: "" for c in COLUMNS}
        row.update(name=name, purpose=f"Formål for {name}", owner="Systemeier", data_category="special" if i < special else "personal",
                   confidentiality="3", integrity="3", availability="2", criticality="important", hosting="own_premises",
                   staff_users="yes", supplier="Leverandør AS")
        ws.append([row[c] for c in COLUMNS])
    wb.save(path)


def import_xlsx(port, cookie, csrf, path):
    boundary = "----etterlevBench"
    with open(path, "rb") as f:
        data = f.read()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"systems.xlsx\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    r, _, upload_s = request(port, "POST", "/inventory/import", cookie, body,
                             {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if r.status != 303:
        raise RuntimeError(f"upload: {r.status}")
    mapping = r.getheader("Location")
    form = {"_csrf": csrf}
    form.update({f"map_{c}": str(i) for i, c in enumerate(COLUMNS)})
    r, body, apply_s = request(port, "POST", mapping, cookie, urllib.parse.urlencode(form),
                               {"Content-Type": "application/x-www-form-urlencoded"})
    if r.status != 303:
        raise RuntimeError(f"apply: {r.status} {body[:500]!r}")
    return upload_s, apply_s, r.getheader("Location")


def token(binary, db_args):
    out = subprocess.run([binary, "user", "token", "--email", EDITOR, "--name", "bench"] + db_args,
                         capture_output=True, text=True, check=True).stdout
    return re.search(r"(etl_pat_\S+)", out).group(1)


def api(port, tok, method, path, payload=None):
    body = json.dumps(payload).encode() if payload is not None else None
    r, data, _ = request(port, method, f"/api/v1{path}", None, body,
                         {"Authorization": f"Bearer {tok}", "Content-Type": "application/json"})
    if r.status >= 300:
        raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data) if data else None


def run_backend(binary, work, db_args, args, label, analyze=None):
    srv = Server(binary, work, db_args, demo=True, name="inventory")
    out = {}
    try:
        srv.wait_200(timeout=120)
        cookie, csrf = sign_in(srv.port)
        tok = token(binary, db_args)
        names = [f"System {i:04d}" for i in range(2000)]
        path = os.path.join(work, "systems-2000.xlsx")
        workbook(path, names, special=200)
        up, apply_s, _ = import_xlsx(srv.port, cookie, csrf, path)
        out["import_2000_s"] = round(apply_s, 3)
        log(f"  {label}: import of 2,000 rows: upload {up:.3f} s, apply {apply_s:.3f} s")
        systems = {s["name"]: s["id"] for s in api(srv.port, tok, "GET", "/systems")}
        ids = [systems[n] for n in names]
        rnd = random.Random(1)
        t0 = time.perf_counter()
        for k in range(5000):
            pool = ids[:200] if k < 600 else ids
            a, b = rnd.sample(pool, 2)
            api(srv.port, tok, "POST", "/integrations", {"from_system": a, "to_system": b, "data": f"Data {k}",
                "protocol": "hl7v2", "frequency": "daily", "source_system": a if k % 3 else None})
        log(f"  {label}: 5,000 integrations through the API in {time.perf_counter() - t0:.1f} s")
        if analyze:
            # What autovacuum does soon after a bulk load in production: the
            # planner gets the tables' statistics.
            analyze()
            log(f"  {label}: ANALYZE after the load")
        pages = [("healthz", "/healthz", None, args.connections), ("inventory", "/inventory", cookie, args.connections),
                 ("inventory_p20", "/inventory?page=20", cookie, args.connections),
                 ("map_200", "/inventory/map.svg?category=special", cookie, args.connections),
                 ("map_200_1c", "/inventory/map.svg?category=special", cookie, 1)]
        for name, p, ck, conns in pages:
            r, body, _ = request(srv.port, "GET", p, ck)
            if r.status != 200:
                raise RuntimeError(f"GET {p}: {r.status}")
            a = argparse.Namespace(**vars(args))
            a.connections = conns
            a.threads = min(args.threads, conns)
            wrk(srv.port, p, ck, args.warmup, conns, a.threads)
            res = measured_run(srv, p, ck, a)
            res.pop("raw", None)
            res["bytes"] = len(body)
            out[name] = res
            log(f"  {label:10s} {name:14s} ({conns} conn): {res['rps']:7.0f} req/s  p50 {res['p50_us'] / 1e3:7.2f} ms  "
                f"p99 {res['p99_us'] / 1e3:7.2f} ms  non-200 {res['non200']}  {len(body)} bytes  "
                f"server CPU {res['server_cpu_us_per_req']} us/req")
        more = [f"Nytt {i:04d}" for i in range(5000)]
        path = os.path.join(work, "systems-5000.xlsx")
        workbook(path, more, special=0)
        up, apply_s, _ = import_xlsx(srv.port, cookie, csrf, path)
        out["import_5000_s"] = round(apply_s, 3)
        out["upload_5000_s"] = round(up, 3)
        log(f"  {label}: import of 5,000 rows: upload {up:.3f} s, apply {apply_s:.3f} s")
    finally:
        srv.stop()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--pg", default="postgres://127.0.0.1:5432/test")
    ap.add_argument("--schema", default="bench_inventory")
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="etterlev-inventory-")
    results = {}
    made = False
    try:
        log("== SQLite")
        results["sqlite"] = run_backend(args.bin, work, ["--data-dir", os.path.join(work, "data")], args, "SQLite")
        if args.pg:
            log("== PostgreSQL")
            psql(args.pg, f"drop schema if exists {args.schema} cascade")
            psql(args.pg, f"create schema {args.schema}")
            made = True
            sep = "&" if "?" in args.pg else "?"
            url = f"{args.pg}{sep}options=-c%20search_path%3D{args.schema}"
            results["postgres"] = run_backend(args.bin, work, ["--db", url], args, "PostgreSQL",
                                              analyze=lambda: psql(args.pg, f"set search_path to {args.schema}; analyze"))
    finally:
        for p in list(SERVERS):
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
        if made:
            psql(args.pg, f"drop schema if exists {args.schema} cascade")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    issue3.SERVERS = SERVERS
    main()

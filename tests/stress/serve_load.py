#!/usr/bin/env python3
"""Idle connections and expensive-query floods against a running `newsdex serve`;
prints the latency of plain `q=oil` requests beside them (issue 19, item 8).

    python3 tests/stress/serve_load.py HOST PORT idle 500
    python3 tests/stress/serve_load.py HOST PORT flood "QUERY"

Not part of `cargo test`: it measures, and tests assert no timing.
"""
import socket, sys, threading, time, http.client, statistics, urllib.parse
host, port = sys.argv[1], int(sys.argv[2])
mode = sys.argv[3]
def get(path, timeout=30):
    t = time.perf_counter()
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    c.request("GET", path); r = c.getresponse(); body = r.read(); c.close()
    return r.status, (time.perf_counter() - t) * 1000, body
if mode == "idle":
    n = int(sys.argv[4])
    # The first search opens the index: not what this measures.
    st, first_ms, _ = get("/api/search?q=oil")
    print(f"first request (opens the index): {first_ms:.1f} ms")
    socks = []
    for _ in range(n):
        s = socket.create_connection((host, port)); socks.append(s)
    time.sleep(0.5)
    lat = []
    for _ in range(20):
        st, ms, _ = get("/api/search?q=oil"); lat.append(ms); assert st == 200, st
    print(f"{n} idle connections open: q=oil 20 requests, median {statistics.median(lat):.1f} ms, max {max(lat):.1f} ms"
          f" (first {lat[0]:.1f} ms)")
elif mode == "flood":
    q = sys.argv[4]
    stop = time.time() + 15
    counts = {"ok": 0, "other": 0}
    def flood():
        while time.time() < stop:
            try:
                st, _, _ = get("/api/search?q=" + urllib.parse.quote(q), timeout=30)
                counts["ok" if st == 200 else "other"] += 1
            except Exception:
                counts["other"] += 1
    ts = [threading.Thread(target=flood) for _ in range(20)]
    for t in ts: t.start()
    time.sleep(1)
    lat = []
    while time.time() < stop - 1:
        st, ms, _ = get("/api/search?q=oil"); lat.append(ms)
        time.sleep(0.05)
    for t in ts: t.join()
    lat.sort()
    p99 = lat[int(len(lat) * 0.99) - 1] if len(lat) > 1 else lat[0]
    print(f"flood of {q[:60]!r}…: {len(lat)} q=oil requests, median {statistics.median(lat):.1f} ms, p99 {p99:.1f} ms, max {max(lat):.1f} ms; flood answered 200: {counts['ok']}, other: {counts['other']}")

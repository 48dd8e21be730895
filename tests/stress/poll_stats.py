#!/usr/bin/env python3
"""Polls /api/stats every 0.2 s for SECONDS and prints the fewest and most
articles seen: run it while `newsdex index --full` rebuilds a served index
(issue 19, item 5).

    python3 tests/stress/poll_stats.py http://127.0.0.1:7700 30
"""
import json, sys, time, urllib.request
url, secs = sys.argv[1], float(sys.argv[2])
seen = []
end = time.time() + secs
while time.time() < end:
    try:
        with urllib.request.urlopen(url + "/api/stats", timeout=5) as r:
            seen.append(json.load(r)["articles"])
    except Exception as e:
        seen.append(f"error {e}")
    time.sleep(0.2)
nums = [s for s in seen if isinstance(s, int)]
print(f"polls {len(seen)}, errors {len(seen) - len(nums)}, min {min(nums)}, max {max(nums)}, distinct {sorted(set(nums))}")

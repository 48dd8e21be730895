#!/usr/bin/env python3
"""Kill-and-rerun rounds against the real binary (issue 19, item 0).

Each round changes the corpus (rewrites, deletions, additions), starts
`newsdex index --commit-every 100` (every fifth round `--full`), SIGKILLs it
after a random moment, then runs a plain `newsdex index`, which must exit 0.
At the end the index must hold exactly what a `--full` build of the same
corpus holds (same ids, same titles and dates).

    python3 tests/stress/kill_rounds.py --bin target/release/newsdex --rounds 500 [--seed N]

A failing round prints its seed and round; `--seed N` repeats the run. It is
not part of `cargo test` (500 rounds take about half an hour); the test
suite runs a short version of the same rounds
(`sigkill_at_random_moments_never_breaks_the_index_and_runs_converge`).
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def write_story(corpus, i, variant, seed_text):
    d = os.path.join(corpus, f"d{i % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"s{i}.txt"), "w") as f:
        f.write(f" date 2023-09-{1 + i % 28:02d} Story {i} variant {variant}\n\n{seed_text}")


def articles(binary, index):
    out = subprocess.run(
        [binary, "search", "*", "--index", index, "--json", "--limit", "10000", "--no-collapse"],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"search failed: {out.stderr}")
    hits = json.loads(out.stdout)["hits"]
    return sorted((h["id"], h["title"], h.get("date")) for h in hits)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/newsdex")
    ap.add_argument("--rounds", type=int, default=500)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--max-kill-s", type=float, default=1.5)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time_ns() % 2**32)
    print(f"kill rounds: seed {seed} (--seed {seed} repeats it), {a.rounds} rounds", flush=True)
    rng = random.Random(seed)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "corpus", "000_6e74873c9db6a563.txt")) as f:
        seed_text = f.read()
    work = tempfile.mkdtemp(prefix="newsdex-kill-")
    corpus, index = os.path.join(work, "corpus"), os.path.join(work, "index")
    for i in range(a.files):
        write_story(corpus, i, 0, seed_text)
    base = [a.bin, "index", corpus, "--index", index, "--commit-every", "100"]
    # Kill moments are spread over how long each kind of run takes here.
    t = time.time()
    subprocess.run(base + ["--full"], check=True, capture_output=True)
    took = {"full": time.time() - t, "update": 0.2}
    failures = 0
    kills_landed = 0
    started = time.time()
    for r in range(a.rounds):
        # Change the corpus: rewrite some files, delete some, add some back.
        for _ in range(rng.randrange(0, a.files // 2)):
            write_story(corpus, rng.randrange(a.files), r + 1, seed_text)
        for _ in range(rng.randrange(0, 10)):
            i = rng.randrange(a.files)
            p = os.path.join(corpus, f"d{i % 10}", f"s{i}.txt")
            if os.path.exists(p):
                os.remove(p)
        kind = "full" if r % 5 == 0 else "update"
        extra = ["--full"] if kind == "full" else []
        child = subprocess.Popen(base + extra, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0, min(a.max_kill_s, 1.2 * took[kind]))
        time.sleep(delay)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills_landed += 1
        child.wait()
        t = time.time()
        after = subprocess.run(base, capture_output=True, text=True)
        took["update"] = max(0.05, time.time() - t)
        if after.returncode != 0:
            failures += 1
            print(
                f"round {r} (seed {seed}, kill at {delay:.3f} s): the run after the kill exited "
                f"{after.returncode}: {after.stderr.strip()}",
                flush=True,
            )
        if (r + 1) % 50 == 0:
            print(f"  {r + 1} rounds, {kills_landed} kills landed, {failures} failed runs, "
                  f"{time.time() - started:.0f} s", flush=True)
    got = articles(a.bin, index)
    fresh = os.path.join(work, "fresh")
    subprocess.run([a.bin, "index", corpus, "--index", fresh, "--full"], check=True, capture_output=True)
    want = articles(a.bin, fresh)
    same = got == want
    print(f"done: {a.rounds} rounds, {kills_landed} kills landed mid-run, {failures} runs after a kill failed; "
          f"final index {'equals' if same else 'DIFFERS from'} a --full build ({len(got)} vs {len(want)} articles)")
    shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if failures == 0 and same else 1)


if __name__ == "__main__":
    main()

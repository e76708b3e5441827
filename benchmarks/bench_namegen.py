"""Named-list generator benchmark: how fast it builds lists, what they hold, and naive baselines.

Run:  python benchmarks/bench_namegen.py [--people 100000] [--rows 100000] [--seed 0] [--out FILE]
Prints a Markdown table (and writes it to FILE if given). The baselines show why linking needs
more than exact matching: clustering by the written name, or by the phone's digits alone.
It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from reach import namegen


def clusters_by(lists: namegen.NamedLists, key) -> list[list[namegen.RowRef]]:
    """Rows grouped by a key function; rows whose key is empty stay alone."""
    groups: dict[str, list[namegen.RowRef]] = defaultdict(list)
    alone: list[list[namegen.RowRef]] = []
    for ref, row in lists.rows():
        k = key(row)
        if k:
            groups[k].append(ref)
        else:
            alone.append([ref])
    return list(groups.values()) + alone


def written_name(row: dict[str, str]) -> str:
    """The name exactly as written, with only case and spacing evened out."""
    parts = [row.get(c, "") for c in ("full_name", "last_name", "first_name", "patronymic")]
    return " ".join(" ".join(parts).lower().split())


def phone_digits(row: dict[str, str]) -> str:
    """The last nine digits of the phone: drops +7 / 8 / 0 prefixes in one stroke."""
    digits = re.sub(r"\D", "", row["phone"])
    return digits[-9:]


def main() -> None:
    """Generate, time and summarise one set of named lists."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    t0 = time.perf_counter()
    people = namegen.make_population(args.people, seed=args.seed)
    t1 = time.perf_counter()
    k = max(2, round(args.rows / 37.5))  # lists hold 15-60 rows, 37.5 on average
    lists = namegen.make_lists(people, k, seed=args.seed)
    t2 = time.perf_counter()

    rows = len(lists.truth)
    persons = len(set(lists.truth.values()))
    counts = lists.variant_counts()
    group_sizes = defaultdict(int)
    for key in lists.truth.values():
        group_sizes[key] += 1
    pairs = sum(n * (n - 1) // 2 for n in group_sizes.values())

    lines = [
        "| measure | value |",
        "|---|---|",
        f"| people in population | {len(people):,} |",
        f"| lists | {k:,} |",
        f"| rows | {rows:,} |",
        f"| distinct people on the lists | {persons:,} |",
        f"| true matching pairs | {pairs:,} |",
        f"| rows of same-name namesakes | {counts['namesake:same_name']:,} |",
        f"| rows of man/woman unisex namesakes | {counts['namesake:unisex']:,} |",
        f"| rows with a typo | {counts['typo']:,} |",
        f"| population time | {t1 - t0:.2f} s |",
        f"| lists time | {t2 - t1:.2f} s |",
    ]
    for label, key in (("exact written name", written_name), ("phone digits", phone_digits)):
        t = time.perf_counter()
        p, r, f1 = namegen.pairwise_scores(clusters_by(lists, key), lists.truth)
        lines.append(
            f"| baseline: {label} | P {p:.3f}, R {r:.3f}, F1 {f1:.3f} "
            f"({time.perf_counter() - t:.2f} s) |"
        )
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

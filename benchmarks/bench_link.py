"""Linking benchmark: quality and speed of linking generated named lists with known truth.

Run:  python benchmarks/bench_link.py [--people 100000] [--seed 1]
Makes invented people and attendance lists written in every habit (reach.namegen), encodes
every row with a throwaway key, links the batch, and prints pairwise precision, recall and F1
against the truth, with the times. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import secrets
import time

from reach import link, namegen


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    key = secrets.token_bytes(32)
    population = namegen.make_population(args.people, seed=args.seed)
    lists = namegen.make_lists(population, k=max(1, args.people // 40), seed=args.seed)
    t = time.perf_counter()
    rows = [link.encode_row(key, ref, row) for ref, row in lists.rows()]
    encoded = time.perf_counter() - t
    t = time.perf_counter()
    result = link.link(rows)
    linked = time.perf_counter() - t
    precision, recall, f1 = namegen.pairwise_scores(result.clusters, lists.truth)
    people = len(set(lists.truth.values()))
    print(
        "\n".join(
            [
                f"Rows: {len(rows):,} (true people {people:,}); candidate pairs "
                f"{result.compared:,}; pairs for review {len(result.review):,}.",
                "",
                "| precision | recall | F1 | encode (s) | link (s) |",
                "|---:|---:|---:|---:|---:|",
                f"| {precision:.4f} | {recall:.4f} | {f1:.4f} | {encoded:.1f} | {linked:.1f} |",
            ]
        )
    )


if __name__ == "__main__":
    main()

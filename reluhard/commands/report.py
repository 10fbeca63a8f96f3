"""``reluhard report RESULTS.jsonl``: Markdown summary of a sweep's results table."""

NAME = "report"
HELP = "Markdown summary of a sweep results table (statuses, violations, gap correlation, slowest cells)"


def add_arguments(p):
    from ._common import count

    p.add_argument("results", metavar="RESULTS.jsonl", help="results table written by 'reluhard sweep -o'")
    p.add_argument("-o", "--output", metavar="FILE.md", help="write the Markdown here (atomically) instead of stdout")
    p.add_argument("--slowest", type=count(0, "--slowest"), default=10, metavar="N",
                   help="how many of the slowest cells to list (default: 10)")


def run(args):
    from pathlib import Path

    from reluhard.io import atomic_write
    from reluhard.sweep.report import make_report
    from reluhard.sweep.table import latest_by_cell, read_records

    records = latest_by_cell(read_records(args.results, complete=True)[0])
    from reluhard.bench.report import is_bench_records, make_leaderboard

    if is_bench_records(records):  # a 'reluhard bench' table: the leaderboard
        text = make_leaderboard(records, source=Path(args.results).name)
    else:
        text = make_report(records, source=Path(args.results).name, slowest=args.slowest)
    if args.output:
        with atomic_write(args.output) as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 1 if any(r["status"] == "violated" for r in records) else 0

"""``reluhard report RESULTS.jsonl``: Markdown summary of a sweep's results table."""

NAME = "report"
HELP = "Markdown summary of a sweep results table (statuses, violations, gap correlation, slowest cells)"


def add_arguments(p):
    p.add_argument("results", metavar="RESULTS.jsonl")
    p.add_argument("-o", "--output", help="write the Markdown here (atomically) instead of stdout")
    p.add_argument("--slowest", type=int, default=10, help="how many of the slowest cells to list")


def run(args):
    from pathlib import Path

    from reluhard.io import atomic_write
    from reluhard.sweep.report import make_report
    from reluhard.sweep.table import latest_by_cell, read_records

    records = latest_by_cell(read_records(args.results, complete=True)[0])
    text = make_report(records, source=Path(args.results).name, slowest=args.slowest)
    if args.output:
        with atomic_write(args.output) as fh:
            fh.write(text + "\n")
    else:
        print(text)
    return 1 if any(r["status"] == "violated" for r in records) else 0

"""``reluhard plot RESULTS.jsonl -o DIR``: figures of a sweep's results table."""

NAME = "plot"
HELP = "draw the figures of a sweep results table (PNG and PDF)"


def add_arguments(p):
    p.add_argument("results", metavar="RESULTS.jsonl", help="results table written by 'reluhard sweep -o'")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the figures (created if missing)")
    p.add_argument("--figures", metavar="F[,F...]",
                   help="comma-separated subset of: loss_vs_optimum, gap_vs_gap, success_vs_ratio, time_vs_size "
                        "(bench tables: success_vs_size, gap_distribution, time_to_target; default: all)")


def run(args):
    from reluhard.sweep.plots import FIGURES, make_plots
    from reluhard.sweep.table import latest_by_cell, read_records

    from reluhard.bench.report import BENCH_FIGURES, is_bench_records, make_bench_plots

    records = latest_by_cell(read_records(args.results, complete=True)[0])
    bench = is_bench_records(records)  # a 'reluhard bench' table: success vs size, gaps, time to target
    figures = (BENCH_FIGURES if bench else FIGURES) if not args.figures else tuple(f.strip() for f in args.figures.split(",") if f.strip())
    for path in (make_bench_plots if bench else make_plots)(records, args.output, figures=figures):
        print(path)
    return 0

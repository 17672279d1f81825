#!/usr/bin/env bash
# Run every benchmark in turn (never two at once: they would share the two cores) and keep
# the raw output in bench/results/ (not tracked). BENCHMARKS.md quotes these figures.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# $(date -u)  $(uname -srm)  $(nproc) cpus  $(python3 --version)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  for script in first_paint store_write notes_latency notes_remote feed_parse board_build \
                board_render board_poll intake_latency intake_load participants_load \
                report_export bench_clock bench_agenda; do
    echo "=== $script"
    # A benchmark that misses a target exits 1; say so and go on with the others.
    uv run python "bench/$script.py" || echo "=== $script exited with status $?"
  done
  echo "=== first_paint --form"
  uv run python bench/first_paint.py --form
} 2>&1 | tee "$out"
echo "saved to $out"

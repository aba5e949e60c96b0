#!/usr/bin/env bash
# Runs fuzz targets one after another: `fuzz/run.sh SECONDS [TARGET...]`
# (all targets when none is named). Needs the nightly toolchain and
# cargo-fuzz; seeds come from `cargo run --example fuzz_seeds`.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
mkdir -p logs
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  cargo +nightly fuzz run -O "$t" -- -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 \
    > "logs/$t.log" 2>&1 || { echo "$t: FINDING, see fuzz/logs/$t.log"; continue; }
  grep -E "^Done|stat::number_of_executed_units|cov:" "logs/$t.log" | tail -2
done

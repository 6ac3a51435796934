#!/bin/sh
# Runs the waves benchmarks of docs/BENCHMARKS.md ("Waves") with the real
# herald binary built from this tree, Postfix's smtp-sink and smtp-source
# (apt-get install postfix) and GNU time (apt-get install time).
#
#   bench/waves/run.sh throughput   # herald waves send vs smtp-source, 10,000 messages, 1 and 4 sessions (~3 min)
#   bench/waves/run.sh scale        # lists import and peak RSS of waves send, 10,000 vs 100,000 contacts (~8 min)
#   bench/waves/run.sh all          # both
#   bench/waves/run.sh engines      # waves send of 100,000 messages on SQLite and on PostgreSQL (issue 16, ~20 min)
#   bench/waves/run.sh profile      # diagnosis: CPU profile of one waves send, in-process (~20 s)
#
# Settings (environment): HERALD_BENCH_RUNS (3), HERALD_BENCH_MESSAGES
# (10000), HERALD_BENCH_LARGE (100000), HERALD_BENCH_DURABLE=0 to leave out
# the engines run on PostgreSQL with fsync and synchronous_commit on,
# HERALD_BENCH_PG_SETTINGS='name=value;...' to add PostgreSQL settings
# (e.g. auto_explain; the server's log is then printed),
# HERALD_BENCH_BIN=PATH to measure a
# herald built elsewhere, and HERALD_BENCH_OUT=FILE to append
# the Markdown tables to FILE.
set -eu
cd "$(dirname "$0")/../.."
export HERALD_BENCH=1

run() {
	go test ./bench/waves -run "^$1\$" -v -count=1 -timeout 60m
}

case "${1:-}" in
throughput) run TestThroughput ;;
scale) run TestScale ;;
engines) run TestEngines ;;
profile)
	export HERALD_BENCH_PROFILE="${HERALD_BENCH_PROFILE:-/tmp/herald-waves-send.pprof}"
	run TestProfileSend
	go tool pprof -top -cum -nodecount 40 "$HERALD_BENCH_PROFILE"
	;;
all)
	"$0" throughput
	"$0" scale
	;;
*)
	echo "usage: $0 throughput|scale|engines|all|profile" >&2
	exit 2
	;;
esac

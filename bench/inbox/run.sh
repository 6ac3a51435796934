#!/bin/sh
# Runs the inbox benchmarks of docs/BENCHMARKS.md against Debian's Dovecot,
# Postfix's smtp-sink and imapfilter (apt-get install dovecot-imapd postfix
# imapfilter), with the real herald binary built from this tree.
#
#   bench/inbox/run.sh backlog    # 1: 10,000-message backlog, herald vs imapfilter (~7 min)
#   bench/inbox/run.sh latency    # 2: acknowledgement latency, 100 enquiries (~2 min)
#   bench/inbox/run.sh keywords   # diagnosis: Dovecot's cost of herald's IMAP actions (~4 min)
#   bench/inbox/run.sh process    # diagnosis: herald's handler alone, no IMAP (~1 min)
#   bench/inbox/run.sh floor      # diagnosis: FETCH and MOVE of the backlog without herald (~1 min)
#   bench/inbox/run.sh memory     # peak RSS on hostile, big and ordinary mail (issue 11, ~3 min)
#   bench/inbox/run.sh engines    # the backlog by herald on SQLite and on PostgreSQL (issue 16, ~5 min)
#   bench/inbox/run.sh all        # the six, in that order
#
# Settings (environment): HERALD_BENCH_RUNS (5; engines: 3), HERALD_BENCH_MESSAGES
# (10000), HERALD_BENCH_ACKS (100), HERALD_BENCH_EVERY_MS (200);
# HERALD_BENCH_PG_SETTINGS='name=value;...' adds PostgreSQL settings to the
# engines run (e.g. auto_explain) and prints the server's log;
# HERALD_BENCH_DURABLE=0 leaves out the engines run on PostgreSQL with
# fsync and synchronous_commit on;
# HERALD_BENCH_OUT=FILE appends the Markdown tables to FILE;
# HERALD_BENCH_REV=HEAD (or any commit) measures a clean `git archive`
# snapshot of that commit instead of the working tree, with this tree's
# bench/inbox, bench/internal, daemon/testconfig and daemon/testmail copied in: the numbers
# in docs/BENCHMARKS.md were taken so, since work in progress in a shared
# tree may not even build.
set -eu
cd "$(dirname "$0")/../.."
export HERALD_BENCH=1
if [ -n "${HERALD_BENCH_OUT:-}" ]; then
	HERALD_BENCH_OUT=$(realpath "$HERALD_BENCH_OUT")
	export HERALD_BENCH_OUT
fi
if [ -n "${HERALD_BENCH_REV:-}" ]; then
	snap=$(mktemp -d)
	trap 'rm -rf "$snap"' EXIT
	git archive --format=tar "$HERALD_BENCH_REV" | tar -x -C "$snap"
	mkdir -p "$snap/bench"
	rm -rf "$snap/bench/inbox" "$snap/bench/internal" "$snap/daemon/testconfig" "$snap/daemon/testmail"
	cp -R bench/inbox bench/internal "$snap/bench/"
	cp -R daemon/testconfig daemon/testmail "$snap/daemon/"
	HERALD_BENCH_DESC="commit $(git rev-parse --short "$HERALD_BENCH_REV") (clean snapshot)"
	export HERALD_BENCH_DESC
	cd "$snap"
fi

bench() {
	case "$1" in
	backlog) go test ./bench/inbox -run '^TestBacklog$' -v -count=1 -timeout 30m ;;
	latency) go test ./bench/inbox -run '^TestAckLatency$' -v -count=1 -timeout 30m ;;
	keywords) go test ./bench/inbox -run '^TestDovecotKeywords$' -v -count=1 -timeout 30m ;;
	process) go test ./bench/inbox -run '^$' -bench '^BenchmarkProcess$' -benchtime 10000x -count "${HERALD_BENCH_RUNS:-5}" ;;
	floor) go test ./bench/inbox -run '^TestFetchFloor$' -v -count=1 -timeout 30m ;;
	memory) go test ./bench/inbox -run '^TestMemory$' -v -count=1 -timeout 30m ;;
	engines) go test ./bench/inbox -run '^TestBacklogEngines$' -v -count=1 -timeout 60m ;;
	*)
		echo "usage: $0 backlog|latency|keywords|process|floor|memory|engines|all" >&2
		exit 2
		;;
	esac
}

if [ "${1:-}" = all ]; then
	for b in backlog latency keywords process floor memory; do
		bench "$b"
	done
else
	bench "${1:-}"
fi

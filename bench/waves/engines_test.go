package wavesbench

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
)

// engine is a store herald runs on in TestEngines: SQLite (pg nil) or a
// PostgreSQL server.
type engine struct {
	name string
	pg   *realserver.Postgres
}

// engines is SQLite, PostgreSQL with the store tests' settings (fsync
// and synchronous_commit off) and, unless HERALD_BENCH_DURABLE=0,
// PostgreSQL with its durable defaults; each server started once.
func engines(t *testing.T) []engine {
	t.Helper()
	fast := benchkit.StartPostgres(t, false)
	t.Logf("PostgreSQL: %s; %s", fast.Version, benchkit.PGSettings(t, fast))
	es := []engine{{name: "SQLite"}, {name: "PostgreSQL", pg: fast}}
	if os.Getenv("HERALD_BENCH_DURABLE") != "0" {
		durable := benchkit.StartPostgres(t, true)
		t.Logf("PostgreSQL durable: %s", benchkit.PGSettings(t, durable))
		es = append(es, engine{name: "PostgreSQL durable", pg: durable})
	}
	return es
}

// engineRun is one wave sent on one engine.
type engineRun struct {
	imp, send measured
	pg        benchkit.PGCost // zero on SQLite
}

// TestEngines: `herald waves send` of one wave of HERALD_BENCH_LARGE
// (100,000) contacts over 4 sessions, rate unlimited, into smtp-sink, on
// each engine (a fresh SQLite file or a fresh PostgreSQL database every
// run), HERALD_BENCH_RUNS (3) times, the engines' order rotating from
// run to run. On PostgreSQL a PGProbe counts the statements and
// transactions, the server's CPU and the lock waits of the send.
func TestEngines(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_LARGE", 100000)
	runs := envInt(t, "HERALD_BENCH_RUNS", 3)
	es := engines(t)
	csv := filepath.Join(t.TempDir(), "contacts.csv")
	writeCSV(t, csv, n)
	res := map[string][]engineRun{}
	var loads []string
	for run := range runs {
		for i := range es {
			e := es[(i+run)%len(es)]
			t.Run(fmt.Sprintf("run%d/%s", run+1, strings.ReplaceAll(e.name, " ", "_")), func(t *testing.T) {
				r, load := engineWave(t, e, csv, n)
				loads = append(loads, load)
				res[e.name] = append(res[e.name], r)
			})
		}
	}
	report(t, enginesReport(n, runs, es, res, loads))
}

// engineWave imports the list (timed apart) and sends the wave on e.
func engineWave(t *testing.T, e engine, csv string, n int) (engineRun, string) {
	dir := t.TempDir()
	database := filepath.Join(dir, "herald.db")
	if e.pg != nil {
		database = e.pg.Database(t)
	}
	sk := startSink(t)
	cfg := writeConfigDB(t, dir, database, sk.port, 4)
	r := engineRun{imp: importList(t, cfg, csv, n)}
	var probe *benchkit.PGProbe
	if e.pg != nil {
		probe = benchkit.StartPGProbe(t, e.pg, database)
	}
	load := loadavg()
	r.send = sendWave(t, cfg, n)
	if probe != nil {
		r.pg = probe.Stop(t)
		t.Logf("where it goes:\n%s", r.pg.Where(n))
	}
	t.Logf("%s: import %v; send %v (%.0f msgs/s), herald CPU %v, server CPU %v, max RSS %d kB, load %s",
		e.name, r.imp.Wall.Round(time.Millisecond), r.send.Wall.Round(time.Millisecond), float64(n)/r.send.Wall.Seconds(),
		r.send.UserSys.Round(time.Millisecond), r.pg.CPU.Round(time.Millisecond), r.send.MaxRSSKB, load)
	return r, load
}

// enginesReport is the results as Markdown: medians per engine and the
// ratios to SQLite, then where PostgreSQL's time went in its median run.
func enginesReport(n, runs int, es []engine, res map[string][]engineRun, loads []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-message wave, 4 sessions, rate unlimited, smtp-sink; median of %d runs per engine, %s; load average at each send: %s\n\n",
		n, runs, time.Now().Format("2006-01-02"), strings.Join(loads, ", "))
	b.WriteString("| engine | waves send | msgs/s | herald CPU / msg | server CPU / msg | CPU / msg, both | × SQLite (CPU) | × SQLite (wall) | herald max RSS | lists import |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n) }
	var baseCPU, baseWall time.Duration
	for _, e := range es {
		rs := res[e.name]
		if len(rs) == 0 {
			continue
		}
		wall, cpu, srv, imp := pick(rs, func(r engineRun) time.Duration { return r.send.Wall }),
			pick(rs, func(r engineRun) time.Duration { return r.send.UserSys }),
			pick(rs, func(r engineRun) time.Duration { return r.pg.CPU }),
			pick(rs, func(r engineRun) time.Duration { return r.imp.Wall })
		both := pick(rs, func(r engineRun) time.Duration { return r.send.UserSys + r.pg.CPU })
		var rss []int
		for _, r := range rs {
			rss = append(rss, r.send.MaxRSSKB)
		}
		if e.pg == nil {
			baseCPU, baseWall = both, wall
		}
		fmt.Fprintf(&b, "| %s | %.1f s | %.0f | %.0f µs | %.0f µs | %.0f µs | %.2f× | %.2f× | %.1f MB | %.1f s |\n",
			e.name, wall.Seconds(), float64(n)/wall.Seconds(), us(cpu), us(srv), us(both),
			float64(both)/float64(baseCPU), float64(wall)/float64(baseWall), float64(median(rss))/1024, imp.Seconds())
	}
	for _, e := range es {
		rs := res[e.name]
		if e.pg == nil || len(rs) == 0 {
			continue
		}
		m := pick(rs, func(r engineRun) time.Duration { return r.send.Wall })
		mid := slices.MinFunc(rs, func(a, b engineRun) int { return cmp.Compare((a.send.Wall - m).Abs(), (b.send.Wall - m).Abs()) })
		fmt.Fprintf(&b, "\n%s, where the run of median wall time went: ", e.name)
		b.WriteString(mid.pg.Where(n))
	}
	return b.String()
}

// pick is the median of f over rs.
func pick(rs []engineRun, f func(engineRun) time.Duration) time.Duration {
	xs := make([]time.Duration, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	return median(xs)
}

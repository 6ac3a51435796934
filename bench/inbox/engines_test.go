package inboxbench

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // reads herald's PostgreSQL database to check the outcome

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
)

// storeEngine is a store herald runs on in TestBacklogEngines: SQLite
// (pg nil) or a PostgreSQL server.
type storeEngine struct {
	name string
	pg   *realserver.Postgres
}

// engineBacklog is one backlog triaged on one engine.
type engineBacklog struct {
	Wall, CPU, Dovecot time.Duration
	MaxRSSKB           int
	PG                 benchkit.PGCost // zero on SQLite
	Load               string
}

// TestBacklogEngines: the backlog of TestBacklog (HERALD_BENCH_MESSAGES,
// 10,000) triaged by `herald run` on SQLite and on PostgreSQL (the store
// tests' settings, and unless HERALD_BENCH_DURABLE=0 PostgreSQL's
// durable defaults), each run on a fresh Dovecot and a fresh database,
// HERALD_BENCH_RUNS (3) times, the engines' order rotating from run to
// run. On PostgreSQL a PGProbe counts statements, transactions, the
// server's CPU and the lock waits.
func TestBacklogEngines(t *testing.T) {
	needBench(t)
	n := envInt(t, "HERALD_BENCH_MESSAGES", 10000)
	runs := envInt(t, "HERALD_BENCH_RUNS", 3)
	msgs := corpus(n, corpusSeed)
	want, enquiries := map[string]int{"INBOX": 0}, 0
	for _, m := range msgs {
		want[heraldFolder[m.Cat]]++
		if heraldEnquiry[m.Cat] {
			enquiries++
		}
	}
	fast := benchkit.StartPostgres(t, false)
	t.Logf("PostgreSQL: %s; %s", fast.Version, benchkit.PGSettings(t, fast))
	es := []storeEngine{{name: "SQLite"}, {name: "PostgreSQL", pg: fast}}
	if os.Getenv("HERALD_BENCH_DURABLE") != "0" {
		durable := benchkit.StartPostgres(t, true)
		t.Logf("PostgreSQL durable: %s", benchkit.PGSettings(t, durable))
		es = append(es, storeEngine{name: "PostgreSQL durable", pg: durable})
	}
	res := map[string][]engineBacklog{}
	for run := range runs {
		for i := range es {
			e := es[(i+run)%len(es)]
			t.Run(fmt.Sprintf("run%d/%s", run+1, strings.ReplaceAll(e.name, " ", "_")), func(t *testing.T) {
				r := backlogOn(t, e, msgs, want, enquiries)
				res[e.name] = append(res[e.name], r)
			})
		}
	}
	report := enginesBacklogReport(n, runs, es, res)
	fmt.Print(report)
	benchkit.Out(t, report)
}

// backlogOn triages msgs with `herald run` on e, as heraldBacklog does
// on SQLite, and checks the outcome in the database and in Dovecot.
func backlogOn(t *testing.T, e storeEngine, msgs []*benchMsg, want map[string]int, enquiries int) engineBacklog {
	dv := realserver.StartDovecot(t, map[string]string{heraldUser: password})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	populate(t, dv, heraldUser, msgs)
	dir := t.TempDir()
	sqlite := filepath.Join(dir, "data", "herald.db")
	database := sqlite
	if e.pg != nil {
		database = e.pg.Database(t)
	}
	cfg := filepath.Join(dir, "config.yaml")
	text := strings.Replace(benchConfig(t, dir, dv.Port, sink.Port, false), "database: "+sqlite, "database: "+database, 1)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	// check validates; lists opens the store and so creates its schema,
	// which is then not part of the measured run on either engine.
	for _, cmd := range []string{"check", "lists"} {
		if out, err := exec.Command(heraldBin, "--config", cfg, cmd).CombinedOutput(); err != nil {
			t.Fatalf("herald %s: %v\n%s", cmd, err, out)
		}
	}
	poll := login(t, dv, heraldUser)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	var probe *benchkit.PGProbe
	if e.pg != nil {
		probe = benchkit.StartPGProbe(t, e.pg, database)
	}
	r := engineBacklog{Load: loadavgNow()}
	dove := dovecotCPU(dv)
	h := startHerald(t, cfg)
	stopPerf := func() {}
	if e.pg != nil {
		stopPerf = perfRecord(t, h.cmd.Process.Pid) // HERALD_BENCH_PERF: herald on PostgreSQL
	}
	end, err := waitEmpty(ctx, poll, statusEvery)
	stopPerf()
	if err != nil {
		t.Fatalf("herald: %v", err)
	}
	caught := h.waitLine(t, "msg=watching", time.Minute)
	r.Wall = min(end.Sub(h.start), caught.Sub(h.start))
	r.Dovecot = dovecotCPU(dv) - dove
	// VmHWM, not the exit's rusage: that keeps the peak of the forked
	// test process before the exec, this one's corpus included.
	r.MaxRSSKB = benchkit.VmHWM(h.cmd.Process.Pid)
	r.CPU = h.stop(t)
	if probe != nil {
		r.PG = probe.Stop(t)
		t.Logf("where it goes:\n%s", r.PG.Where(len(msgs)))
	}
	got, opened, pending := backlogCounts(t, database)
	if got != len(msgs) || opened != enquiries || pending != 0 {
		t.Errorf("herald recorded %d messages and %d enquiries, %d IMAP actions not done; want %d, %d, 0",
			got, opened, pending, len(msgs), enquiries)
	}
	if n := h.count("level=ERROR") + h.count("level=WARN"); n > 0 {
		t.Errorf("herald logged %d warnings or errors:\n%s", n, h.tail(20))
	}
	checkFolders(t, poll, "herald", want)
	t.Logf("%s: %v (%.0f msg/s); CPU herald %v, PostgreSQL %v, Dovecot %v; max RSS %d kB; load %s",
		e.name, r.Wall.Round(time.Millisecond), rate(len(msgs), r.Wall), r.CPU.Round(10*time.Millisecond),
		r.PG.CPU.Round(10*time.Millisecond), r.Dovecot.Round(10*time.Millisecond), r.MaxRSSKB, r.Load)
	return r
}

// backlogCounts is dbCounts on either engine.
func backlogCounts(t *testing.T, database string) (msgs, enquiries, pending int) {
	t.Helper()
	if !strings.HasPrefix(database, "postgres://") {
		return dbCounts(t, database)
	}
	db, err := sql.Open("pgx", database)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.QueryRow(`SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),
		(SELECT count(*) FROM enquiries),
		(SELECT count(*) FROM actions WHERE state != 'done' AND kind IN ('flag', 'move'))`).Scan(&msgs, &enquiries, &pending)
	if err != nil {
		t.Fatalf("read %s: %v", database, err)
	}
	return msgs, enquiries, pending
}

// loadavgNow is the 1-minute load average: the machine is shared.
func loadavgNow() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// enginesBacklogReport is the results as Markdown: medians per engine,
// the ratios to SQLite, then where PostgreSQL's time went.
func enginesBacklogReport(n, runs int, es []storeEngine, res map[string][]engineBacklog) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### Backlog triage on SQLite and PostgreSQL: %d messages, median of %d runs, %s\n\n", n, runs, time.Now().Format("2006-01-02"))
	fmt.Fprintf(&b, "Machine: %s. herald built from %s.\n\n", machine(), srcDesc)
	b.WriteString("| engine | wall | msg/s | herald CPU / msg | server CPU / msg | CPU / msg, both | × SQLite (CPU) | × SQLite (wall) | Dovecot CPU | herald max RSS | load |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n) }
	var baseCPU, baseWall time.Duration
	for _, e := range es {
		rs := res[e.name]
		if len(rs) == 0 {
			continue
		}
		get := func(f func(engineBacklog) time.Duration) time.Duration {
			xs := make([]time.Duration, len(rs))
			for i, r := range rs {
				xs[i] = f(r)
			}
			return median(xs)
		}
		wall, cpu, srv := get(func(r engineBacklog) time.Duration { return r.Wall }),
			get(func(r engineBacklog) time.Duration { return r.CPU }), get(func(r engineBacklog) time.Duration { return r.PG.CPU })
		both, dove := get(func(r engineBacklog) time.Duration { return r.CPU + r.PG.CPU }), get(func(r engineBacklog) time.Duration { return r.Dovecot })
		var rss []int
		var loads []string
		for _, r := range rs {
			rss, loads = append(rss, r.MaxRSSKB), append(loads, r.Load)
		}
		if e.pg == nil {
			baseCPU, baseWall = both, wall
		}
		fmt.Fprintf(&b, "| %s | %.2f s | %.0f | %.0f µs | %.0f µs | %.0f µs | %.2f× | %.2f× | %.2f s | %.1f MB | %s |\n",
			e.name, wall.Seconds(), rate(n, wall), us(cpu), us(srv), us(both), float64(both)/float64(baseCPU),
			float64(wall)/float64(baseWall), dove.Seconds(), float64(median(rss))/1024, strings.Join(loads, ", "))
	}
	for _, e := range es {
		rs := res[e.name]
		if e.pg == nil || len(rs) == 0 {
			continue
		}
		walls := make([]time.Duration, len(rs))
		for i, r := range rs {
			walls[i] = r.Wall
		}
		m := median(walls)
		mid := slices.MinFunc(rs, func(a, b engineBacklog) int { return cmp.Compare((a.Wall - m).Abs(), (b.Wall - m).Abs()) })
		fmt.Fprintf(&b, "\n%s, where the run of median wall time went: ", e.name)
		b.WriteString(mid.PG.Where(n))
	}
	return b.String()
}

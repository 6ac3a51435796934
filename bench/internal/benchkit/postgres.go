package benchkit

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the probe's connection

	"github.com/herald-mail/herald/daemon/realserver"
)

// StartPostgres starts Debian's PostgreSQL for a benchmark, stopped when
// t ends, with pg_stat_statements loaded so that a PGProbe can count
// statements. The server has the store tests' settings (fsync,
// synchronous_commit and full_page_writes off) unless durable, which
// puts PostgreSQL's defaults back: a commit then waits for its WAL to
// reach the disk, as on a production server.
func StartPostgres(t *testing.T, durable bool) *realserver.Postgres {
	t.Helper()
	settings := []string{"shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
		"pg_stat_statements.max=1000"}
	if durable {
		settings = append(settings, "fsync=on", "synchronous_commit=on", "full_page_writes=on")
	}
	// A diagnosis, e.g. HERALD_BENCH_PG_SETTINGS='session_preload_libraries=auto_explain;auto_explain.log_min_duration=1ms':
	// the server's log is then written out when the test ends.
	extra := os.Getenv("HERALD_BENCH_PG_SETTINGS")
	if extra != "" {
		settings = append(settings, strings.Split(extra, ";")...)
	}
	p, err := realserver.StartPostgres(filepath.Join(t.TempDir(), "pg"), settings...)
	if err != nil {
		realserver.PostgresUnavailable(t, err)
	}
	t.Cleanup(func() {
		p.Stop()
		if extra != "" {
			t.Logf("%s log:\n%s", p.Version, p.Log())
		}
	})
	db := pgOpen(t, p.URL("postgres"))
	defer db.Close()
	if _, err := db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return p
}

// PGSettings is what the server says of its durability settings, for
// the report: "fsync=off, synchronous_commit=off, ...".
func PGSettings(t *testing.T, p *realserver.Postgres) string {
	t.Helper()
	db := pgOpen(t, p.URL("postgres"))
	defer db.Close()
	var parts []string
	for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes", "shared_buffers"} {
		var v string
		if err := db.QueryRow("SELECT current_setting($1)", name).Scan(&v); err != nil {
			t.Fatalf("postgres: SHOW %s: %v", name, err)
		}
		parts = append(parts, name+"="+v)
	}
	return strings.Join(parts, ", ")
}

func pgOpen(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// PGCost is what one run cost the PostgreSQL server and where it went.
type PGCost struct {
	// CPU is the CPU time of every server process (postmaster, backends,
	// background workers) during the run, less the probe's own backend.
	CPU time.Duration
	// Statements and ExecTime are pg_stat_statements' calls and
	// total_exec_time of the statements herald sent to the run's
	// database (BEGIN and COMMIT count as statements); Nested the calls
	// of statements run inside them (foreign key checks); Xacts is
	// pg_stat_database's xact_commit + xact_rollback (an implicit
	// transaction of a lone statement or a pipelined batch counts as
	// one).
	Statements, Nested, Xacts int64
	ExecTime                  time.Duration
	Top                       []Statement // by calls, the first few
	// Samples is how many times pg_stat_activity was sampled; LockWait
	// in how many a herald backend waited for a lock (wait_event_type
	// Lock), WriteLock in how many one held the store's write lock.
	Samples, LockWait, WriteLock int
	// Waits counts, per state and wait event of herald's backends, how
	// often each was seen (idle backends left out).
	Waits map[string]int
}

// Statement is one normalised statement of pg_stat_statements.
type Statement struct {
	Query    string
	TopLevel bool // sent by herald, not run inside one it sent
	Calls    int64
	Exec     time.Duration
}

// PGProbe measures one run on one database of a server started by
// StartPostgres: statement counts, transactions, server CPU, and a
// sample of pg_stat_activity every sampleEvery for lock waits.
type PGProbe struct {
	p          *realserver.Postgres
	name       string
	db         *sql.DB
	conn       *sql.Conn
	sampler    int // the probe's backend, whose CPU is not herald's
	cpu0, own0 time.Duration
	xacts0     int64
	stop, done chan struct{}
	cost       PGCost
}

// sampleEvery is how often the probe samples pg_stat_activity: often
// enough to see a write lock held for a fraction of a millisecond per
// message over a run of seconds, rarely enough to cost little.
const sampleEvery = 20 * time.Millisecond

// pgWriteLockClassid and pgWriteLockObjid are the global write lock
// the store took in every PostgreSQL transaction until bcb921d
// (0x686572616c64), as pg_locks shows a bigint advisory key: its high
// and low 32 bits. A build since never takes it: the probe still looks,
// so that a run of an older build (HERALD_BENCH_REV) shows its share.
const pgWriteLockClassid, pgWriteLockObjid = 0x6865, 0x72616c64

// StartPGProbe resets the server's statement statistics and starts
// sampling for the database dsn names.
func StartPGProbe(t *testing.T, p *realserver.Postgres, dsn string) *PGProbe {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	pr := &PGProbe{p: p, name: strings.TrimPrefix(u.Path, "/"), db: pgOpen(t, p.URL("postgres")),
		stop: make(chan struct{}), done: make(chan struct{}), cost: PGCost{Waits: map[string]int{}}}
	ctx := context.Background()
	if pr.conn, err = pr.db.Conn(ctx); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if err := pr.conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pr.sampler); err != nil {
		t.Fatalf("probe: %v", err)
	}
	if _, err := pr.conn.ExecContext(ctx, "SELECT pg_stat_statements_reset()"); err != nil {
		t.Fatalf("probe: %v", err)
	}
	pr.xacts0 = pr.xacts(t)
	pr.cpu0, pr.own0 = ProcTreeCPU(p.Pid()), procOwnCPU(pr.sampler)
	go pr.sample()
	return pr
}

func (pr *PGProbe) xacts(t *testing.T) int64 {
	t.Helper()
	var n int64
	err := pr.conn.QueryRowContext(context.Background(), `SELECT coalesce(sum(xact_commit + xact_rollback), 0)
		FROM pg_stat_database WHERE datname = $1`, pr.name).Scan(&n)
	if err != nil {
		t.Fatalf("probe: pg_stat_database: %v", err)
	}
	return n
}

// sampleSQL lists herald's backends on the database: state, wait event,
// and whether each holds the store's write lock.
const sampleSQL = `SELECT a.state, coalesce(a.wait_event_type, ''), coalesce(a.wait_event, ''),
	EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted
		AND l.classid = $2 AND l.objid = $3)
	FROM pg_stat_activity a WHERE a.datname = $1 AND a.pid <> pg_backend_pid()`

func (pr *PGProbe) sample() {
	defer close(pr.done)
	tick := time.NewTicker(sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-pr.stop:
			return
		case <-tick.C:
		}
		rows, err := pr.conn.QueryContext(context.Background(), sampleSQL, pr.name, pgWriteLockClassid, pgWriteLockObjid)
		if err != nil {
			continue
		}
		waited, held := false, false
		for rows.Next() {
			var state, typ, event string
			var lock bool
			if rows.Scan(&state, &typ, &event, &lock) != nil {
				continue
			}
			waited = waited || typ == "Lock"
			held = held || lock
			if state != "idle" {
				pr.cost.Waits[strings.TrimSuffix(state+" "+typ+":"+event, " :")]++
			}
		}
		rows.Close()
		pr.cost.Samples++
		if waited {
			pr.cost.LockWait++
		}
		if held {
			pr.cost.WriteLock++
		}
	}
}

// Stop ends the sampling and reads what the run cost. Call it once the
// herald process has exited, so that its backends have reported their
// transactions.
func (pr *PGProbe) Stop(t *testing.T) PGCost {
	t.Helper()
	close(pr.stop)
	<-pr.done
	defer pr.db.Close()
	defer pr.conn.Close()
	c := pr.cost
	// herald's backends are still ending (their client is gone): one
	// read while the postmaster reaps them would count a backend's CPU
	// neither as a child's nor as a reaped child's. Wait until they are
	// gone, and a moment more for the reaping; they report to the
	// statistics as they end, too.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		err := pr.conn.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, pr.name).Scan(&n)
		if err == nil && n == 0 {
			break
		}
	}
	time.Sleep(1100 * time.Millisecond)
	c.CPU = ProcTreeCPU(pr.p.Pid()) - pr.cpu0 - (procOwnCPU(pr.sampler) - pr.own0)
	c.Xacts = pr.xacts(t) - pr.xacts0
	rows, err := pr.conn.QueryContext(context.Background(), `SELECT regexp_replace(query, '\s+', ' ', 'g'), toplevel, calls, total_exec_time
		FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ORDER BY calls DESC`, pr.name)
	if err != nil {
		t.Fatalf("probe: pg_stat_statements: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Statement
		var ms float64
		if err := rows.Scan(&s.Query, &s.TopLevel, &s.Calls, &ms); err != nil {
			t.Fatal(err)
		}
		s.Exec = time.Duration(ms * float64(time.Millisecond))
		if !s.TopLevel {
			c.Nested += s.Calls
			continue // its time is in the statement that ran it
		}
		c.Statements += s.Calls
		c.ExecTime += s.Exec
		if len(c.Top) < 12 {
			c.Top = append(c.Top, s)
		}
	}
	return c
}

// Where is c as Markdown for n messages: statements and transactions
// per message, the most frequent statements, and the sampled waits.
func (c PGCost) Where(n int) string {
	var b strings.Builder
	per := func(x int64) float64 { return float64(x) / float64(n) }
	fmt.Fprintf(&b, "%.2f statements (and %.2f run inside them: foreign key checks) and %.2f transactions per message; "+
		"server execution %.1f µs per message; server CPU %.1f µs per message.\n\n", per(c.Statements), per(c.Nested), per(c.Xacts),
		float64(c.ExecTime.Microseconds())/float64(n), float64(c.CPU.Microseconds())/float64(n))
	b.WriteString("| statement | calls per message | mean execution |\n|---|---:|---:|\n")
	for _, s := range c.Top {
		q := s.Query
		if len(q) > 90 {
			q = q[:90] + "…"
		}
		fmt.Fprintf(&b, "| `%s` | %.3f | %.1f µs |\n", strings.ReplaceAll(q, "|", "\\|"), per(s.Calls),
			float64(s.Exec.Nanoseconds())/1e3/float64(max(s.Calls, 1)))
	}
	fmt.Fprintf(&b, "\npg_stat_activity sampled every %v, %d times: a backend waited for a lock in %d samples (%.1f%%); "+
		"the write lock was held in %d (%.1f%%). Non-idle backends seen:", sampleEvery, c.Samples,
		c.LockWait, pct(c.LockWait, c.Samples), c.WriteLock, pct(c.WriteLock, c.Samples))
	for _, k := range sortedByCount(c.Waits) {
		fmt.Fprintf(&b, " %s ×%d;", k, c.Waits[k])
	}
	b.WriteString("\n")
	return b.String()
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && m[keys[j]] > m[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// ProcTreeCPU is the CPU time (user + system) of process pid, of its
// children that ended (reaped), and of its living children: for the
// PostgreSQL postmaster, the whole server's.
func ProcTreeCPU(pid int) time.Duration {
	own, reaped, _ := procStat(pid)
	total := own + reaped
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if o, r, ppid := procStat(child); ppid == pid {
			total += o + r
		}
	}
	return total
}

func procOwnCPU(pid int) time.Duration {
	own, _, _ := procStat(pid)
	return own
}

// procStat reads utime+stime, cutime+cstime and the parent of pid from
// /proc/PID/stat; zeros when it is gone.
func procStat(pid int) (own, reaped time.Duration, ppid int) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0
	}
	i := strings.LastIndexByte(string(data), ')') // the name may hold spaces
	if i < 0 {
		return 0, 0, 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 15 {
		return 0, 0, 0
	}
	tick := func(s string) time.Duration {
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Duration(n) * time.Second / 100 // USER_HZ
	}
	ppid, _ = strconv.Atoi(f[1])
	return tick(f[11]) + tick(f[12]), tick(f[13]) + tick(f[14]), ppid
}

// VmHWM is the peak resident set size of a living process, in kB, from
// /proc/PID/status; 0 when it cannot be read.
func VmHWM(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

// Package inboxbench holds the inbox benchmarks (docs/BENCHMARKS.md): a
// 10,000-message backlog triaged by herald and by imapfilter, and the
// latency of acknowledgements. They drive the real binary against Debian's
// Dovecot and Postfix's smtp-sink, take minutes, and run only with
// HERALD_BENCH=1 (bench/inbox/run.sh); otherwise only the fast corpus
// checks run.
package inboxbench

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/mattn/go-sqlite3" // reads herald's database to check the outcome

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

const (
	heraldUser = "decorte@un.org"
	filterUser = "filter@un.org"
	password   = "Habitat2017"
	// corpusSeed fixes the corpus: every run, every machine, same mail.
	corpusSeed = 20171116
)

var (
	heraldBin string
	// srcDesc names that tree in the results.
	srcDesc string
)

func TestMain(m *testing.M) {
	if !benchkit.Enabled() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "herald-bench")
	if err != nil {
		panic(err)
	}
	if err := buildHerald(dir); err != nil {
		fmt.Fprintln(os.Stderr, "build herald:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildHerald builds cmd/herald from this tree into dir. HERALD_BENCH_DESC,
// when set (run.sh does, for a snapshot), names the tree in the results.
func buildHerald(dir string) error {
	repo := testconfig.RepoRoot()
	srcDesc = os.Getenv("HERALD_BENCH_DESC")
	if srcDesc == "" {
		commit, _ := exec.Command("git", "-C", repo, "rev-parse", "--short", "HEAD").Output()
		srcDesc = "commit " + strings.TrimSpace(string(commit))
		if st, _ := exec.Command("git", "-C", repo, "status", "--porcelain", "--", ".", ":!bench").Output(); len(st) > 0 {
			srcDesc += " plus the working tree's uncommitted changes"
		}
	}
	var err error
	heraldBin, err = benchkit.Build(repo, dir)
	return err
}

func needBench(t *testing.T) { benchkit.Need(t, "bench/inbox/run.sh") }

func envInt(t *testing.T, name string, def int) int { return benchkit.EnvInt(t, name, def) }

// benchConfig is a live (non-sandbox) config in dir for one account on
// Dovecot and smtp-sink, with the repository's templates and the shipped
// account settings (2 SMTP connections, 5/s) and triage rules.
func benchConfig(tb testing.TB, dir string, imapPort, smtpPort int, acknowledge bool) string {
	tb.Helper()
	triage, err := testconfig.ShippedTriage(acknowledge)
	if err != nil {
		tb.Fatal(err)
	}
	habitat := testconfig.Habitat{Address: heraldUser, Password: password, IMAPPort: imapPort, SMTPPort: smtpPort, Connections: 2, Rate: "5/s"}
	return testconfig.Head(filepath.Join(dir, "data", "herald.db"), testconfig.RepoTemplates(), false, cmp.Or(os.Getenv("HERALD_BENCH_LOG_LEVEL"), "info")) +
		"accounts:\n" + habitat.YAML() + "\n" + triage
}

// writeConfig writes benchConfig into dir and runs `herald check` on it.
func writeConfig(t *testing.T, dir string, imapPort, smtpPort int, acknowledge bool) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(benchConfig(t, dir, imapPort, smtpPort, acknowledge)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(heraldBin, "--config", path, "check").CombinedOutput()
	if err != nil {
		t.Fatalf("herald check: %v\n%s", err, out)
	}
	return path
}

// ---- a running `herald run` ----

// heraldProc is a `herald run` whose stderr (its log) is kept, each line
// with the time it arrived.
type heraldProc struct {
	cmd   *exec.Cmd
	start time.Time
	done  chan struct{}
	err   error

	mu    sync.Mutex
	lines []logLine
}

type logLine struct {
	at   time.Time
	text string
}

// startHerald starts `herald --config cfg run`; start is taken just
// before the process is started. The process is killed when the test ends.
func startHerald(t *testing.T, cfg string) *heraldProc {
	t.Helper()
	h := &heraldProc{cmd: exec.Command(heraldBin, "--config", cfg, "run"), done: make(chan struct{})}
	h.cmd.Stdout = io.Discard
	stderr, err := h.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	h.start = time.Now()
	if err := h.cmd.Start(); err != nil {
		t.Fatalf("start herald: %v", err)
	}
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			h.mu.Lock()
			h.lines = append(h.lines, logLine{time.Now(), sc.Text()})
			h.mu.Unlock()
		}
	}()
	go func() { <-logged; h.err = h.cmd.Wait(); close(h.done) }()
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		<-h.done
		if t.Failed() {
			t.Logf("herald log (last 60 lines):\n%s", h.tail(60))
		}
	})
	return h
}

// firstLine returns when the first log line containing s arrived.
func (h *heraldProc) firstLine(s string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.lines {
		if strings.Contains(l.text, s) {
			return l.at, true
		}
	}
	return time.Time{}, false
}

// count returns how many log lines contain s.
func (h *heraldProc) count(s string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, l := range h.lines {
		if strings.Contains(l.text, s) {
			n++
		}
	}
	return n
}

// grep returns the log lines that contain any of ss, each with its time.
func (h *heraldProc) grep(ss ...string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, l := range h.lines {
		for _, s := range ss {
			if strings.Contains(l.text, s) {
				b.WriteString(l.at.Format("15:04:05.000") + " " + l.text + "\n")
				break
			}
		}
	}
	return b.String()
}

func (h *heraldProc) tail(n int) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, l := range h.lines[max(0, len(h.lines)-n):] {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}

// waitLine waits up to d for a log line containing s.
func (h *heraldProc) waitLine(t *testing.T, s string, d time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		if at, ok := h.firstLine(s); ok {
			return at
		}
		select {
		case <-h.done:
			t.Fatalf("herald exited (%v) before logging %q", h.err, s)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("herald logged no %q within %v", s, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and requires exit 0 within 15 s; it returns the
// process's CPU time (user + system).
func (h *heraldProc) stop(t *testing.T) time.Duration {
	t.Helper()
	h.cmd.Process.Signal(os.Interrupt)
	select {
	case <-h.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("herald still running 15 s after SIGINT")
	}
	if h.err != nil {
		t.Errorf("herald after SIGINT: %v, want exit 0", h.err)
	}
	return h.cmd.ProcessState.UserTime() + h.cmd.ProcessState.SystemTime()
}

// ---- Dovecot ----

// freshInbox starts a Dovecot whose herald user's INBOX holds msgs (UIDs
// 1..n in order) and returns it with a logged-in client.
func freshInbox(t *testing.T, msgs []*benchMsg) (*realserver.Dovecot, *imapclient.Client) {
	t.Helper()
	dv := realserver.StartDovecot(t, map[string]string{heraldUser: password})
	populate(t, dv, heraldUser, msgs)
	return dv, login(t, dv, heraldUser)
}

// login connects to Dovecot as user; the connection closes with the test.
func login(t *testing.T, dv *realserver.Dovecot, user string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(dv.Addr, nil)
	if err != nil {
		t.Fatalf("DialInsecure(%s) = %v", dv.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatalf("Login(%s).Wait() = %v", user, err)
	}
	return c
}

// messages returns STATUS MESSAGES of mailbox.
func messages(c *imapclient.Client, mailbox string) (uint32, error) {
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return 0, fmt.Errorf("Status(%s).Wait() = %w", mailbox, err)
	}
	return *st.NumMessages, nil
}

// populate writes msgs straight into user's Maildir (cur/, with S= and W=
// in the names so Dovecot need not stat them) and has Dovecot index them
// with a SELECT, so that neither tool pays for the first indexing.
func populate(t *testing.T, dv *realserver.Dovecot, user string, msgs []*benchMsg) {
	t.Helper()
	start := time.Now()
	// The first login makes the home directory and the Maildir.
	c := login(t, dv, user)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("Select(INBOX).Wait() = %v", err)
	}
	if err := c.Unselect().Wait(); err != nil {
		t.Fatalf("Unselect().Wait() = %v", err)
	}
	cur := filepath.Join(dv.Maildir(user), "cur")
	uid, gid := -1, -1
	if os.Geteuid() == 0 {
		// Dovecot runs the mail processes as "dovecot" (realserver).
		u, err := systemUser("dovecot")
		if err != nil {
			t.Fatal(err)
		}
		uid, gid = u[0], u[1]
	}
	base := time.Date(2017, 10, 1, 0, 0, 0, 0, time.UTC)
	for i, m := range msgs {
		vsize := len(m.Raw) + strings.Count(string(m.Raw), "\n")
		name := fmt.Sprintf("%d.M%dP1.bench,S=%d,W=%d:2,", base.Unix()+int64(i), i, len(m.Raw), vsize)
		path := filepath.Join(cur, name)
		if err := os.WriteFile(path, m.Raw, 0o600); err != nil {
			t.Fatal(err)
		}
		at := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
		if uid >= 0 {
			if err := os.Chown(path, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("Select(INBOX).Wait() = %v", err)
	}
	n, err := messages(c, "INBOX")
	if err != nil || int(n) != len(msgs) {
		t.Fatalf("INBOX of %s holds %d messages (%v), want %d", user, n, err, len(msgs))
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatalf("Logout().Wait() = %v", err)
	}
	t.Logf("populated %s with %d messages in %v", user, len(msgs), time.Since(start).Round(time.Millisecond))
}

// systemUser looks up a system user's uid and gid.
func systemUser(name string) ([2]int, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return [2]int{}, err
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return [2]int{uid, gid}, nil
}

// waitEmpty polls STATUS INBOX every interval until it is empty or limit
// passes; it returns when it first saw 0.
func waitEmpty(ctx context.Context, c *imapclient.Client, interval time.Duration) (time.Time, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		n, err := messages(c, "INBOX")
		if err != nil {
			return time.Time{}, err
		}
		if n == 0 {
			return time.Now(), nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, fmt.Errorf("INBOX still holds %d messages: %w", n, ctx.Err())
		case <-tick.C:
		}
	}
}

// checkFolders compares STATUS MESSAGES of each folder with want.
func checkFolders(t *testing.T, c *imapclient.Client, who string, want map[string]int) {
	t.Helper()
	for _, f := range slices.Sorted(maps.Keys(want)) {
		n, err := messages(c, f)
		if err != nil {
			t.Errorf("%s: %v", who, err)
			continue
		}
		if int(n) != want[f] {
			t.Errorf("%s: %s holds %d messages, want %d", who, f, n, want[f])
		}
	}
}

// ---- herald's database ----

// dbCounts reads, read-only, how many incoming messages herald recorded,
// how many enquiries it opened, and how many IMAP actions are not done.
func dbCounts(t *testing.T, path string) (msgs, enquiries, pending int) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.QueryRow(`SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),
		(SELECT count(*) FROM enquiries),
		(SELECT count(*) FROM actions WHERE state != 'done' AND kind IN ('flag', 'move'))`).Scan(&msgs, &enquiries, &pending)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return msgs, enquiries, pending
}

// ---- machine load ----

// cpuTotal returns the CPU time all processors spent busy (everything but
// idle and iowait) since boot, from /proc/stat.
func cpuTotal() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 || i == 7 { // idle, iowait, steal
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * time.Second / 100 // USER_HZ is 100 on Linux
}

// procCPU returns a process's own CPU time (utime + stime), that of its
// reaped children (cutime + cstime) and its parent, from /proc/PID/stat.
func procCPU(pid int) (own, reaped time.Duration, ppid int, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, false
	}
	// The command name, in parentheses, may hold spaces: count from ")".
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := strings.Fields(string(data[i+1:])) // state ppid ... utime(12th) stime cutime cstime
	if len(f) < 15 {
		return 0, 0, 0, false
	}
	tick := func(s string) time.Duration {
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Duration(n) * time.Second / 100 // USER_HZ
	}
	ppid, _ = strconv.Atoi(f[1])
	return tick(f[11]) + tick(f[12]), tick(f[13]) + tick(f[14]), ppid, true
}

// dovecotCPU returns the CPU time Dovecot has used so far: its master
// process (started by this test process, with dv.Dir in its command line),
// its children that exited, and its children still running (the imap
// processes of open sessions).
func dovecotCPU(dv *realserver.Dovecot) time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	master := 0
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if _, _, ppid, ok := procCPU(pid); ok {
			parent[pid] = ppid
			if ppid == os.Getpid() {
				if cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && strings.Contains(string(cmd), dv.Dir) {
					master = pid
				}
			}
		}
	}
	if master == 0 {
		return 0
	}
	own, reaped, _, _ := procCPU(master)
	total := own + reaped
	for pid, ppid := range parent {
		if ppid == master {
			own, reaped, _, _ := procCPU(pid)
			total += own + reaped
		}
	}
	return total
}

// selfCPU is this test process's own CPU time (not its children's).
func selfCPU() time.Duration {
	own, _, _, _ := procCPU(os.Getpid())
	return own
}

// ---- statistics ----

// median of xs (xs is not modified).
func median[T int | float64 | time.Duration](xs []T) T { return benchkit.Median(xs) }

// percentile is the nearest-rank percentile p (0-100) of xs.
func percentile(xs []time.Duration, p float64) time.Duration {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.SortFunc(s, cmp.Compare)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// machine describes where the benchmark ran, for the results table.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%d × %s, Linux %s", cpuCount(), model, strings.TrimSpace(string(kernel)))
}

func cpuCount() int {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	return strings.Count(string(data), "\nprocessor") + strings.Count(string(data[:min(len(data), 10)]), "processor")
}

// versions reports the versions of the tools compared.
func versions(dv *realserver.Dovecot) string {
	out, _ := exec.Command("imapfilter", "-V").CombinedOutput()
	filter, _, _ := strings.Cut(strings.TrimSpace(string(out)), "  ")
	filter, _, _ = strings.Cut(filter, "\n")
	hv, _ := exec.Command(heraldBin, "version").Output()
	return fmt.Sprintf("%s built from %s; %s; Dovecot %s", strings.TrimSpace(string(hv)), srcDesc, filter, dv.Version)
}

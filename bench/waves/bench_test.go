// Package wavesbench holds the waves benchmarks (docs/BENCHMARKS.md,
// "Waves"): `herald waves send` of 10,000 personalised ~5 KB messages into
// Postfix's smtp-sink against Postfix's own smtp-source with the same
// session counts, the peak memory of a 10,000- and a 100,000-contact wave,
// and the speed of `herald lists import` of 100,000 rows. They drive the
// real binary, take minutes, and run only with HERALD_BENCH=1
// (bench/waves/run.sh); `go test ./...` skips them at once.
package wavesbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/bench/internal/benchkit"
	"github.com/herald-mail/herald/daemon/testconfig"
)

var heraldBin string

func TestMain(m *testing.M) {
	if !benchkit.Enabled() {
		os.Exit(m.Run())
	}
	if bin := os.Getenv("HERALD_BENCH_BIN"); bin != "" {
		// A binary built elsewhere, e.g. from a patched copy of the tree.
		heraldBin = bin
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "herald-wavesbench")
	if err != nil {
		panic(err)
	}
	if heraldBin, err = benchkit.Build(testconfig.RepoRoot(), dir); err != nil {
		fmt.Fprintln(os.Stderr, "build herald:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needBench(t *testing.T) { benchkit.Need(t, "bench/waves/run.sh") }

func envInt(t *testing.T, name string, def int) int { return benchkit.EnvInt(t, name, def) }

// ---- smtp-sink, without a dump ----

// sink is a running smtp-sink that discards what it receives: the
// benchmarks measure the client, and dumping 100,000 files would measure
// the disk.
type sink struct {
	addr string
	port int
	cmd  *exec.Cmd
}

// startSink starts `smtp-sink 127.0.0.1:PORT 256` (as the postfix user
// when run as root, as daemon/realserver does) and stops it at cleanup.
func startSink(t *testing.T) *sink {
	t.Helper()
	bin, err := exec.LookPath("smtp-sink")
	if err != nil {
		bin = "/usr/sbin/smtp-sink"
	}
	port := freePort(t)
	s := &sink{addr: fmt.Sprintf("127.0.0.1:%d", port), port: port}
	s.cmd = exec.Command(bin, s.addr, "256")
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postfix")
		if err != nil {
			t.Fatalf("smtp-sink refuses to run as root and there is no postfix user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
	}
	var out bytes.Buffer
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start smtp-sink (apt-get install postfix): %v", err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtp-sink not listening on %s: %v\n%s", s.addr, err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ---- herald: config, contacts, timed commands ----

// writeConfig writes a non-sandbox config into dir: one account sending
// through the sink with the given sessions and no rate limit to speak of
// (1,000,000/s: the benchmark measures herald, not its throttle), the
// bench templates, one list and one one-shot wave of the bench template.
func writeConfig(t *testing.T, dir string, smtpPort, sessions int) string {
	t.Helper()
	return writeConfigDB(t, dir, filepath.Join(dir, "herald.db"), smtpPort, sessions)
}

// writeConfigDB is writeConfig on the given database: a SQLite file or
// a postgres:// URL.
func writeConfigDB(t *testing.T, dir, database string, smtpPort, sessions int) string {
	t.Helper()
	head := testconfig.Head(database, filepath.Join(testconfig.RepoRoot(), "bench", "waves", "templates"), false, "warn")
	cfg := head + fmt.Sprintf(`accounts:
  - name: habitat
    address: decorte@un.org
    from_name: UN-Habitat focal point
    imap: {host: 127.0.0.1, port: 1, security: none, password: unused}
    smtp: {host: 127.0.0.1, port: %d, security: none, connections: %d, rate: 1000000/s}
triage:
  acknowledge: false
lists:
  - name: invitees
waves:
  - name: bench
    account: habitat
    list: invitees
    template: bench
    at: 2017-09-01T09:00:00+02:00
`, smtpPort, sessions)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	benchCities = []string{"Mechelen", "Kampala", "Montréal", "Barcelona", "Dakar", "Quito", "Amman", "Dhaka", "Lyon", "Medellín"}
	benchGiven  = []string{"Sarah", "Valérie", "José", "Amina", "Thomas", "Hélène", "Ángela", "Grace", "Jérôme", "Lucía"}
	benchFamily = []string{"Okello", "Lefèvre", "Muñoz", "Diallo", "Smith", "Côté", "Peña", "Mensah", "Moreau", "Ibáñez"}
)

// writeCSV writes n distinct contacts with every docs/BEHAVIOUR.md §9 column and one
// custom field, as an organiser's export would.
func writeCSV(t *testing.T, path string, n int) {
	t.Helper()
	var b bytes.Buffer
	b.Grow(n * 140)
	b.WriteString("email,name,language,organisation,title,city,country,delegation\n")
	for i := 0; i < n; i++ {
		city := benchCities[i%len(benchCities)]
		fmt.Fprintf(&b, "mayor.%06d@city%03d.example,%s %s,en,City of %s,Mayor,%s,BE,D-%05d\n",
			i, i%997, benchGiven[i%10], benchFamily[i/10%10], city, city, i%20000)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// measured is one timed command: wall time from start to exit, and what
// GNU time(1) -v reports.
type measured struct {
	Wall     time.Duration
	MaxRSSKB int
	UserSys  time.Duration
}

var (
	rssRE  = regexp.MustCompile(`Maximum resident set size \(kbytes\): (\d+)`)
	userRE = regexp.MustCompile(`User time \(seconds\): ([\d.]+)`)
	sysRE  = regexp.MustCompile(`System time \(seconds\): ([\d.]+)`)
)

// timed runs name args under /usr/bin/time -v (apt-get install time)
// and requires exit status 0.
func timed(t *testing.T, name string, args ...string) (measured, string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/time", append([]string{"-v", name}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	m := measured{Wall: time.Since(start)}
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), tail(errOut.String(), 3000))
	}
	if s := rssRE.FindStringSubmatch(errOut.String()); s != nil {
		m.MaxRSSKB, _ = strconv.Atoi(s[1])
	} else {
		t.Fatalf("no maximum RSS from /usr/bin/time -v (apt-get install time):\n%s", tail(errOut.String(), 2000))
	}
	for _, re := range []*regexp.Regexp{userRE, sysRE} {
		if s := re.FindStringSubmatch(errOut.String()); s != nil {
			f, _ := strconv.ParseFloat(s[1], 64)
			m.UserSys += time.Duration(f * float64(time.Second))
		}
	}
	return m, out.String()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// importList runs `herald lists import invitees FILE` and checks every
// row was added.
func importList(t *testing.T, cfg, csv string, n int) measured {
	t.Helper()
	m, out := timed(t, heraldBin, "--config", cfg, "lists", "import", "invitees", csv, "--json")
	var rep struct{ Added int }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Added != n {
		t.Fatalf("lists import: %v, added %d of %d\n%s", err, rep.Added, n, tail(out, 2000))
	}
	return m
}

// sendWave runs `herald waves send bench` and checks all n were sent.
func sendWave(t *testing.T, cfg string, n int) measured {
	t.Helper()
	m, out := timed(t, heraldBin, "--config", cfg, "waves", "send", "bench")
	if want := fmt.Sprintf("bench: done; sent %d, failed 0", n); !strings.Contains(out, want) {
		t.Fatalf("waves send printed %q, want %q", out, want)
	}
	return m
}

// loadavg is the 1-minute load average, logged with each run: the
// benchmark machine is shared.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func median[T int | float64 | time.Duration](xs []T) T { return benchkit.Median(xs) }

// report appends Markdown to HERALD_BENCH_OUT when set, and logs it.
func report(t *testing.T, md string) {
	t.Helper()
	t.Log("\n" + md)
	benchkit.Out(t, md+"\n")
}

// messageSize renders the wave for one contact with `waves preview`.
func messageSize(t *testing.T, cfg, email string) int {
	t.Helper()
	out, err := exec.Command(heraldBin, "--config", cfg, "waves", "preview", "bench", "--contact", email).Output()
	if err != nil {
		t.Fatalf("waves preview: %v", err)
	}
	return len(out)
}

package main

// Operators stop, reload and start herald by accident or on purpose; none
// of it may send anything twice or switch anything off (issue 11). These
// tests run the real binary against Dovecot and a slow SMTP server.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/realserver"
)

// TestStopAndReloadMidWaveSendNothingTwice sends a wave through an SMTP
// server that takes a second to answer each end of data, so that every
// session has a message in flight at any moment. Mid-wave the daemon is
// reloaded with a changed wave (its scheduler is rebuilt; the account,
// unchanged, keeps its IMAP session), then stopped with SIGTERM,
// restarted, stopped again and restarted until the wave is done. Each
// stop lets the transactions in flight finish and records them, so no
// contact gets the wave twice and none is a possible duplicate.
//
// The server is go-smtp in this process, which answers in order and keeps
// pipelining on; smtp-sink's delay (-W) answers the commands pipelined
// after a delayed one first (RFC 2920 §3.1 forbids it), which herald
// detects and then sends one command at a time:
// TestStopAndReloadMidWaveSMTPSink runs the same story against it.
func TestStopAndReloadMidWaveSendNothingTwice(t *testing.T) {
	t.Parallel()
	const contacts, connections = 48, 4
	dv := realserver.StartDovecot(t, map[string]string{"decorte@un.org": "Habitat2017"})
	srv := startSlowSMTP(t, time.Second)
	dir := t.TempDir()
	wave := func(maxTries int) string {
		return `  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
    max_tries: ` + strconv.Itoa(maxTries)
	}
	wc := waveConfig{SMTPPort: srv.port, IMAPPort: dv.Port, Connections: connections, Rate: "100/s", Waves: wave(10)}
	cfg := writeWaveConfig(t, dir, wc)
	cs := waveContacts(contacts)
	importContacts(t, cfg, cs)
	logins := func() int { return strings.Count(dv.Log(), "Login: user=<decorte@un.org>") }

	run1 := startLiveHerald(t, "herald run 1", cfg)
	srv.waitStarted(t, 6)
	// The watcher and the answered scan have logged in by now; nothing
	// else of this account logs in on its own within the test.
	waitUntil(t, 10*time.Second, "two IMAP logins", func() bool { return logins() >= 2 })
	before := logins()
	wc.Waves = wave(9)
	writeWaveConfig(t, dir, wc)
	run1.cmd.Process.Signal(syscall.SIGHUP)
	waitUntil(t, 10*time.Second, "the reload", func() bool { return strings.Contains(run1.stderr.String(), "reloaded") })
	// A mail dropped into the Maildir after the reload is read by
	// whichever session watches the INBOX now: a watcher the reload had
	// replaced would have logged in again before it could see it. So once
	// herald has recorded it, the login count says whether the session
	// survived; no wait for a reconnect that might come late.
	dropInMaildir(t, dv, "decorte@un.org", "From: ooo@city.example\r\nTo: decorte@un.org\r\n"+
		"Subject: Automatic reply: away\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <after-reload@city.example>\r\n\r\nAway.\r\n")
	db := openHeraldDB(t, cfg)
	waitUntil(t, 20*time.Second, "mail after the reload recorded", func() bool {
		var n int
		db.QueryRow(`SELECT count(*) FROM messages WHERE message_id = 'after-reload@city.example'`).Scan(&n)
		return n == 1
	})
	if n := logins(); n != before {
		t.Errorf("Dovecot logins went from %d to %d over a reload that left the account unchanged; want no new session", before, n)
	}
	srv.waitStarted(t, 16)
	stopMidWave(t, run1, cfg)

	run2 := startLiveHerald(t, "herald run 2", cfg)
	srv.waitStarted(t, 28)
	stopMidWave(t, run2, cfg)

	run3 := startLiveHerald(t, "herald run 3", cfg)
	waitUntil(t, 60*time.Second, "the wave done", func() bool {
		s := waveList(t, cfg, "invitation")
		return s.State == "done" && s.Pending == 0
	})
	// A reload that changes the account's imap section does reconnect:
	// the login count above would have seen one.
	before = logins()
	os.WriteFile(cfg, []byte(strings.Replace(readFile(t, cfg), "password: Habitat2017}", "password: Habitat2017, poll: 61s}", 1)), 0o600)
	run3.cmd.Process.Signal(syscall.SIGHUP)
	waitUntil(t, 10*time.Second, "a new IMAP session after an imap change", func() bool { return logins() > before })
	run3.stop(t)

	end := waveList(t, cfg, "invitation")
	if end.Sent != contacts || end.Uncertain != 0 || end.Failed != 0 {
		t.Errorf("waves --json at the end: %s; want %d sent, none uncertain", end.counts(), contacts)
	}
	got := srv.accepted()
	total := 0
	for _, c := range cs {
		n := got[strings.ToLower(c.Email)]
		total += n
		if n != 1 {
			t.Errorf("%s got the wave %d times, want once", c.Email, n)
		}
	}
	if total != contacts || len(got) != contacts {
		t.Errorf("the server accepted %d messages for %d recipients, want %d", total, len(got), contacts)
	}
	for _, h := range []*liveHerald{run1, run2, run3} {
		if strings.Contains(h.stderr.String(), "may be duplicates") {
			t.Errorf("%s recovered rows left in flight:\n%s", h.name, tail(h.stderr.String(), 3000))
		}
	}
}

// slowSMTP is an SMTP server (go-smtp, with PIPELINING) that holds its
// answer to every end of data for delay, and counts what it accepted.
type slowSMTP struct {
	port  int
	delay time.Duration

	mu      sync.Mutex
	started int            // MAIL commands
	got     map[string]int // recipient → messages accepted
}

func startSlowSMTP(t *testing.T, delay time.Duration) *slowSMTP {
	t.Helper()
	s := &slowSMTP{delay: delay, got: map[string]int{}}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &slowSession{s: s}, nil
	}))
	srv.Domain = "slow.test"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// waitStarted waits until n transactions have begun.
func (s *slowSMTP) waitStarted(t *testing.T, n int) {
	t.Helper()
	waitUntil(t, 60*time.Second, strconv.Itoa(n)+" transactions", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.started >= n
	})
}

// accepted is how many messages each recipient (lowercased) got.
func (s *slowSMTP) accepted() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]int, len(s.got))
	for k, v := range s.got {
		m[k] = v
	}
	return m
}

type slowSession struct {
	s  *slowSMTP
	to string
}

func (ss *slowSession) Reset()        { ss.to = "" }
func (ss *slowSession) Logout() error { return nil }

func (ss *slowSession) Mail(string, *gosmtp.MailOptions) error {
	ss.s.mu.Lock()
	ss.s.started++
	ss.s.mu.Unlock()
	return nil
}

func (ss *slowSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	ss.to = strings.ToLower(to)
	return nil
}

// Data takes the message, as a server does once it has the end of data,
// then holds the answer: a client that gives up meanwhile does not know
// the message was delivered.
func (ss *slowSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.got[ss.to]++
	ss.s.mu.Unlock()
	time.Sleep(ss.s.delay)
	return nil
}

// stopMidWave sends SIGTERM while the wave is under way and requires a
// clean exit within 10 s (the messages in flight take a second each) and
// no row left 'sending'.
func stopMidWave(t *testing.T, h *liveHerald, cfg string) {
	t.Helper()
	if s := waveList(t, cfg, "invitation"); s.State == "done" {
		t.Fatalf("%s: the wave finished before the stop: %s", h.name, s.counts())
	}
	h.stop(t)
	var sending int
	if err := openHeraldDB(t, cfg).QueryRow(`SELECT count(*) FROM deliveries WHERE state = 'sending'`).Scan(&sending); err != nil {
		t.Fatal(err)
	}
	if sending != 0 {
		t.Errorf("%s left %d rows 'sending' after SIGTERM, want 0", h.name, sending)
	}
	if !strings.Contains(h.stderr.String(), "stopping") {
		t.Errorf("%s did not log its stop", h.name)
	}
}

// dropInMaildir delivers raw into account's INBOX as a local delivery
// agent would (tmp/, then a rename into new/), with no IMAP login of its
// own. As root, the file goes to the user Dovecot reads mail as.
func dropInMaildir(t *testing.T, dv *realserver.Dovecot, account, raw string) {
	t.Helper()
	dir := dv.Maildir(account)
	name := fmt.Sprintf("%d.M%dP%d.e2e", time.Now().Unix(), time.Now().Nanosecond(), os.Getpid())
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("dovecot")
		if err != nil {
			t.Fatal(err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(tmp, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		t.Fatal(err)
	}
}

// waitUntil polls cond every 50 ms until it holds, or fails the test.
func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSecondDaemonRefused: a second `herald run` on the same database
// exits at once with a message naming the first, and touches nothing:
// the first daemon's sandbox still takes `sandbox inject`, and the CLI
// works alongside it.
func TestSecondDaemonRefused(t *testing.T) {
	t.Parallel()
	cfg := sandboxConfig(t)
	d := startDaemon(t, cfg)
	_, errOut, code := herald(t, "--config", cfg, "run")
	if code != 1 {
		t.Errorf("second herald run: exit %d, want 1\n%s", code, errOut)
	}
	want := "another herald (pid " + strconv.Itoa(d.cmd.Process.Pid) + ") is running on "
	if !strings.Contains(errOut, want) || !strings.Contains(errOut, "herald.db") {
		t.Errorf("second herald run said %q, want %q and the database", errOut, want)
	}
	if out, errOut, code := herald(t, "--config", cfg, "sandbox", "inject", "--from", "maire@dakar.example",
		"--to", "decorte@un.org", "--subject", "Visa letter", "--body-file", "/dev/null"); code != 0 {
		t.Errorf("sandbox inject after the refused start: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := herald(t, "--config", cfg, "waves"); code != 0 {
		t.Errorf("waves while the daemon runs: exit %d\n%s", code, errOut)
	}
	d.stop(t, syscall.SIGTERM)
	// Once the first is gone, a new daemon starts.
	startDaemon(t, cfg).stop(t, syscall.SIGTERM)
}

// TestReloadKeepsTokenOnPublicAddress: the dashboard bound to every
// interface with a token; a reload whose config moves it to loopback and
// drops the token is refused (a reload does not rebind), and the token is
// still required.
func TestReloadKeepsTokenOnPublicAddress(t *testing.T) {
	t.Parallel()
	cfg := sandboxConfig(t)
	loopback := `http: {listen: "127.0.0.1:0"}`
	orig := readFile(t, cfg)
	os.WriteFile(cfg, []byte(strings.Replace(orig, loopback, `http: {listen: "0.0.0.0:0", token: s3cret}`, 1)), 0o600)
	d := startDaemon(t, cfg)
	_, port, err := net.SplitHostPort(d.addrs["dashboard"])
	if err != nil {
		t.Fatal(err)
	}
	metrics := "http://127.0.0.1:" + port + "/metrics"
	os.WriteFile(cfg, []byte(orig), 0o600) // listen 127.0.0.1, no token
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitUntil(t, 10*time.Second, "the refused reload", func() bool {
		return strings.Contains(d.stderr.String(), "keeping the running config")
	})
	if !strings.Contains(d.stderr.String(), "http.token") {
		t.Errorf("the refused reload does not name http.token:\n%s", d.stderr.String())
	}
	resp, err := http.Get(metrics)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /metrics without the token after the reload = %d, want 401", resp.StatusCode)
	}
	d.stop(t, syscall.SIGTERM)
}

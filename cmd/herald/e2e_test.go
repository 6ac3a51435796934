package main

// End-to-end tests: they build the real binary and drive it as a user
// would, through its command line, its signals and its sandbox servers.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/testconfig"
)

var heraldBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "herald-e2e")
	if err != nil {
		panic(err)
	}
	heraldBin = filepath.Join(dir, "herald")
	build := exec.Command("go", "build", "-o", heraldBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build herald:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sandboxConfig writes a sandbox config into a temp dir, using the
// repository's shipped templates.
func sandboxConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	return writeConfig(t, dir, configHead(dir, testconfig.RepoTemplates(), true)+`accounts:
  - name: habitat
    address: decorte@un.org
    aliases: [gccm@un.org]
  - name: iom
    address: ipopp@iom.int
`, false)
}

// herald runs one CLI command to completion.
func herald(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(heraldBin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

// daemon is a running `herald run`.
type daemon struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	addrs  map[string]string // dashboard, sandbox IMAP, sandbox SMTP
	exited chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var bannerLine = regexp.MustCompile(`^\s+(dashboard|sandbox IMAP|sandbox SMTP)\s+(?:http://)?(\S+)`)

func startDaemon(t *testing.T, config string) *daemon {
	t.Helper()
	d := &daemon{cmd: exec.Command(heraldBin, "--config", config, "run"), stderr: &syncBuffer{}, addrs: map[string]string{}, exited: make(chan error, 1)}
	d.cmd.Stderr = d.stderr
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := bannerLine.FindStringSubmatch(sc.Text()); m != nil {
				d.addrs[m[1]] = m[2]
				if m[1] == "sandbox SMTP" {
					close(ready)
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { d.exited <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("daemon stderr:\n%s", d.stderr.String())
		}
	})
	select {
	case <-ready:
	case err := <-d.exited:
		t.Fatalf("herald run exited at start: %v\n%s", err, d.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("herald run printed no banner in 30 s\n%s", d.stderr.String())
	}
	return d
}

// stop sends sig and requires a clean exit (status 0) within 10 s.
func (d *daemon) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	start := time.Now()
	d.cmd.Process.Signal(sig)
	select {
	case err := <-d.exited:
		if err != nil {
			t.Fatalf("herald run after %v: %v, want exit 0", sig, err)
		}
		t.Logf("stopped on %v in %v", sig, time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatalf("herald run still running 10 s after %v", sig)
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitHealthy(t *testing.T, dashboard string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + dashboard + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not 200 within 10 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// inboxSubjects logs in to the sandbox IMAP server as an account and lists
// the subjects in its INBOX.
func inboxSubjects(t *testing.T, addr, user string) []string {
	return folderSubjects(t, addr, user, "INBOX")
}

// folderSubjects lists the subjects in one folder of a sandbox account;
// a folder herald has not created yet holds none.
func folderSubjects(t *testing.T, addr, user, folder string) []string {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatalf("DialInsecure(%s) = %v", addr, err)
	}
	defer c.Close()
	if err := c.Login(user, "sandbox").Wait(); err != nil {
		t.Fatalf("Login(%s).Wait() = %v", user, err)
	}
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Code == imap.ResponseCodeNonExistent {
			return nil
		}
		t.Fatalf("Select(%s).Wait() = %v", folder, err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1, 2, 3, 4, 5), &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil {
		t.Fatalf("Fetch().Collect() = %v", err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Envelope.Subject)
	}
	return subjects
}

// TestSandboxTour is the README's five-minute tour, run for real.
func TestSandboxTour(t *testing.T) {
	t.Parallel()
	cfg := sandboxConfig(t)
	d := startDaemon(t, cfg)
	waitHealthy(t, d.addrs["dashboard"])

	out, errOut, code := herald(t, "--config", cfg, "sandbox", "inject",
		"--from", "amina.diallo@dakar.example", "--to", "decorte@un.org", "--subject", "Demande de lettre d'invitation pour le visa")
	if code != 0 {
		t.Fatalf("sandbox inject: exit %d\n%s%s", code, out, errOut)
	}
	// The watcher files it (this config has no rules: the default folder)
	// and acknowledges it.
	waitFor(t, 20*time.Second, func() bool {
		got := folderSubjects(t, d.addrs["sandbox IMAP"], "decorte@un.org", "Triage/General")
		return len(got) == 1 && got[0] == "Demande de lettre d'invitation pour le visa"
	})
	// Mail to anyone who is not an account is captured, never sent.
	msg := "From: decorte@un.org\r\nTo: mayor@kampala.example\r\nSubject: Invitation\r\nMessage-ID: <inv-1@un.org>\r\n\r\nDear Mayor,\r\n"
	if err := smtp.SendMail(d.addrs["sandbox SMTP"], nil, "decorte@un.org", []string{"mayor@kampala.example"}, []byte(msg)); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	var outbox []struct {
		From, Subject string
		To            []string
		MessageID     string    `json:"message_id"`
		ReceivedAt    time.Time `json:"received_at"`
	}
	waitFor(t, 20*time.Second, func() bool {
		out, errOut, code := herald(t, "--config", cfg, "sandbox", "outbox", "--json")
		if code != 0 {
			t.Fatalf("sandbox outbox --json: exit %d\n%s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &outbox); err != nil {
			t.Fatalf("outbox JSON: %v\n%s", err, out)
		}
		return len(outbox) >= 2
	})
	var invitation, ack int
	for _, m := range outbox {
		switch {
		case m.To[0] == "mayor@kampala.example" && m.Subject == "Invitation" && !m.ReceivedAt.IsZero():
			invitation++
		case m.To[0] == "amina.diallo@dakar.example" && strings.HasPrefix(m.Subject, "[GCCM-0001] Re: "):
			ack++
		}
	}
	if len(outbox) != 2 || invitation != 1 || ack != 1 {
		t.Errorf("outbox = %+v", outbox)
	}
	d.stop(t, syscall.SIGTERM)
}

// TestReloadKeepsOldConfigOnError sends SIGHUP with a broken config: the
// daemon reports it, keeps running, and still stops cleanly on SIGINT.
func TestReloadKeepsOldConfigOnError(t *testing.T) {
	t.Parallel()
	cfg := sandboxConfig(t)
	d := startDaemon(t, cfg)
	good, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(good, []byte("bogus_key: 1\n")...), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(d.stderr.String(), "keeping the running config") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload error logged:\n%s", d.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(d.stderr.String(), "bogus_key") {
		t.Errorf("reload error does not name the bad key:\n%s", d.stderr.String())
	}
	waitHealthy(t, d.addrs["dashboard"])
	os.WriteFile(cfg, good, 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	for !strings.Contains(d.stderr.String(), "reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("good config not reloaded:\n%s", d.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.stop(t, syscall.SIGINT)
}

func TestShippedConfigChecks(t *testing.T) {
	t.Parallel()
	out, errOut, code := herald(t, "--config", "../../config.yaml", "check")
	if code != 0 {
		t.Fatalf("check on the shipped config.yaml: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCheckReportsEveryMistake: ten mistakes, ten located errors, exit 2.
func TestCheckReportsEveryMistake(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "templates", "ack.en.txt"), []byte("Subject: x\n\nbody\n"), 0o644)
	bad := `database: herald.db
timezone: Europe/Nowhere
sandbox: true
log: {level: loud}
http: {listen: "0.0.0.0:8025"}
event: {name: X, ref_prefix: gc-cm}
accounts:
  - name: habitat
    address: not-an-address
    smtp: {rate: 20/fortnight, security: ssl}
    imap: {poll: soon}
triage:
  rules:
    - name: visa
      match: {subject: '(unclosed'}
      colour: red
waves:
  - name: invitation
    account: nobody
    list: mayors
    template: invitation
    cron: "61 9 * * MON"
`
	path := filepath.Join(dir, "config.yaml")
	os.WriteFile(path, []byte(bad), 0o600)
	_, errOut, code := herald(t, "--config", path, "check")
	if code != 2 {
		t.Fatalf("check exit = %d, want 2\n%s", code, errOut)
	}
	located := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + `:\d+: `)
	if n := len(located.FindAllString(errOut, -1)); n < 10 {
		t.Errorf("located errors = %d, want at least 10:\n%s", n, errOut)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	for _, c := range [][]string{{"run"}, {"check"}, {"version"}, {"sandbox", "inject"}, {"sandbox", "outbox"},
		{"enquiries"}, {"enquiries", "show"}, {"enquiries", "close"}} {
		out, errOut, code := herald(t, append(c, "--help")...)
		if code != 0 || !strings.HasPrefix(out, "usage: herald "+strings.Join(c, " ")) {
			t.Errorf("%v --help: exit %d\n%s%s", c, code, out, errOut)
		}
	}
	if _, _, code := herald(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if _, _, code := herald(t, "version", "--bogus"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	out, _, code := herald(t, "version", "--json")
	var v struct{ Version, GoVersion string }
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.Version == "" {
		t.Errorf("version --json: exit %d %q", code, out)
	}
}

// TestSandboxEnquiryAcknowledged is the focal point's loop in the sandbox:
// an enquiry written in French is filed by the visa rule, gets one
// acknowledgement in French with its reference, and shows in the queue.
func TestSandboxEnquiryAcknowledged(t *testing.T) {
	t.Parallel()
	cfg := sandboxConfig(t)
	raw, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(raw, []byte(`triage:
  rules:
    - name: visa
      match: {subject: '(?i)\bvisas?\b'}
      category: visa
      folder: Triage/Visa
      ack_template: ack-visa
  default: {category: general, folder: Triage/General}
`)...), 0o600)
	d := startDaemon(t, cfg)
	body := filepath.Join(t.TempDir(), "body.txt")
	os.WriteFile(body, []byte("Bonjour,\n\nPourriez-vous m'envoyer une lettre d'invitation pour ma demande de visa ? Je vous remercie.\n\nAmina Diallo\n"), 0o600)
	if out, errOut, code := herald(t, "--config", cfg, "sandbox", "inject", "--from", "amina.diallo@dakar.example",
		"--to", "decorte@un.org", "--subject", "Demande de visa", "--body-file", body); code != 0 {
		t.Fatalf("inject: exit %d\n%s%s", code, out, errOut)
	}
	var queue []struct {
		Ref, Status, Category, Subject string
		AcknowledgedAt                 *time.Time `json:"acknowledged_at"`
		ThreadSize                     int        `json:"thread_size"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, errOut, code := herald(t, "--config", cfg, "enquiries", "--json")
		if code != 0 {
			t.Fatalf("enquiries --json: exit %d\n%s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &queue); err != nil {
			t.Fatalf("enquiries JSON: %v\n%s", err, out)
		}
		if len(queue) == 1 && queue[0].Status == "acknowledged" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no acknowledged enquiry within 20 s: %s\n%s", out, d.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	q := queue[0]
	if q.Ref != "GCCM-0001" || q.Category != "visa" || q.AcknowledgedAt == nil || q.ThreadSize != 2 {
		t.Errorf("enquiry = %+v", q)
	}
	out, _, _ := herald(t, "--config", cfg, "sandbox", "outbox", "--json")
	var outbox []struct {
		To      []string
		Subject string
	}
	json.Unmarshal([]byte(out), &outbox)
	if len(outbox) != 1 || outbox[0].To[0] != "amina.diallo@dakar.example" || outbox[0].Subject != "[GCCM-0001] Re: Demande de visa" {
		t.Fatalf("outbox = %+v", outbox)
	}
	// Filed out of the INBOX into the rule's folder.
	if got := inboxSubjects(t, d.addrs["sandbox IMAP"], "decorte@un.org"); len(got) != 0 {
		t.Errorf("INBOX still holds %q", got)
	}
	out, _, code := herald(t, "--config", cfg, "enquiries", "show", "GCCM-0001", "--json")
	var shown struct {
		Messages []struct{ Direction, Folder string }
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || code != 0 || len(shown.Messages) != 2 {
		t.Fatalf("enquiries show --json: exit %d %v\n%s", code, err, out)
	}
	if shown.Messages[0].Direction != "in" || shown.Messages[0].Folder != "Triage/Visa" || shown.Messages[1].Direction != "out" {
		t.Errorf("thread = %+v", shown.Messages)
	}
	if _, _, code := herald(t, "--config", cfg, "enquiries", "close", "GCCM-0001"); code != 0 {
		t.Errorf("enquiries close: exit %d", code)
	}
	d.stop(t, syscall.SIGTERM)
}

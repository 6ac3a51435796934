package realserver

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Postfix is a private, real Postfix MTA owned by one test: its own config,
// queue and data directories in a temp dir, smtpd on a free loopback port,
// relaying everything it does not route otherwise to Relayhost.
//
// Facts learnt by running Debian 12's Postfix 3.7 this way:
//   - master must start as root (it binds, then drops to mail_owner =
//     postfix), so StartPostfix skips the test when not root; under CI=true
//     too, since root is not something .ci/run can install.
//   - `postfix -c DIR check` creates the queue's subdirectories with the
//     right owners (post-install create-missing) even when Debian left
//     Postfix unconfigured ("No configuration": no /etc/postfix/main.cf);
//     data_directory must be given to postfix by hand.
//   - `postfix start-fg` runs `master -s`, which calls setsid: master then
//     escapes the test's process group and Pdeathsig. `master -c DIR -d`
//     stays in the foreground in the group startProcess made, of which it
//     is the leader, as master needs: on SIGTERM it signals its own process
//     group (-pid) to stop its children, and dies "kill process group: No
//     such process" when it is not the leader.
//   - maillog_file (Postfix >= 3.4; needs the postlog service in
//     master.cf) must start with one of maillog_file_prefixes, which
//     default to /var and /dev/stdout. Without it every error, even
//     postfix(1)'s own, goes to a syslog that a container may not have.
//   - master does not keep the Pdeathsig startProcess gives it (a test
//     binary killed with SIGKILL left master and its children running),
//     so a shell guards the process group: it reads a pipe only the test
//     binary holds open and kills the group when that pipe closes.
//   - a 5xx from the next hop bounces at once: no queue lifetime is
//     involved, and the DSN goes to the envelope sender through the same
//     queue (transport_maps can route it elsewhere, e.g. to a pipe(8)
//     transport running dovecot-lda).
type Postfix struct {
	// Addr is smtpd's listener, "127.0.0.1:port".
	Addr string
	// Host is always "127.0.0.1".
	Host string
	// Port is smtpd's port (no TLS, no AUTH: mynetworks is loopback).
	Port int
	// Dir holds config/, queue/, data/ and the maillog.
	Dir string
	// ConfigDir is the config directory ($config_directory in main.cf).
	ConfigDir string
	// Version is mail_version, e.g. "3.7.11".
	Version string

	queueDir string
	logPath  string
	proc     *process
	guard    *os.File // write end of the guard's pipe
}

// PostfixOptions configure StartPostfix.
type PostfixOptions struct {
	// Relayhost is where mail goes that transport_maps do not route, as
	// "127.0.0.1:port", typically a Sink's Addr. Required.
	Relayhost string
	// Main sets main.cf parameters over StartPostfix's defaults. In values,
	// $config_directory names the instance's ConfigDir: a map in Files
	// is "texthash:$config_directory/NAME" (texthash needs no postmap).
	Main map[string]string
	// Master adds master.cf lines, e.g. a pipe(8) transport.
	Master []string
	// Files are written into ConfigDir before the start: name → content.
	Files map[string]string
}

// postfixMaster is master.cf without the smtpd listener: Debian's
// services minus local delivery, the ones a relay never uses and the
// chroot (column 5 "n" everywhere: the queue is not where Debian's
// chroot expects it).
const postfixMaster = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`

// postfixMain returns the default main.cf parameters for an instance in
// dir relaying to relayhost ("host:port").
func postfixMain(dir, relayhost string) map[string]string {
	host, port, _ := net.SplitHostPort(relayhost)
	return map[string]string{
		"compatibility_level":   "3.6",
		"queue_directory":       filepath.Join(dir, "queue"),
		"data_directory":        filepath.Join(dir, "data"),
		"maillog_file":          filepath.Join(dir, "maillog"),
		"maillog_file_prefixes": dir,
		"mail_owner":            "postfix",
		"setgid_group":          "postdrop",
		"myhostname":            "relay.test",
		"myorigin":              "$myhostname",
		"inet_interfaces":       "127.0.0.1",
		"inet_protocols":        "ipv4",
		"mynetworks":            "127.0.0.0/8",
		"relayhost":             "[" + host + "]:" + port,
		// No local delivery: nothing is final here but a transport_maps entry.
		"mydestination":        "",
		"local_recipient_maps": "",
		"alias_maps":           "",
		"alias_database":       "",
		"local_transport":      "error:5.1.1 no local delivery on this test relay",
		"biff":                 "no",
		// Next hops are IP literals: no resolver needed.
		"smtp_dns_support_level": "disabled",
		// Deferred mail is retried within seconds, not minutes.
		"queue_run_delay":      "1s",
		"minimal_backoff_time": "1s",
		"maximal_backoff_time": "2s",
		"smtpd_banner":         "$myhostname ESMTP Postfix (herald test relay)",
	}
}

// StartPostfix starts a private Postfix (Debian's postfix package) and stops
// it when the test ends. On test failure its maillog is written to the
// test log.
func StartPostfix(t testing.TB, opts PostfixOptions) *Postfix {
	t.Helper()
	bin, err := findBinary("postfix", "/usr/sbin/postfix")
	if err != nil {
		missing(t, fmt.Sprintf("postfix not installed (apt-get install postfix): %v", err))
	}
	if os.Geteuid() != 0 {
		t.Skip("Postfix's master must start as root (it drops to the postfix user itself); run the test as root")
	}
	if _, _, err := net.SplitHostPort(opts.Relayhost); err != nil {
		t.Fatalf("StartPostfix: Relayhost %q: want host:port: %v", opts.Relayhost, err)
	}
	p := &Postfix{Host: "127.0.0.1", Dir: t.TempDir()}
	p.ConfigDir = filepath.Join(p.Dir, "config")
	p.queueDir = filepath.Join(p.Dir, "queue")
	p.logPath = filepath.Join(p.Dir, "maillog")
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("postfix %s maillog (%s):\n%s", p.Version, p.logPath, p.Log())
		}
	})
	master, err := p.prepare(bin, opts)
	if err != nil {
		t.Fatalf("StartPostfix: %v", err)
	}
	// The port is only reserved until master binds it: retry on a clash.
	for attempt := 1; ; attempt++ {
		if p.Port, err = freePort(); err != nil {
			t.Fatalf("StartPostfix: %v", err)
		}
		p.Addr = net.JoinHostPort(p.Host, strconv.Itoa(p.Port))
		if err := p.writeMaster(opts.Master); err != nil {
			t.Fatalf("StartPostfix: %v", err)
		}
		if p.proc, err = startProcess(nil, master, "-c", p.ConfigDir, "-d"); err != nil {
			t.Fatalf("StartPostfix: %v", err)
		}
		if p.guard, err = guardGroup(p.proc.cmd.Process.Pid); err != nil {
			p.Stop()
			t.Fatalf("StartPostfix: %v", err)
		}
		err = waitReady(p.proc, p.Addr, smtpGreeting)
		if err == nil {
			return p
		}
		p.Stop()
		if attempt == 3 || !strings.Contains(p.Log(), "in use") {
			t.Fatalf("StartPostfix %s (%s): %v\n%s", p.Version, p.ConfigDir, err, p.proc.output.String())
		}
	}
}

// prepare writes main.cf and the Files, makes the queue with `postfix
// check`, and returns the path of master.
func (p *Postfix) prepare(bin string, opts PostfixOptions) (string, error) {
	if err := openPath(p.Dir); err != nil {
		return "", err
	}
	owner, err := user.Lookup("postfix")
	if err != nil {
		return "", fmt.Errorf("system user postfix missing (reinstall postfix): %w", err)
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	data := filepath.Join(p.Dir, "data")
	for _, dir := range []string{p.ConfigDir, p.queueDir, data} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	if err := os.Chown(data, uid, gid); err != nil {
		return "", err
	}
	main := postfixMain(p.Dir, opts.Relayhost)
	for k, v := range opts.Main {
		main[k] = v
	}
	if err := writeMainCf(filepath.Join(p.ConfigDir, "main.cf"), main); err != nil {
		return "", err
	}
	for name, content := range opts.Files {
		if strings.ContainsRune(name, '/') {
			return "", fmt.Errorf("file %q: a name in the config directory, without '/'", name)
		}
		if err := os.WriteFile(filepath.Join(p.ConfigDir, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	if err := p.writeMaster(opts.Master); err != nil {
		return "", err
	}
	if p.Version, err = p.postconf("mail_version"); err != nil {
		return "", err
	}
	if !postfixAtLeast(p.Version, 3, 4) {
		return "", fmt.Errorf("postfix %s: maillog_file needs 3.4 or later", p.Version)
	}
	daemons, err := p.postconf("daemon_directory")
	if err != nil {
		return "", err
	}
	if out, err := exec.Command(bin, "-c", p.ConfigDir, "check").CombinedOutput(); err != nil {
		return "", fmt.Errorf("postfix -c %s check: %v\n%s%s", p.ConfigDir, err, out, p.Log())
	}
	return filepath.Join(daemons, "master"), nil
}

// postconf returns a parameter's value in this instance's config.
func (p *Postfix) postconf(name string) (string, error) {
	out, err := exec.Command("postconf", "-c", p.ConfigDir, "-h", name).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("postconf -c %s -h %s: %v: %s", p.ConfigDir, name, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

var postfixVersionRE = regexp.MustCompile(`^(\d+)\.(\d+)`)

func postfixAtLeast(version string, major, minor int) bool {
	m := postfixVersionRE.FindStringSubmatch(version)
	if m == nil {
		return false
	}
	ma, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	return ma > major || ma == major && mi >= minor
}

// writeMainCf writes the parameters sorted by name. A value may not hold a
// newline: main.cf continues a line with leading white space instead.
func writeMainCf(path string, params map[string]string) error {
	names := make([]string, 0, len(params))
	for k := range params {
		if strings.ContainsAny(k+params[k], "\r\n") {
			return fmt.Errorf("main.cf parameter %s: a newline in the name or value", k)
		}
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# written by herald's realserver for one test\n")
	for _, k := range names {
		fmt.Fprintf(&b, "%s = %s\n", k, params[k])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeMaster writes master.cf with smtpd on the current port.
func (p *Postfix) writeMaster(extra []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s inet n - n - - smtpd\n", net.JoinHostPort(p.Host, strconv.Itoa(p.Port)))
	b.WriteString(postfixMaster)
	for _, line := range extra {
		b.WriteString(line + "\n")
	}
	return os.WriteFile(filepath.Join(p.ConfigDir, "master.cf"), []byte(b.String()), 0o644)
}

// smtpGreeting accepts a connection whose first line is a 220 greeting.
func smtpGreeting(conn net.Conn) error {
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "220") {
		return fmt.Errorf("unexpected greeting %q", strings.TrimSpace(line))
	}
	_, _ = conn.Write([]byte("QUIT\r\n"))
	return nil
}

// Log returns the maillog and whatever master wrote to stdout and stderr.
func (p *Postfix) Log() string {
	var b strings.Builder
	if data, err := os.ReadFile(p.logPath); err == nil {
		b.Write(data)
	} else {
		fmt.Fprintf(&b, "(no maillog: %v)\n", err)
	}
	if p.proc != nil {
		if out := p.proc.output.String(); out != "" {
			b.WriteString("--- master stdout/stderr ---\n")
			b.WriteString(out)
		}
	}
	return b.String()
}

// Queued returns how many messages are in the queue: received and not yet
// delivered, bounced or expired.
func (p *Postfix) Queued() (int, error) {
	n := 0
	for _, q := range []string{"maildrop", "incoming", "active", "deferred", "hold"} {
		err := filepath.WalkDir(filepath.Join(p.queueDir, q), func(_ string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				n++
			}
			if os.IsNotExist(err) {
				return nil // moved on meanwhile
			}
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("postfix queue %s: %w", q, err)
		}
	}
	return n, nil
}

// WaitQueueEmpty polls until the queue is empty or ctx is done.
func (p *Postfix) WaitQueueEmpty(ctx context.Context) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := p.Queued()
		if err != nil || n == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postfix queue still holds %d messages: %w", n, ctx.Err())
		case <-tick.C:
		}
	}
}

// Stop shuts Postfix down (SIGTERM to master, which passes it to its
// children) and waits until none of its processes is left, so that the temp
// dir can go; it runs at test cleanup too, and calling it more than once is
// fine.
func (p *Postfix) Stop() {
	if p.proc == nil {
		return
	}
	pgid := p.proc.cmd.Process.Pid
	p.proc.stop()
	waitGroupGone(pgid, stopGrace)
	if p.guard != nil {
		// The group is gone: the guard may leave, killing nothing (its
		// number could be another group's by now).
		_, _ = p.guard.WriteString("stop\n")
		p.guard.Close()
		p.guard = nil
	}
}

// guardGroup starts a shell that kills process group pgid when the test
// binary dies, and returns the write end of the pipe it reads: writing
// "stop" and closing it dismisses the guard; the pipe closing any other
// way (the test binary's death closes it) has it kill the group. The pipe
// is close-on-exec, so no other child holds it open.
func guardGroup(pgid int) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", `read -r word; [ "$word" = stop ] || kill -9 -`+strconv.Itoa(pgid))
	cmd.Stdin = r
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start the guard of postfix's process group: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return w, nil
}

// waitGroupGone waits up to grace until no live process is left in process
// group pgid, then kills what is left. Children of a dead master go on
// for a moment (they stop at their next event), and a zombie counts as
// gone: in a container whose init does not reap, it would never go.
func waitGroupGone(pgid int, grace time.Duration) {
	deadline := time.Now().Add(grace)
	for groupAlive(pgid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// groupAlive reports whether a process of group pgid runs, from /proc
// (Linux). Elsewhere it reports false: there is nothing to wait for.
func groupAlive(pgid int) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range procs {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(data), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(data[i+1:]))
		if len(fields) >= 3 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

package realserver

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Dovecot is a running Dovecot IMAP server (plaintext, no TLS) owned by one test.
type Dovecot struct {
	// Addr is the IMAP listener, "127.0.0.1:port".
	Addr string
	// Host is always "127.0.0.1".
	Host string
	// Port is the IMAP port.
	Port int
	// Dir holds the config, the log, the users file and the Maildirs.
	Dir string
	// Version is the output of `dovecot --version`.
	Version string
	// Users maps each login to its password.
	Users map[string]string

	logPath string
	runDir  string // base_dir, kept short for unix socket paths
	proc    *process
}

// StartDovecot starts Debian's Dovecot on a free loopback port with one
// Maildir account per entry of users (login → password), and stops it when
// the test ends. IDLE, MOVE and UIDPLUS are on, as by default; the only
// namespace is the inbox one with "/" as separator. On test failure the
// Dovecot log is written to the test log.
func StartDovecot(t testing.TB, users map[string]string) *Dovecot {
	t.Helper()
	bin, err := findBinary("dovecot", "/usr/sbin/dovecot")
	if err != nil {
		missing(t, fmt.Sprintf("dovecot not installed (apt-get install dovecot-imapd): %v", err))
	}
	version, major, minor, err := dovecotVersion(bin)
	if err != nil {
		t.Fatalf("StartDovecot: %v", err)
	}
	d := &Dovecot{Host: "127.0.0.1", Dir: t.TempDir(), Version: version, Users: users}
	d.logPath = filepath.Join(d.Dir, "dovecot.log")
	t.Cleanup(func() {
		d.Stop()
		if t.Failed() {
			t.Logf("dovecot %s log (%s):\n%s", d.Version, d.logPath, d.Log())
		}
		if d.runDir != "" && d.runDir != filepath.Join(d.Dir, "run") {
			os.RemoveAll(d.runDir)
		}
	})
	settings, err := d.prepare(users)
	if err != nil {
		t.Fatalf("StartDovecot: %v", err)
	}
	conf := d.ConfigFile()
	// The port is only reserved until Dovecot binds it: retry on a clash.
	for attempt := 1; ; attempt++ {
		if settings.Port, err = freePort(); err != nil {
			t.Fatalf("StartDovecot: %v", err)
		}
		if err := writeDovecotConf(conf, major, minor, settings); err != nil {
			t.Fatalf("StartDovecot: %v", err)
		}
		d.Port = settings.Port
		d.Addr = net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
		if d.proc, err = startProcess(nil, bin, "-F", "-c", conf); err != nil {
			t.Fatalf("StartDovecot: %v", err)
		}
		err = waitReady(d.proc, d.Addr, imapGreeting)
		if err == nil {
			return d
		}
		d.Stop()
		if attempt == 3 || !strings.Contains(d.Log(), "in use") {
			t.Fatalf("StartDovecot %s (%s): %v", d.Version, conf, err)
		}
		d.proc = nil
	}
}

// prepare makes the directories and the users file and returns the
// settings for the config, all but the port.
func (d *Dovecot) prepare(users map[string]string) (dovecotSettings, error) {
	s := dovecotSettings{
		Instance:  "herald-" + filepath.Base(filepath.Dir(d.Dir)),
		StateDir:  filepath.Join(d.Dir, "state"),
		LogPath:   d.logPath,
		UsersFile: filepath.Join(d.Dir, "users"),
	}
	if err := openPath(d.Dir); err != nil {
		return s, err
	}
	// Unix socket paths are limited to 108 bytes, and Dovecot puts sockets
	// two levels below base_dir: a long test name needs a shorter base_dir.
	d.runDir = filepath.Join(d.Dir, "run")
	if len(d.runDir) > 60 {
		dir, err := os.MkdirTemp("/tmp", "dovecot-")
		if err != nil {
			return s, err
		}
		d.runDir = dir
	}
	s.BaseDir = d.runDir
	mailDir := filepath.Join(d.Dir, "mail")
	for _, dir := range []string{d.runDir, s.StateDir, mailDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return s, err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return s, err
		}
	}
	if err := writeUsers(s.UsersFile, mailDir, users); err != nil {
		return s, err
	}
	return s, d.setUsers(&s, mailDir)
}

// setUsers picks the system users Dovecot runs as. As root it must drop to
// Debian's dovecot and dovenull users, since it refuses to run login and mail
// processes as root; otherwise every process runs as the current user.
func (d *Dovecot) setUsers(s *dovecotSettings, mailDir string) error {
	if os.Geteuid() != 0 {
		me, err := user.Current()
		if err != nil {
			return err
		}
		g, err := user.LookupGroupId(me.Gid)
		if err != nil {
			return err
		}
		s.LoginUser, s.Internal, s.MailUser, s.MailGroup = me.Username, me.Username, me.Username, g.Name
		return nil
	}
	for _, name := range []string{"dovecot", "dovenull"} {
		if _, err := user.Lookup(name); err != nil {
			return fmt.Errorf("system user %s missing (reinstall dovecot-core): %w", name, err)
		}
	}
	mail, err := user.Lookup("dovecot")
	if err != nil {
		return err
	}
	uid, _ := strconv.Atoi(mail.Uid)
	gid, _ := strconv.Atoi(mail.Gid)
	if err := os.Chown(mailDir, uid, gid); err != nil {
		return err
	}
	s.LoginUser, s.Internal, s.MailUser, s.MailGroup = "dovenull", "dovecot", "dovecot", "dovecot"
	return nil
}

// imapGreeting accepts a connection whose first line is an IMAP "* OK" greeting.
func imapGreeting(conn net.Conn) error {
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", strings.TrimSpace(line))
	}
	_, _ = conn.Write([]byte("x LOGOUT\r\n"))
	return nil
}

// Maildir returns the Maildir of user (its INBOX).
func (d *Dovecot) Maildir(user string) string {
	return filepath.Join(d.Dir, "mail", user, "Maildir")
}

// ConfigFile is this instance's dovecot.conf, for tools such as
// dovecot-lda (-c) that must find its users and mailboxes.
func (d *Dovecot) ConfigFile() string {
	return filepath.Join(d.Dir, "dovecot.conf")
}

// LDA returns the path of Dovecot's local delivery agent, dovecot-lda
// (in Debian's dovecot-core, so present wherever Dovecot is).
func LDA() (string, error) {
	return findBinary("dovecot-lda", "/usr/lib/dovecot/dovecot-lda")
}

// Log returns Dovecot's log file and whatever the master wrote to its
// stdout and stderr.
func (d *Dovecot) Log() string {
	var b strings.Builder
	if data, err := os.ReadFile(d.logPath); err == nil {
		b.Write(data)
	} else {
		fmt.Fprintf(&b, "(no log file: %v)\n", err)
	}
	if d.proc != nil {
		if out := d.proc.output.String(); out != "" {
			b.WriteString("--- dovecot stdout/stderr ---\n")
			b.WriteString(out)
		}
	}
	return b.String()
}

// Stop shuts Dovecot down and waits for it; it runs at test cleanup too,
// and calling it more than once is fine.
func (d *Dovecot) Stop() {
	if d.proc != nil {
		d.proc.stop()
	}
}

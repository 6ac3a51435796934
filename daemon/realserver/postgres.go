package realserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a running PostgreSQL server (trust authentication, loopback
// TCP only, no durability: fsync off) for the tests of one package.
type Postgres struct {
	// Addr is the listener, "127.0.0.1:port".
	Addr string
	// Dir holds the data directory and the server's log.
	Dir string
	// Version is the output of `postgres --version`.
	Version string
	// User is the superuser tests connect as.
	User string

	proc    *process
	created atomic.Int64 // databases handed out by Database
}

// ErrPostgresMissing is StartPostgres's error when Debian's postgresql
// package is not installed.
var ErrPostgresMissing = errors.New("postgresql not installed (apt-get install postgresql)")

// postgresBin finds the newest /usr/lib/postgresql/NN/bin (Debian keeps
// the server binaries off PATH), else a postgres on PATH.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrPostgresMissing
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// StartPostgres initialises a cluster in dir and starts PostgreSQL on a
// free loopback port. It is for TestMain (one server per test package);
// call Stop when the tests are done. initdb and postgres refuse to run as
// root, so as root they run as the postgres (or nobody) user, who is
// given dir. Each of settings ("name=value") is passed as -c after the
// test settings, which it overrides: a benchmark turns fsync back on so.
func StartPostgres(dir string, settings ...string) (*Postgres, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("postgres --version: %w", err)
	}
	p := &Postgres{Dir: dir, Version: strings.TrimSpace(string(out)), User: "herald"}
	cred, err := postgresCredential(dir)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", p.User, "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// The port is only reserved until postgres binds it: retry on a clash.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p.Addr = fmt.Sprintf("127.0.0.1:%d", port)
		args := []string{"-D", data, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=300"}
		for _, s := range settings {
			args = append(args, "-c", s)
		}
		p.proc, err = startProcess(cred, filepath.Join(bin, "postgres"), args...)
		if err != nil {
			return nil, err
		}
		if err = p.waitReady(); err == nil {
			return p, nil
		}
		p.proc.stop()
		if attempt == 3 {
			return nil, fmt.Errorf("postgres: %w\n%s", err, p.proc.output.String())
		}
	}
}

// postgresCredential returns the user the server runs as (nil: this
// one), after giving it dir.
func postgresCredential(dir string) (*syscall.Credential, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if err := openPath(dir); err != nil {
		return nil, err
	}
	var u *user.User
	var err error
	for _, name := range []string{"postgres", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("no postgres or nobody user to run the server as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// waitReady connects until the server answers a query, it exits, or
// startTimeout passes.
func (p *Postgres) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		if !p.proc.running() {
			return fmt.Errorf("server exited before accepting connections: %v", p.proc.exitError())
		}
		err := p.exec(context.Background(), "SELECT 1")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready on %s after %v: %v", p.Addr, startTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the postgres:// URL of database name on this server.
func (p *Postgres) URL(name string) string {
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", p.User, p.Addr, name)
}

// exec runs one statement in the postgres database.
func (p *Postgres) exec(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, p.URL("postgres"))
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql)
	return err
}

// Database creates an empty database for one test and returns its URL;
// it is dropped when the test ends (connections still open are ended).
func (p *Postgres) Database(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", p.created.Add(1))
	if err := p.exec(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("postgres: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := p.exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Logf("postgres: drop database %s: %v", name, err)
		}
	})
	return p.URL(name)
}

// Stop stops the server; its directory is the caller's to remove.
// SIGINT first: PostgreSQL's fast shutdown, which ends open sessions,
// where the SIGTERM of stop waits for them.
func (p *Postgres) Stop() {
	if p != nil && p.proc != nil {
		if p.proc.running() {
			_ = p.proc.cmd.Process.Signal(syscall.SIGINT)
		}
		p.proc.stop()
	}
}

// Pid is the postmaster's process id: its children are the server's
// backends and workers (a benchmark reads their CPU time from /proc).
func (p *Postgres) Pid() int { return p.proc.cmd.Process.Pid }

// Log is what the server wrote to its stderr.
func (p *Postgres) Log() string { return p.proc.output.String() }

// PostgresUnavailable handles StartPostgres's err in a test: a missing
// server skips it (fails it under CI=true, like every helper here),
// another error fails it.
func PostgresUnavailable(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrPostgresMissing) {
		missing(t, err.Error())
	}
	t.Fatalf("start postgres: %v", err)
}

// RunOnBothEngines is a TestMain for the store's packages: it runs the
// tests once as they are (SQLite), then starts PostgreSQL, hands it to
// usePostgres (with the error that kept it from starting, if one did:
// tests then fail through PostgresUnavailable) and runs them again. A
// missing server ends it after the first run, unless CI=true. It returns
// the exit code for os.Exit.
func RunOnBothEngines(m *testing.M, usePostgres func(*Postgres, error)) int {
	code := m.Run()
	dir, err := os.MkdirTemp("", "herald-pg-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pg, err := StartPostgres(filepath.Join(dir, "pg"))
	if errors.Is(err, ErrPostgresMissing) && os.Getenv("CI") != "true" {
		fmt.Fprintf(os.Stderr, "tests ran on SQLite only: %v\n", err)
		return code
	}
	defer pg.Stop()
	usePostgres(pg, err)
	return max(code, m.Run())
}

// StartPostgresForTest starts a PostgreSQL server for one test, stopped
// when it ends: for a package whose few PostgreSQL tests do not warrant
// RunOnBothEngines. A missing server skips the test (fails it under CI).
func StartPostgresForTest(t testing.TB) *Postgres {
	t.Helper()
	p, err := StartPostgres(filepath.Join(t.TempDir(), "pg"))
	if err != nil {
		PostgresUnavailable(t, err)
	}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("%s log:\n%s", p.Version, p.Log())
		}
	})
	return p
}

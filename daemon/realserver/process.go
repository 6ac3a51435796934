package realserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stopGrace is how long a server gets to exit after SIGTERM before its whole
// process group is killed.
const stopGrace = 5 * time.Second

// startTimeout bounds how long a server may take to accept its first connection.
const startTimeout = 20 * time.Second

// missing skips the test with msg, or fails it when CI=true: CI must have
// every server installed, so a skip there would hide a broken setup.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: install it in .ci/run)")
	} else {
		t.Skip(msg)
	}
}

// findBinary returns the first of paths that is an executable file, then
// looks name up in PATH.
func findBinary(name string, paths ...string) (string, error) {
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// freePort returns a loopback TCP port that was free a moment ago. The server
// binds it itself, so a race with another process is possible: callers retry.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// openPath lets unprivileged server users (dovecot, dovenull, postfix) reach
// dir: t.TempDir() makes 0700 directories, so dir and its ancestors below the
// system temp dir get o+rx. Any other directory they cannot enter is reported
// rather than changed.
func openPath(dir string) error {
	root := filepath.Clean(os.TempDir())
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o005 != 0o005 {
			if !strings.HasPrefix(p, root+string(filepath.Separator)) {
				return fmt.Errorf("%s (mode %o) cannot be entered by the server's users; set TMPDIR to a world-searchable directory", p, fi.Mode().Perm())
			}
			if err := os.Chmod(p, fi.Mode().Perm()|0o755); err != nil {
				return err
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// syncBuffer collects a child's stdout and stderr for the failure dump.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a server child in its own process group.
type process struct {
	cmd    *exec.Cmd
	output syncBuffer
	exited chan struct{}
	err    error // from Wait; read after exited is closed
	once   sync.Once
}

// startProcess runs path with args in a new process group that dies with
// the test binary (Pdeathsig), so a crashed test leaves no server behind.
// A non-nil cred runs it as that user; Go sets Pdeathsig after switching
// user, so it survives the switch (a setuid inside the server would clear it).
func startProcess(cred *syscall.Credential, path string, args ...string) (*process, error) {
	p := &process{exited: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Stdout = &p.output
	p.cmd.Stderr = &p.output
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// running reports whether the process has not exited yet.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and, after stopGrace, SIGKILL to the process group.
// It is safe to call more than once.
func (p *process) stop() {
	p.once.Do(func() {
		if !p.running() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		timer := time.NewTimer(stopGrace)
		defer timer.Stop()
		select {
		case <-p.exited:
		case <-timer.C:
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.exited
		}
	})
}

// exitError describes how the process ended, for error messages.
func (p *process) exitError() error {
	if p.running() {
		return errors.New("still running")
	}
	if p.err == nil {
		return errors.New("exited with status 0")
	}
	return p.err
}

// waitReady polls addr until ready accepts a connection to it, the process
// exits, or startTimeout passes.
func waitReady(p *process, addr string, ready func(net.Conn) error) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		if !p.running() {
			return fmt.Errorf("server exited before accepting connections: %v", p.exitError())
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
			err = ready(conn)
			conn.Close()
			if err == nil {
				return nil
			}
		}
		last = err
		select {
		case <-deadline.C:
			return fmt.Errorf("server not ready on %s after %v: %v", addr, startTimeout, last)
		case <-p.exited:
		case <-tick.C:
		}
	}
}

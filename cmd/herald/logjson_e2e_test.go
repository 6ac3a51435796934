package main

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestJSONLogsOnStdout runs the daemon with `log: {format: json}`, as a
// container would, and requires its stdout to be JSON objects only, one a
// line, from the start to the clean exit, with the banner on stderr.
func TestJSONLogsOnStdout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), true), "format: text", "format: json", 1)
	if !strings.Contains(head, "format: json") {
		t.Fatal("test config head has no log format to change")
	}
	cfg := writeConfig(t, dir, head+"accounts:\n  - name: habitat\n    address: decorte@un.org\n", true)

	cmd := exec.Command(heraldBin, "--config", cfg, "run")
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan map[string]any)
	bad := make(chan string, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				bad <- sc.Text()
				return
			}
			lines <- m
		}
	}()

	var msgs []string
	started := false
	deadline := time.After(30 * time.Second)
	for open := true; open; {
		select {
		case m, ok := <-lines:
			if !ok {
				open = false
				break
			}
			msg, _ := m["msg"].(string)
			msgs = append(msgs, msg)
			if msg == "herald started" && !started {
				started = true
				if m["level"] != "INFO" || m["component"] != "app" || m["http"] == nil {
					t.Errorf("start line = %v, want level INFO, component app, http", m)
				}
				cmd.Process.Signal(syscall.SIGTERM)
			}
		case line := <-bad:
			t.Fatalf("stdout line is not JSON: %q", line)
		case <-deadline:
			t.Fatalf("no end of stdout in 30 s; messages so far %q\nstderr:\n%s", msgs, stderr.String())
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("herald run: %v, want exit 0\nstderr:\n%s", err, stderr.String())
	}
	if !started {
		t.Fatalf("no \"herald started\" line on stdout: %q", msgs)
	}
	if !strings.Contains(stderr.String(), "dashboard     http://") {
		t.Errorf("the banner is not on stderr:\n%s", stderr.String())
	}
	t.Logf("%d JSON lines: %q", len(msgs), msgs)
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
)

// TestDaemonOnPostgres runs the sandbox tour's enquiry on a PostgreSQL
// database: the daemon files and acknowledges it, the CLI reads it from
// another process, a second daemon on the same database is refused (a
// sandbox runs alone on its database; nodes are for real mailboxes), and
// backup points to pg_dump.
func TestDaemonOnPostgres(t *testing.T) {
	pg := realserver.StartPostgresForTest(t)
	url := pg.Database(t)
	cfg := sandboxConfig(t)
	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sqlite := filepath.Join(filepath.Dir(cfg), "data", "herald.db")
	if !strings.Contains(string(raw), sqlite) {
		t.Fatalf("config names no %s:\n%s", sqlite, raw)
	}
	os.WriteFile(cfg, []byte(strings.Replace(string(raw), sqlite, url, 1)), 0o600)

	d := startDaemon(t, cfg)
	waitHealthy(t, d.addrs["dashboard"])
	if out, errOut, code := herald(t, "--config", cfg, "sandbox", "inject", "--from", "amina.diallo@dakar.example",
		"--to", "decorte@un.org", "--subject", "Demande de visa"); code != 0 {
		t.Fatalf("inject: exit %d\n%s%s", code, out, errOut)
	}
	var queue []struct{ Ref, Status string }
	waitFor(t, 20*time.Second, func() bool {
		out, errOut, code := herald(t, "--config", cfg, "enquiries", "--json")
		if code != 0 {
			t.Fatalf("enquiries --json: exit %d\n%s", code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &queue); err != nil {
			t.Fatalf("enquiries JSON: %v\n%s", err, out)
		}
		return len(queue) == 1 && queue[0].Status == "acknowledged"
	})
	if queue[0].Ref != "GCCM-0001" {
		t.Errorf("enquiry = %+v; want GCCM-0001", queue[0])
	}

	_, errOut, code := herald(t, "--config", cfg, "run")
	if code == 0 || !strings.Contains(errOut, "another herald is running") || !strings.Contains(errOut, "sandbox on runs alone") {
		t.Errorf("second herald run = exit %d\n%s; want it refused", code, errOut)
	}
	_, errOut, code = herald(t, "--config", cfg, "backup", filepath.Join(t.TempDir(), "b.db"))
	if code == 0 || !strings.Contains(errOut, "pg_dump") {
		t.Errorf("backup of a PostgreSQL database = exit %d\n%s; want a pg_dump hint", code, errOut)
	}
	d.stop(t, syscall.SIGTERM)
}

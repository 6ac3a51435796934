package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestBackupWhileRunningAndRestore follows README "Operations": a backup
// taken with `herald backup` while the daemon runs, a refused second one
// without --force, then the documented restore (stop, move the database
// and its -wal and -shm aside, put the backup in place) brings back the
// state of the backup's moment.
func TestBackupWhileRunningAndRestore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, configHead(dir, testconfig.RepoTemplates(), true)+`accounts:
  - name: habitat
    address: decorte@un.org
lists:
  - name: mayors
`, false)
	db := filepath.Join(dir, "data", "herald.db")
	d := startDaemon(t, cfg)

	importMayors(t, cfg, 0, 3)
	backup := filepath.Join(t.TempDir(), "herald-backup.db")
	out, errOut, code := herald(t, "--config", cfg, "backup", backup)
	if code != 0 || !strings.Contains(out, "integrity ok") {
		t.Fatalf("herald backup: exit %d\n%s%s", code, out, errOut)
	}
	t.Log(strings.TrimSpace(out))
	if out, errOut, code := herald(t, "--config", cfg, "backup", backup); code != 1 || !strings.Contains(errOut, "--force") {
		t.Errorf("second herald backup: exit %d, want 1 and a hint at --force\n%s%s", code, out, errOut)
	}
	if _, errOut, code := herald(t, "--config", cfg, "backup"); code != 2 || !strings.Contains(errOut, "usage: herald backup FILE") {
		t.Errorf("herald backup without FILE: exit %d, want 2 and the usage\n%s", code, errOut)
	}
	importMayors(t, cfg, 3, 5) // after the backup: lost by the restore
	if n := mayors(t, cfg); n != 5 {
		t.Fatalf("before the restore: %d mayors, want 5", n)
	}
	d.stop(t, syscall.SIGTERM)

	aside := filepath.Join(dir, "before-restore")
	if err := os.Mkdir(aside, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Rename(f, filepath.Join(aside, filepath.Base(f))); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if n := mayors(t, cfg); n != 3 {
		t.Errorf("after the restore: %d mayors, want the backup's 3", n)
	}
	startDaemon(t, cfg).stop(t, syscall.SIGTERM)
}

// importMayors imports contacts from..to-1 into the list mayors.
func importMayors(t *testing.T, cfg string, from, to int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("email,name,language\n")
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "mayor%d@city%d.example,Mayor %d,en\n", i, i, i)
	}
	csv := filepath.Join(t.TempDir(), "mayors.csv")
	if err := os.WriteFile(csv, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := herald(t, "--config", cfg, "lists", "import", "mayors", csv); code != 0 {
		t.Fatalf("lists import: exit %d\n%s%s", code, out, errOut)
	}
}

// mayors is the number of contacts of the list mayors, from `lists --json`.
func mayors(t *testing.T, cfg string) int {
	t.Helper()
	out, errOut, code := herald(t, "--config", cfg, "lists", "--json")
	if code != 0 {
		t.Fatalf("lists --json: exit %d\n%s%s", code, out, errOut)
	}
	var lists []struct {
		Name     string `json:"name"`
		Contacts int    `json:"contacts"`
	}
	if err := json.Unmarshal([]byte(out), &lists); err != nil {
		t.Fatalf("lists --json: %v\n%s", err, out)
	}
	for _, l := range lists {
		if l.Name == "mayors" {
			return l.Contacts
		}
	}
	return 0
}

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// configHead is the top of every test config (testconfig.Head): the
// database under dir/data, the templates folder, sandbox or not, logs at
// info. The caller adds accounts and the rest.
func configHead(dir, templates string, sandbox bool) string {
	return testconfig.Head(filepath.Join(dir, "data", "herald.db"), templates, sandbox, "info")
}

// writeConfig writes cfg as dir/config.yaml and returns its path; with
// check, `herald check` must accept it.
func writeConfig(t *testing.T, dir, cfg string, check bool) string {
	t.Helper()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if !check {
		return path
	}
	if out, errOut, code := herald(t, "--config", path, "check"); code != 0 {
		t.Fatalf("herald check: exit %d\n%s%s\n%s", code, out, errOut, cfg)
	}
	return path
}

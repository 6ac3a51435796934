package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// configHead is the top of every test config: the database under
// dir/data, the templates folder, sandbox or not, logs as text, a
// loopback web server on a free port, and the seed's event. The caller
// adds accounts and the rest.
func configHead(dir, templates string, sandbox bool) string {
	return fmt.Sprintf(`database: %s
timezone: Europe/Brussels
templates: %s
sandbox: %t
log: {level: info, format: text}
http: {listen: "127.0.0.1:0"}
event:
  name: Global Conference on Cities and Migrants
  ref_prefix: GCCM
  start: 2017-11-16T09:00:00+01:00
  end: 2017-11-17T17:00:00+01:00
  venue: Lamot Congress Centre, Mechelen, Belgium
  url: https://example.org/gccm
`, filepath.Join(dir, "data", "herald.db"), templates, sandbox)
}

// repoTemplates is the repository's templates folder.
func repoTemplates(t *testing.T) string {
	t.Helper()
	templates, err := filepath.Abs("../../templates")
	if err != nil {
		t.Fatal(err)
	}
	return templates
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

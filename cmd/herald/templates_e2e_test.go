package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestFixedTemplateUsedByRetryWithoutSIGHUP is the organiser's story: a
// wave fails for the contacts a template does not suit; they fix the
// file and run `waves retry` at once; the running daemon sends with the
// fixed template, without SIGHUP and without reconnecting its IMAP
// watchers.
func TestFixedTemplateUsedByRetryWithoutSIGHUP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tdir := filepath.Join(dir, "templates")
	if err := os.CopyFS(tdir, os.DirFS(testconfig.RepoTemplates())); err != nil {
		t.Fatal(err)
	}
	inv := filepath.Join(tdir, "inv.en.txt")
	os.WriteFile(inv, []byte("Subject: Invitation\n\n{{.Contact.Fields.salutation}},\n"), 0o644)
	cfg := writeConfig(t, dir, configHead(dir, tdir, true)+`accounts:
  - name: habitat
    address: decorte@un.org
lists:
  - name: invitees
waves:
  - name: inv
    account: habitat
    list: invitees
    template: inv
    at: 2017-09-15T09:00:00+02:00
`, false)
	csv := filepath.Join(dir, "c.csv")
	os.WriteFile(csv, []byte("email,name,salutation\na@one.example,A,Dear A\nb@two.example,B,\n"), 0o644)
	if out, errOut, code := herald(t, "--config", cfg, "lists", "import", "invitees", csv); code != 0 {
		t.Fatalf("import: %d %s%s", code, out, errOut)
	}
	d := startDaemon(t, cfg)
	waitFor(t, 30*time.Second, func() bool { s := waveList(t, cfg, "inv"); return s.Sent == 1 && s.Failed == 1 })
	watching := strings.Count(d.stderr.String(), "watching")

	os.WriteFile(inv, []byte("Subject: Invitation\n\n{{index .Contact.Fields \"salutation\" | default \"Dear colleague\"}},\n"), 0o644)
	if out, errOut, code := herald(t, "--config", cfg, "waves", "retry", "inv"); code != 0 || !strings.Contains(out, "1 failed") {
		t.Fatalf("retry: %d %s%s", code, out, errOut)
	}
	waitFor(t, 30*time.Second, func() bool { s := waveList(t, cfg, "inv"); return s.Sent == 2 })
	if s := waveList(t, cfg, "inv"); s.Failed != 0 {
		t.Errorf("after the fix and retry: %s", s.counts())
	}
	logs := d.stderr.String()
	if !strings.Contains(logs, "templates reloaded") {
		t.Errorf("no 'templates reloaded' in the logs:\n%s", logs)
	}
	if n := strings.Count(logs, "watching"); n != watching || watching == 0 {
		t.Errorf("IMAP watchers started %d times before the template change, %d after: they must run on", watching, n)
	}

	// A broken template is reported once, and the running one kept: after
	// the look that found it, two more looks (counted in /metrics) find
	// the same broken files and say nothing.
	os.WriteFile(inv, []byte("Subject: Invitation\n\n{{.Contact.Organistion}}\n"), 0o644)
	waitFor(t, 15*time.Second, func() bool { return templateLooks(t, d)["broken"] == 1 })
	seen := templateLooks(t, d)
	waitFor(t, 15*time.Second, func() bool { return templateLooks(t, d)["unchanged"] >= seen["unchanged"]+2 })
	if looks := templateLooks(t, d); looks["broken"] != 1 || looks["reloaded"] != seen["reloaded"] {
		t.Errorf("template looks went from %v to %v: the broken files were taken again", seen, looks)
	}
	if logs := d.stderr.String(); strings.Count(logs, "cannot be used") != 1 || !strings.Contains(logs, "did you mean Organisation?") {
		t.Errorf("broken template reported %d times, want once with the fix:\n%s", strings.Count(logs, "cannot be used"), logs)
	}
	d.stop(t, syscall.SIGINT)
}

// templateLooks returns the daemon's herald_template_looks_total by
// result, read from its /metrics.
func templateLooks(t *testing.T, d *daemon) map[string]float64 {
	t.Helper()
	resp, err := http.Get("http://" + d.addrs["dashboard"] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d, %v", resp.StatusCode, err)
	}
	looks := map[string]float64{}
	for _, m := range lookLine.FindAllStringSubmatch(string(body), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatalf("/metrics: %q: %v", m[0], err)
		}
		looks[m[1]] = v
	}
	return looks
}

var lookLine = regexp.MustCompile(`(?m)^herald_template_looks_total\{result="(\w+)"\} (\S+)$`)

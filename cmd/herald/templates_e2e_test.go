package main

import (
	"os"
	"path/filepath"
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

	// A broken template is reported once, and the running one kept.
	os.WriteFile(inv, []byte("Subject: Invitation\n\n{{.Contact.Organistion}}\n"), 0o644)
	waitFor(t, 15*time.Second, func() bool { return strings.Contains(d.stderr.String(), "cannot be used") })
	time.Sleep(5 * time.Second) // two more looks at the folder
	if logs := d.stderr.String(); strings.Count(logs, "cannot be used") != 1 || !strings.Contains(logs, "did you mean Organisation?") {
		t.Errorf("broken template reported %d times, want once with the fix:\n%s", strings.Count(logs, "cannot be used"), logs)
	}
	d.stop(t, syscall.SIGINT)
}

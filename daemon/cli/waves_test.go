package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// waveConfig is testConfig plus an invitation and a reminder wave.
func waveConfig(t *testing.T) string {
	cfg := testConfig(t)
	raw, _ := os.ReadFile(cfg)
	writeFile(t, cfg, string(raw)+`waves:
  - name: invitation
    account: habitat
    list: mayors
    template: invitation
    at: 2017-09-15T09:00:00+02:00
    attach_ics: true
  - name: reminder
    account: habitat
    list: mayors
    template: reminder
    cron: "0 9 * * MON"
    audience: no-reply
    after: invitation
`)
	return cfg
}

// TestWaveCommandsWithoutSending covers the commands that read or change
// a wave's state; sending is covered against smtp-sink in cmd/herald.
func TestWaveCommandsWithoutSending(t *testing.T) {
	cfg := waveConfig(t)
	csv := writeFile(t, filepath.Join(t.TempDir(), "m.csv"), mayorsCSV)
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", csv); code != ExitOK {
		t.Fatalf("import: %d %s%s", code, out, errOut)
	}

	code, out, errOut := herald(t, cfg, "waves", "--json")
	var all []struct {
		Name, State        string
		NextRun            *string `json:"next_run"`
		Planned, Sent      int
		Pending, Uncertain int
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &all) != nil || len(all) != 2 {
		t.Fatalf("waves --json = %d\n%s%s", code, out, errOut)
	}
	if all[0].Name != "invitation" || all[0].State != "scheduled" || all[0].NextRun == nil || all[1].NextRun == nil {
		t.Errorf("waves --json = %+v", all)
	}

	// preview: the exact MIME for one contact, in their language, with the ICS.
	code, out, errOut = herald(t, cfg, "waves", "preview", "invitation", "--contact", "MAIRE@montreal.example")
	if code != ExitOK {
		t.Fatalf("preview = %d %s", code, errOut)
	}
	for _, want := range []string{"To: =?utf-8?", "montreal.example>", "List-Unsubscribe: <mailto:decorte@un.org?subject=unsubscribe",
		"text/calendar", "Content-Language: fr", "X-Herald-Wave: invitation/"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%.1500s", want, out)
		}
	}
	if code, _, errOut := herald(t, cfg, "waves", "preview", "invitation", "--contact", "nobody@example.org"); code != ExitFailure || !strings.Contains(errOut, "no contact nobody@example.org") {
		t.Errorf("preview of a stranger = %d %s", code, errOut)
	}

	// send --dry-run: everyone gets the invitation; nobody the reminder yet.
	code, out, _ = herald(t, cfg, "waves", "send", "invitation", "--dry-run")
	if code != ExitOK || !strings.Contains(out, "invitation would go to 3 contact(s); 0 left out") {
		t.Errorf("invitation --dry-run = %d\n%s", code, out)
	}
	code, out, _ = herald(t, cfg, "waves", "send", "reminder", "--dry-run")
	if code != ExitOK || !strings.Contains(out, `was not sent "invitation"`) || !strings.Contains(out, "reminder would go to 0 contact(s); 3 left out") {
		t.Errorf("reminder --dry-run = %d\n%s", code, out)
	}

	// pause → resume → cancel; a cancelled wave cannot be resumed.
	for _, step := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"waves", "pause", "invitation"}, ExitOK, "invitation is now paused"},
		{[]string{"waves", "pause", "invitation"}, ExitFailure, "cannot pause"},
		{[]string{"waves", "resume", "invitation"}, ExitOK, "invitation is now scheduled"},
		{[]string{"waves", "cancel", "invitation"}, ExitOK, "invitation is now cancelled"},
		{[]string{"waves", "resume", "invitation"}, ExitFailure, "is cancelled: cannot resume"},
		{[]string{"waves", "send", "invitation"}, ExitFailure, "is cancelled"},
		{[]string{"waves", "retry", "invitation"}, ExitOK, "0 failed deliveries of invitation queued again"},
		{[]string{"waves", "show", "nope"}, ExitUsage, `no wave "nope"`},
	} {
		code, out, errOut := herald(t, cfg, step.args...)
		if code != step.code || !strings.Contains(out+errOut, step.want) {
			t.Errorf("%v = %d, want %d and %q\n%s%s", step.args, code, step.code, step.want, out, errOut)
		}
	}
	code, out, _ = herald(t, cfg, "waves", "show", "invitation")
	if code != ExitOK || !strings.Contains(out, "invitation  (cancelled)") || !strings.Contains(out, "cancelled by cli:") {
		t.Errorf("waves show = %d\n%s", code, out)
	}
}

// TestCheckReadsListFiles: `herald check` reads list files as an import
// would and reports each bad row with its line, touching no database.
func TestCheckReadsListFiles(t *testing.T) {
	cfg := testConfig(t)
	writeFile(t, filepath.Join(filepath.Dir(cfg), "lists", "mayors.csv"), "email,name\nok@city.example,A\nnot-an-address,B\n")
	code, out, errOut := herald(t, cfg, "check")
	if code != ExitUsage || !strings.Contains(errOut, "mayors.csv:3: ") || !strings.Contains(errOut, "not-an-address") {
		t.Errorf("check = %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "data")); !os.IsNotExist(err) {
		t.Errorf("check created the database folder: %v", err)
	}
}

// TestCheckWarns: a short http.token is a warning with file, line and key
// on stderr, and the check still passes.
func TestCheckWarns(t *testing.T) {
	cfg := testConfig(t)
	src, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, strings.Replace(string(src), `http: {listen: "127.0.0.1:0"}`, `http: {listen: "127.0.0.1:0", token: short}`, 1))
	code, out, errOut := herald(t, cfg, "check")
	want := cfg + ":6: http.token: warning: only 5 characters; use at least 32"
	if code != ExitOK || !strings.Contains(errOut, want) || !strings.Contains(out, ": ok (") {
		t.Errorf("check = %d, want 0 and %q\n%s%s", code, want, out, errOut)
	}
}

// TestDryRunRendersEveryMessage: `waves send --dry-run` builds the
// message of everyone the wave goes to and names each that would fail,
// with the reason, before anything is sent.
func TestDryRunRendersEveryMessage(t *testing.T) {
	tdir := copyTemplates(t)
	writeFile(t, filepath.Join(tdir, "invitation.en.txt"), "Subject: Invitation\n\n{{.Contact.Fields.salutation}},\n")
	cfg := waveConfig(t)
	raw, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(raw), "templates: "+testconfig.RepoTemplates(), "templates: "+tdir, 1))
	csv := writeFile(t, filepath.Join(t.TempDir(), "m.csv"), "email,name,language,salutation\n"+
		"a@one.example,A,en,Dear A\nb@two.example,B,en,\nc@three.example,C,en,Dear C\n")
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", csv); code != ExitOK {
		t.Fatalf("import: %d %s%s", code, out, errOut)
	}
	code, out, errOut := herald(t, cfg, "waves", "send", "invitation", "--dry-run")
	if code != ExitFailure || !strings.Contains(errOut, "the message of 1 of those 3 contact(s) would fail") {
		t.Errorf("--dry-run = %d, want 1 and the count of failures\n%s%s", code, out, errOut)
	}
	if !regexp.MustCompile(`b@two\.example +FAILS +render invitation \(en\): text: .*invitation\.en\.txt:3:.*no entry for key "salutation"`).MatchString(out) {
		t.Errorf("--dry-run does not name b@two.example's failure with its reason:\n%s", out)
	}
	if !regexp.MustCompile(`a@one\.example +yes`).MatchString(out) || strings.Count(out, "FAILS") != 1 {
		t.Errorf("--dry-run output:\n%s", out)
	}
	if _, counts, _ := herald(t, cfg, "waves", "--json"); !strings.Contains(counts, `"sent":0`) {
		t.Errorf("a dry run sent something: %s", counts)
	}
}

// TestSendPastUntilWantsForce: a wave whose until: has passed is not sent
// by `waves send` without --force, and the user is told why.
func TestSendPastUntilWantsForce(t *testing.T) {
	cfg := waveConfig(t)
	raw, _ := os.ReadFile(cfg)
	writeFile(t, cfg, strings.Replace(string(raw), `    after: invitation
`, `    after: invitation
    until: 2017-11-15T18:00:00+01:00
`, 1))
	code, out, errOut := herald(t, cfg, "waves", "send", "reminder")
	if code != ExitUsage || !strings.Contains(errOut, "warning: reminder ended on 2017-11-15 18:00 CET") ||
		!strings.Contains(errOut, "add --force") {
		t.Errorf("send past until = %d, want 2, a warning and --force\n%s%s", code, out, errOut)
	}
	// With --force it goes on, to the sending (which needs the sandbox
	// of a running daemon here).
	code, out, errOut = herald(t, cfg, "waves", "send", "reminder", "--force")
	if strings.Contains(errOut, "--force") || strings.Contains(errOut, "ended on") || !strings.Contains(errOut, "the sandbox is not running") {
		t.Errorf("send --force = %d, still refused\n%s%s", code, out, errOut)
	}
}

package testconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/config"
)

// load writes cfg as config.yaml into a temp folder and loads it.
func load(t *testing.T, cfg string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatalf("config.Load = %v\n%s", err, cfg)
	}
	return c
}

// TestHeadLoads: Head with a minimal accounts and lists section is a
// config herald accepts, and says what it was given.
func TestHeadLoads(t *testing.T) {
	c := load(t, Head("data/herald.db", RepoTemplates(), true, "warn")+`accounts:
  - name: habitat
    address: decorte@un.org
lists:
  - name: invitees
`)
	if !c.Sandbox.Enabled || c.Log.Level != "warn" || c.Event.RefPrefix != "GCCM" || c.Timezone != "Europe/Brussels" {
		t.Errorf("loaded sandbox %t, log %q, ref_prefix %q, timezone %q", c.Sandbox.Enabled, c.Log.Level, c.Event.RefPrefix, c.Timezone)
	}
	if want := filepath.Join(filepath.Dir(c.Path), "data", "herald.db"); c.Database != want {
		t.Errorf("database = %q, want %q", c.Database, want)
	}
}

// TestHabitatAndShippedTriageLoad: a live config of Head, Habitat and the
// shipped triage section loads, with the SMTP limits only when given.
func TestHabitatAndShippedTriageLoad(t *testing.T) {
	triage, err := ShippedTriage(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []Habitat{
		{Address: "decorte@un.org", Password: "Habitat2017", IMAPPort: 1143, SMTPPort: 1025},
		{Address: "decorte@un.org", Password: "Habitat2017", IMAPPort: 1143, SMTPPort: 1025, Connections: 2, Rate: "5/s"},
	} {
		c := load(t, Head("herald.db", RepoTemplates(), false, "info")+"accounts:\n"+h.YAML()+"\n"+triage)
		a := c.Accounts[0]
		if a.IMAP.Port != h.IMAPPort || a.IMAP.Username != h.Address || a.SMTP.Port != h.SMTPPort || a.SMTP.SentFolder != SentFolder {
			t.Errorf("habitat loaded as %+v", a)
		}
		if h.Connections != 0 && a.SMTP.Connections != h.Connections {
			t.Errorf("smtp.connections = %d, want %d", a.SMTP.Connections, h.Connections)
		}
		if ack, _ := c.Triage.Ack(nil); ack {
			t.Error("triage.acknowledge is true after ShippedTriage(false)")
		}
	}
}

func TestShippedTriage(t *testing.T) {
	for _, ack := range []bool{false, true} {
		s, err := ShippedTriage(ack)
		if err != nil {
			t.Fatal(err)
		}
		want := "\n  acknowledge: false\n"
		if ack {
			want = "\n  acknowledge: true\n"
		}
		if !strings.HasPrefix(s, "triage:\n") || !strings.Contains(s, want) {
			t.Errorf("ShippedTriage(%t) does not start with triage: or lacks %q:\n%s", ack, want, s)
		}
		// It stops before the next top-level key.
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n")[1:] {
			if l != "" && !strings.HasPrefix(l, " ") {
				t.Errorf("ShippedTriage(%t) runs into %q", ack, l)
			}
		}
	}
}

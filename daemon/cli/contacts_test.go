package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestContactsShowUnsubscribeResubscribe(t *testing.T) {
	cfg := testConfig(t)
	path := writeFile(t, filepath.Join(t.TempDir(), "m.csv"), mayorsCSV)
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", path); code != ExitOK {
		t.Fatalf("import = %d %s %s", code, out, errOut)
	}
	if code, out, errOut := herald(t, cfg, "lists", "import", "press", path); code != ExitOK {
		t.Fatalf("import press = %d %s %s", code, out, errOut)
	}

	code, out, _ := herald(t, cfg, "contacts", "unsubscribe", "Bart@MECHELEN.example", "--list", "press")
	if code != ExitOK || !strings.Contains(out, "Bart@MECHELEN.example unsubscribed from press (by cli") {
		t.Errorf("unsubscribe --list press = %d %s", code, out)
	}
	if code, out, _ := herald(t, cfg, "contacts", "unsubscribe", "bart@mechelen.example", "--list", "press"); code != ExitOK ||
		!strings.Contains(out, "already unsubscribed") {
		t.Errorf("second unsubscribe = %d %s", code, out)
	}

	code, out, _ = herald(t, cfg, "contacts", "show", "bart@mechelen.example", "--json")
	var c struct {
		Email, Name, Language, Status, RSVP string
		Bounces                             int
		Lists                               []struct{ Name, Status string }
		Fields                              map[string]string
		Events                              []struct{ Kind, List, Actor string }
		Sent, Received                      []any
	}
	if err := json.Unmarshal([]byte(out), &c); code != ExitOK || err != nil {
		t.Fatalf("show --json = %d %v\n%s", code, err, out)
	}
	if c.Email != "bart@mechelen.example" || c.Name != "Bart Somers" || c.Status != "subscribed" || c.RSVP != "none" ||
		len(c.Lists) != 2 || c.Lists[1].Name != "press" || c.Lists[1].Status != "unsubscribed" ||
		c.Fields["salutation"] != "Dear Mayor Somers" || c.Sent == nil || c.Received == nil {
		t.Errorf("show --json = %+v", c)
	}
	if len(c.Events) != 1 || c.Events[0].Kind != "unsubscribed" || !strings.HasPrefix(c.Events[0].Actor, "cli") {
		t.Errorf("events = %+v", c.Events)
	}
	for _, key := range []string{`"sent": []`, `"received": []`, `"fields": {`, `"bounces": 0`} {
		if !strings.Contains(out, key) {
			t.Errorf("show --json lacks %s:\n%s", key, out)
		}
	}

	if code, out, _ := herald(t, cfg, "contacts", "show", "bart@mechelen.example"); code != ExitOK ||
		!strings.Contains(out, "mayors (subscribed), press (unsubscribed)") || !strings.Contains(out, "history (1):") {
		t.Errorf("show = %d\n%s", code, out)
	}

	if code, out, _ := herald(t, cfg, "contacts", "resubscribe", "bart@mechelen.example"); code != ExitOK ||
		!strings.Contains(out, "resubscribed to press") {
		t.Errorf("resubscribe = %d %s", code, out)
	}
	if code, _, errOut := herald(t, cfg, "contacts", "show", "nobody@x.example"); code != ExitFailure || !strings.Contains(errOut, "no contact nobody@x.example") {
		t.Errorf("show nobody = %d %s", code, errOut)
	}
	if code, _, errOut := herald(t, cfg, "contacts", "unsubscribe", "bart@mechelen.example", "--list", "ministries"); code != ExitFailure ||
		!strings.Contains(errOut, "not on list ministries") {
		t.Errorf("unsubscribe from a list it is not on = %d %s", code, errOut)
	}
}

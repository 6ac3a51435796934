package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/sender"
)

// TestSMTPHealthOnToday: an account's SMTP server is on Today in words,
// with the reason when it fails; one not tried yet says so; /healthz
// says "failing" and never the reason. A user limited to one account
// is not told of another account's unused server.
func TestSMTPHealthOnToday(t *testing.T) {
	f := newFixture(t, "", true)
	f.srv.Health.Set(sender.HealthName("habitat"), errors.New("smtp connect: dial tcp 192.0.2.7:587: i/o timeout"))
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	_, body := do(t, alice, "GET", f.ts.URL+"/", nil, nil)
	for _, want := range []string{
		"Outgoing mail server (SMTP) of <strong>habitat</strong>:\n      not working — smtp connect: dial tcp 192.0.2.7:587: i/o timeout",
		"Outgoing mail server (SMTP) of <strong>unep</strong>:\n      not used since herald started",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("Today lacks %q", want)
		}
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/", nil, map[string]string{"Accept-Language": "fr"})
	if !strings.Contains(body, "Serveur d&#39;envoi (SMTP) de <strong>habitat</strong>:\n      ne fonctionne pas") {
		t.Error("French Today lacks the SMTP server's line")
	}
	code, body := do(t, &http.Client{}, "GET", f.ts.URL+"/healthz", nil, nil)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"component":"smtp habitat","state":"failing"`) || strings.Contains(body, "192.0.2.7") {
		t.Errorf("healthz = %d %s: want 503, smtp habitat failing, and no reason", code, body)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	_, body = do(t, bob, "GET", f.ts.URL+"/", nil, nil)
	if !strings.Contains(body, "(SMTP) of <strong>unep</strong>:\n      not used") {
		t.Error("bob's Today lacks unep's SMTP server")
	}
	f.srv.Health.Set(sender.HealthName("habitat"), nil)
	f.srv.Health.Remove(sender.HealthName("habitat"))
	_, body = do(t, bob, "GET", f.ts.URL+"/", nil, nil)
	if strings.Contains(body, "<strong>habitat</strong>:\n      not used") {
		t.Error("bob is told of habitat's unused SMTP server")
	}
}

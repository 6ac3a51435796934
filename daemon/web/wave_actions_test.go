package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

// sentMail is one message a test send handed to the fake pool.
type sentMail struct {
	account, from, to string
	raw               []byte
}

// fakePool stands for an account's SMTP pool in test sends.
type fakePool struct {
	account string
	sent    chan sentMail
}

func (p *fakePool) Stream(context.Context) (*sender.Stream, error) {
	return nil, errors.New("fakePool: no streams")
}

func (p *fakePool) Send(_ context.Context, from, to string, raw []byte) error {
	if to == "refused@example.org" {
		return errors.New("550 5.1.1 mailbox unavailable")
	}
	p.sent <- sentMail{p.account, from, to, raw}
	return nil
}

func (f *fixture) testPool(_ *config.Config, account string) (waves.Sender, func(), error) {
	if f.sent == nil {
		f.sent = make(chan sentMail, 10)
	}
	return &fakePool{account: account, sent: f.sent}, func() {}, nil
}

var form = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

// TestWaveSendNow: send now starts a run for the daemon's scheduler to
// send, recorded with who asked; a second while it is under way, or on a
// paused wave, is 409 with the reason; another account's wave is 403.
func TestWaveSendNow(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/waves/invitation/send", nil, nil)
	if code != 200 || !strings.Contains(body, `"run": 1`) || !strings.Contains(body, `"by": "web:alice"`) {
		t.Fatalf("send now: %d %s", code, body)
	}
	last, err := f.st.LastRun(context.Background(), "invitation")
	if err != nil || last == nil || last.Run != 1 || last.Finished || last.Planned {
		t.Fatalf("run after send now = %+v, %v; want run 1 started, not planned (the scheduler plans it)", last, err)
	}
	if code, body := do(t, alice, "POST", f.ts.URL+"/api/v1/waves/invitation/send", nil, nil); code != 409 || !strings.Contains(body, "under way") {
		t.Errorf("second send now: %d %s", code, body)
	}
	do(t, alice, "POST", f.ts.URL+"/api/v1/waves/briefing/pause", nil, nil)
	code, body = do(t, alice, "POST", f.ts.URL+"/api/v1/waves/briefing/send", strings.NewReader("from_page=1"), form)
	if code != 409 || !strings.Contains(body, `id="notice"`) || !strings.Contains(body, "resume it first") {
		t.Errorf("send now of a paused wave from the page: %d\n%s", code, body)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	if code, _ := do(t, bob, "POST", f.ts.URL+"/api/v1/waves/invitation/send", nil, nil); code != 403 {
		t.Errorf("bob sends another account's wave: %d", code)
	}
}

// TestWavePreviewAndTestSend: the preview is the exact message for the
// chosen contact; a test send goes through the account's pool to the
// address given, rendered for the contact if one is named; bad input
// says what is wrong; a limited user cannot render another's contact.
func TestWavePreviewAndTestSend(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	code, body := do(t, alice, "GET", f.ts.URL+"/api/v1/waves/invitation/preview?contact=maire@dakar.example", nil, nil)
	p := decode[struct{ To, Subject, Text, Raw string }](t, body)
	if code != 200 || !strings.Contains(p.To, "maire@dakar.example") || p.Subject == "" || !strings.Contains(p.Raw, "Message-ID:") {
		t.Errorf("preview: %d %+v", code, p)
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/waves/invitation/preview?contact=maire@dakar.example", nil, nil)
	if code != 200 || !strings.Contains(body, `id="preview-text"`) || !strings.Contains(body, "maire@dakar.example") {
		t.Errorf("preview page: %d\n%s", code, body)
	}
	if code, body := do(t, alice, "GET", f.ts.URL+"/waves/invitation/preview?contact=nobody@nowhere.example", nil, nil); code != 404 || !strings.Contains(body, "no contact nobody@nowhere.example") {
		t.Errorf("preview for an unknown contact: %d", code)
	}

	send := func(c *http.Client, v url.Values) (int, string) {
		return do(t, c, "POST", f.ts.URL+"/api/v1/waves/invitation/test", strings.NewReader(v.Encode()), form)
	}
	if code, body := send(alice, url.Values{"to": {"not an address"}}); code != 400 || !strings.Contains(body, "give one address") {
		t.Errorf("test to a bad address: %d %s", code, body)
	}
	code, body = send(alice, url.Values{"to": {"organiser@example.org"}, "contact": {"maire@dakar.example"}, "from_page": {"1"}})
	if code != 200 || !strings.Contains(body, "Test copy sent (not counted as a delivery) to organiser@example.org") {
		t.Errorf("test send from the page: %d\n%s", code, body)
	}
	m := <-f.sent
	if m.to != "organiser@example.org" || m.from != "gccm@unhabitat.example" || !strings.Contains(string(m.raw), "maire@dakar.example") {
		t.Errorf("test send handed over %s → %s:\n%.300s", m.from, m.to, m.raw)
	}
	if code, body := send(alice, url.Values{"to": {"refused@example.org"}}); code != 502 || !strings.Contains(body, "550 5.1.1 mailbox unavailable") {
		t.Errorf("refused test send: %d %s", code, body)
	}
	if last, err := f.st.LastRun(context.Background(), "invitation"); err != nil || last != nil {
		t.Errorf("a test send started a run: %+v, %v", last, err)
	}

	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	if code, _ := do(t, bob, "GET", f.ts.URL+"/api/v1/waves/briefing/preview?contact=maire@dakar.example", nil, nil); code != 404 {
		t.Errorf("bob renders a contact of another account's list: %d", code)
	}
}

// TestContactUnsubscribeAndExport: the contact page's buttons
// unsubscribe and resubscribe, recorded with the user's name; the list
// exports as CSV and as Excel's CSV; a limited user can do neither to
// another account's contact or list.
func TestContactUnsubscribeAndExport(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	u := f.ts.URL + "/api/v1/contacts/maire@dakar.example/"
	code, _ := do(t, alice, "POST", u+"unsubscribe", strings.NewReader("from_page=1&reason=asked+by+phone"), form)
	if code != http.StatusSeeOther {
		t.Fatalf("unsubscribe from the page: %d", code)
	}
	_, body := do(t, alice, "GET", f.ts.URL+"/contacts/maire@dakar.example", nil, nil)
	if !strings.Contains(body, "<strong>web:alice</strong>: asked by phone") {
		t.Errorf("contact page after unsubscribe:\n%s", body)
	}
	c, err := f.st.Contact(context.Background(), "maire@dakar.example")
	if err != nil || len(c.Lists) != 1 || c.Lists[0].Status != store.StatusUnsubscribed {
		t.Errorf("contact after unsubscribe = %+v, %v", c, err)
	}
	code, body = do(t, alice, "POST", u+"resubscribe", strings.NewReader("list=mayors"), form)
	if code != 200 || !strings.Contains(body, `"changed": [`) || !strings.Contains(body, `"mayors"`) {
		t.Errorf("resubscribe: %d %s", code, body)
	}

	code, body = do(t, alice, "GET", f.ts.URL+"/lists/mayors/export?excel=1", nil, nil)
	if code != 200 || !strings.HasPrefix(body, "\ufeffemail,name,") || !strings.Contains(body, "\r\nmaire@dakar.example,") {
		t.Errorf("Excel export: %d %q", code, body[:min(len(body), 200)])
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/api/v1/lists/mayors/export?status=subscribed", nil, nil)
	if code != 200 || strings.HasPrefix(body, "\ufeff") || strings.Contains(body, "\r\n") || !strings.Contains(body, "maire@dakar.example") {
		t.Errorf("CSV export: %d %q", code, body)
	}
	if code, _ := do(t, alice, "GET", f.ts.URL+"/api/v1/lists/mayors/export?status=gone", nil, nil); code != 400 {
		t.Errorf("export with a bad status: %d", code)
	}

	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	if code, _ := do(t, bob, "POST", u+"unsubscribe", nil, nil); code != 403 {
		t.Errorf("bob unsubscribes another account's contact: %d", code)
	}
	if code, _ := do(t, bob, "GET", f.ts.URL+"/lists/mayors/export", nil, nil); code != 403 {
		t.Errorf("bob exports another account's list: %d", code)
	}
}

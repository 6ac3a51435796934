package web

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/store"
)

// TestSandboxWrite: the sandbox page's form delivers a message written
// as an invitee would through the sandbox's SMTP server (here one that
// captures it); a missing field, an address that is no account's or
// another account's for a limited user is refused with the reason, and
// the form keeps what was typed.
func TestSandboxWrite(t *testing.T) {
	f := newFixture(t, apiToken, true)
	got := make(chan sandbox.Captured, 1)
	sb, err := sandbox.Start(context.Background(), sandbox.Options{
		Capture: func(_ context.Context, m sandbox.Captured) error { got <- m; return nil },
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if err := f.st.SetRuntime(context.Background(), store.RuntimeSandboxSMTP, sb.SMTPAddr()); err != nil {
		t.Fatal(err)
	}
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	post := func(v url.Values) (int, string) {
		return do(t, alice, "POST", f.ts.URL+"/api/v1/sandbox/write", strings.NewReader(v.Encode()), form)
	}
	v := url.Values{"from_page": {"1"}, "from": {"Amina Diallo <amina@dakar.example>"}, "to": {"gccm@unhabitat.example"},
		"subject": {"Visa letter, s'il vous plaît"}, "text": {"Dear colleagues,\r\n\r\nI need a visa letter.\r\n"}}
	code, _ := post(v)
	if code != 303 {
		t.Fatalf("write: %d", code)
	}
	select {
	case m := <-got:
		raw := string(m.Raw)
		if m.From != "amina@dakar.example" || !strings.Contains(raw, "I need a visa letter.") || !strings.Contains(raw, "Amina Diallo") {
			t.Errorf("delivered from %s:\n%s", m.From, raw)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing reached the sandbox's SMTP server")
	}
	_, body := do(t, alice, "GET", f.ts.URL+"/sandbox?sent=1", nil, nil)
	if !strings.Contains(body, `id="write-sent"`) {
		t.Errorf("no confirmation on the sandbox page")
	}
	v.Set("to", "someone@elsewhere.example")
	code, body = post(v)
	if code != 400 || !strings.Contains(body, "is not the address of an account you may see") || !strings.Contains(body, "Visa letter, s&#39;il vous plaît") {
		t.Errorf("write to a stranger: %d\n%s", code, body)
	}
	v.Del("from_page")
	v.Set("to", "gccm@unhabitat.example")
	v.Set("from", "not an address")
	if code, body := post(v); code != 400 || !strings.Contains(body, `from \"not an address\"`) {
		t.Errorf("write from a bad address: %d %s", code, body)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	v.Set("from", "li@beijing.example")
	if code, body := do(t, bob, "POST", f.ts.URL+"/api/v1/sandbox/write", strings.NewReader(v.Encode()), form); code != 400 || !strings.HasSuffix(strings.TrimSpace(body), "(gccm@unep.example)\"\n}") {
		t.Errorf("bob writes to another account: %d %s", code, body)
	}
}

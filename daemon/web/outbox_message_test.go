package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// hostileCaptured is a message as a template gone wrong might send: a
// text part, an HTML part with a script, and a PDF.
const hostileCaptured = "From: GCCM <gccm@unhabitat.example>\r\nTo: mayor@kampala.example\r\nSubject: Invitation <b>now</b>\r\n" +
	"Message-ID: <inv-1@herald.test>\r\nList-Unsubscribe: <https://herald.example/u/abc>\r\nMIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=OUT\r\n\r\n--OUT\r\nContent-Type: multipart/alternative; boundary=ALT\r\n\r\n" +
	"--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDear Mayor,\r\n<script>alert('text')</script>\r\n" +
	"--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Dear Mayor,</p><script>alert('html')</script><img src=x onerror=alert(1)>\r\n--ALT--\r\n" +
	"--OUT\r\nContent-Type: application/pdf; name=programme.pdf\r\nContent-Disposition: attachment; filename=programme.pdf\r\n" +
	"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--OUT--\r\n"

// TestCapturedMessagePage: a captured message shows its headers, its
// text escaped, never its HTML, and its attachments by name, as a page
// and as JSON; another account's message is not found.
func TestCapturedMessagePage(t *testing.T) {
	f := newFixture(t, apiToken, true)
	ctx := context.Background()
	add := func(from, raw string) int64 {
		t.Helper()
		if err := f.st.AddCaptured(ctx, store.CapturedMessage{From: from, To: []string{"mayor@kampala.example"}, Subject: "x",
			ReceivedAt: time.Now(), Raw: []byte(raw)}); err != nil {
			t.Fatal(err)
		}
		var last int64
		f.st.Captured(ctx, false, func(m store.CapturedMessage) error { last = m.ID; return nil })
		return last
	}
	id := add("gccm@unhabitat.example", hostileCaptured)
	htmlOnly := add("gccm@unhabitat.example", "From: gccm@unhabitat.example\r\nTo: a@b.example\r\nSubject: HTML only\r\n"+
		"Content-Type: text/html\r\n\r\n<p>Hello <b>there</b></p><script>alert(2)</script>\r\n")
	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)

	code, body := do(t, alice, "GET", f.ts.URL+"/sandbox", nil, nil)
	if code != 200 || !strings.Contains(body, `href="/sandbox/outbox/`+strconv.FormatInt(id, 10)+`"`) {
		t.Fatalf("outbox: %d, no link to the message", code)
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/sandbox/outbox/"+strconv.FormatInt(id, 10), nil, nil)
	if code != 200 {
		t.Fatalf("captured page: %d", code)
	}
	for _, want := range []string{
		`<h2 id="msg-subject">Invitation &lt;b&gt;now&lt;/b&gt;</h2>`,
		`<th scope="row">List-Unsubscribe</th><td>&lt;https://herald.example/u/abc&gt;</td>`,
		"Dear Mayor,\n&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;",
		`id="msg-has-html"`,
		"programme.pdf — application/pdf, 9 B",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("captured page lacks %q", want)
		}
	}
	for _, never := range []string{"<script>alert", "alert('html')", "onerror", "<b>now"} {
		if strings.Contains(body, never) {
			t.Errorf("captured page contains %q: the message's markup got through", never)
		}
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/sandbox/outbox/"+strconv.FormatInt(htmlOnly, 10), nil, nil)
	if !strings.Contains(body, "only an HTML version") || !strings.Contains(body, "Hello there") || strings.Contains(body, "<b>there") {
		t.Error("an HTML-only message should show as its text, with a note, never as HTML")
	}

	code, body = do(t, &http.Client{}, "GET", f.ts.URL+"/api/v1/sandbox/outbox/"+strconv.FormatInt(id, 10), nil, bearer)
	v := decode[capturedView](t, body)
	if code != 200 || !v.HasHTML || len(v.Atts) != 1 || v.Atts[0].Name != "programme.pdf" || !strings.Contains(v.Text, "Dear Mayor,") {
		t.Errorf("captured API: %d %+v", code, v)
	}

	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	for _, path := range []string{"/sandbox/outbox/" + strconv.FormatInt(id, 10), "/api/v1/sandbox/outbox/" + strconv.FormatInt(id, 10), "/sandbox/outbox/999", "/sandbox/outbox/x"} {
		if code, _ := do(t, bob, "GET", f.ts.URL+path, nil, nil); code != http.StatusNotFound {
			t.Errorf("bob GET %s = %d, want 404", path, code)
		}
	}
}

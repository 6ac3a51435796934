package web

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/waves"
)

// sse is one server-sent event.
type sse struct{ name, data string }

// openEvents opens GET /api/v1/events with c and returns its events as
// they come; the channel closes when the stream ends.
func openEvents(t *testing.T, c *http.Client, base string) (*http.Response, <-chan sse) {
	t.Helper()
	resp, err := c.Get(base + "/api/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	out := make(chan sse, 64)
	if resp.StatusCode != http.StatusOK {
		close(out)
		return resp, out
	}
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" || ev.data != "" {
					out <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, ": "):
				out <- sse{name: "comment"}
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return resp, out
}

// next waits for the next event named name (others are skipped); the
// timeout only keeps a broken server from hanging the test.
func next(t *testing.T, evs <-chan sse, name string) (sse, bool) {
	t.Helper()
	limit := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				return sse{}, false
			}
			if ev.name == name {
				return ev, true
			}
		case <-limit:
			t.Fatalf("no %q event", name)
		}
	}
}

// runFixture serves f's dashboard through Run, with read and write
// timeouts far shorter than the test's streams live.
func runFixture(t *testing.T, f *fixture, mod func(*Limits)) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	s := f.srv
	s.Limits.Read, s.Limits.Write = 200*time.Millisecond, 200*time.Millisecond
	s.Limits.StreamTick, s.Limits.Heartbeat = 20*time.Millisecond, 50*time.Millisecond
	if mod != nil {
		mod(&s.Limits)
	}
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(cancel)
	return "http://" + s.Addr(), cancel, done
}

func loginAt(t *testing.T, f *fixture, base, name, pw string) *http.Client {
	t.Helper()
	c := f.client(t)
	resp, err := c.PostForm(base+"/login", url.Values{"name": {name}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", name, resp.StatusCode)
	}
	return c
}

// TestEventsStreamOutlivesTimeouts: a stream lives past the server's read
// and write timeouts, says a new enquiry of the user's account, carries
// only the user's waves, and ends cleanly when the server stops: Run
// returns nil, not Shutdown's deadline error.
func TestEventsStreamOutlivesTimeouts(t *testing.T) {
	f := newFixture(t, "", true)
	base, stop, done := runFixture(t, f, nil)
	c := loginAt(t, f, base, "bob", bobPassword)
	resp, evs := openEvents(t, c, base)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	first, _ := next(t, evs, "queue")
	w, _ := next(t, evs, "waves")
	if !strings.Contains(w.data, `"name":"briefing"`) || strings.Contains(w.data, `"name":"invitation"`) {
		t.Errorf("bob's waves event = %s, want briefing (unep) and not invitation (habitat)", w.data)
	}
	// Outlive Read and Write (200 ms) several times over: heartbeats go on.
	for range 10 {
		if _, ok := next(t, evs, "comment"); !ok {
			t.Fatal("the stream ended within the server's timeouts")
		}
	}
	f.addEnquiry(t, "UNEP-0001", "unep", "ana@x.example", "Visa", time.Now())
	q, ok := next(t, evs, "queue")
	if !ok || q.data == first.data {
		t.Fatalf("after a new unep enquiry: queue event %q (ok %v), first was %q", q.data, ok, first.data)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Run() with a stream open = %v, want nil", err)
	}
	if _, ok := next(t, evs, "bye"); !ok {
		t.Error("the stream ended without its bye event at shutdown")
	}
}

// TestEventsRefused: without a session 401; beyond MaxStreams 503 (the
// page polls then); a logout ends the open stream.
func TestEventsRefused(t *testing.T) {
	f := newFixture(t, "", true)
	base, _, _ := runFixture(t, f, func(l *Limits) { l.MaxStreams = 1 })
	if code, body := do(t, f.client(t), "GET", base+"/api/v1/events", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("events without a session = %d %s, want 401", code, body)
	}
	c := loginAt(t, f, base, "alice", alicePassword)
	_, evs := openEvents(t, c, base)
	next(t, evs, "queue")
	if resp, _ := openEvents(t, loginAt(t, f, base, "bob", bobPassword), base); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a second stream with MaxStreams 1 = %d, want 503", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"/logout", nil)
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, ok := next(t, evs, "bye"); !ok {
		t.Error("the stream of a logged-out session ended without its bye event")
	}
}

// TestEventsForUser: a user limited to one account gets a queue digest
// that moves with that account only, and that account's waves.
func TestEventsForUser(t *testing.T) {
	bob := &Principal{Kind: "user", Name: "bob", Accounts: []string{"unep"}}
	snap := snapshot{stamps: map[string]string{"habitat": "open/general=1@1;", "unep": "open/general=1@2;"},
		waves: []waves.Status{{Name: "invitation", Account: "habitat"}, {Name: "briefing", Account: "unep"}}}
	q0, w0 := snap.forUser(bob)
	if string(w0) == "" || strings.Contains(string(w0), "invitation") || !strings.Contains(string(w0), "briefing") {
		t.Errorf("bob's waves = %s", w0)
	}
	snap.stamps["habitat"] = "open/general=2@3;"
	if q, _ := snap.forUser(bob); q != q0 {
		t.Errorf("bob's digest moved with habitat's queue: %s → %s", q0, q)
	}
	snap.stamps["unep"] = "open/general=2@4;"
	if q, _ := snap.forUser(bob); q == q0 {
		t.Error("bob's digest did not move with unep's queue")
	}
	alice := &Principal{Kind: "user", Name: "alice"}
	if _, w := snap.forUser(alice); !strings.Contains(string(w), "invitation") || !strings.Contains(string(w), "briefing") {
		t.Errorf("alice's waves = %s", w)
	}
}

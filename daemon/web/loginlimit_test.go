package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLoginLimiter: five failures within the window lock the key until
// the oldest is a window old; other keys are free; a success forgets.
func TestLoginLimiter(t *testing.T) {
	var l loginLimiter
	t0 := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range LoginFailures {
		if w := l.wait("a", t0); w != 0 {
			t.Fatalf("locked after %d failures", i)
		}
		l.fail("a", t0.Add(time.Duration(i)*time.Minute))
	}
	now := t0.Add(5 * time.Minute)
	if w := l.wait("a", now); w != 10*time.Minute {
		t.Errorf("wait after 5 failures = %v, want 10m (until the first is 15m old)", w)
	}
	if w := l.wait("b", now); w != 0 {
		t.Errorf("another key waits %v", w)
	}
	if w := l.wait("a", t0.Add(LoginWindow)); w != 0 {
		t.Errorf("still locked once the first failure left the window: %v", w)
	}
	l.reset("a")
	if w := l.wait("a", now); w != 0 {
		t.Errorf("locked after reset: %v", w)
	}
	for i := range maxLoginKeys + 10 {
		l.fail(strconv.Itoa(i), now)
	}
	if n := len(l.fails); n > maxLoginKeys {
		t.Errorf("%d keys kept, cap %d", n, maxLoginKeys)
	}
}

// TestLoginRateLimit: the sixth try after five wrong passwords is 429
// with Retry-After, even with the right password; another user name from
// the same address still logs in.
func TestLoginRateLimit(t *testing.T) {
	f := newFixture(t, apiToken, true)
	c := f.client(t)
	try := func(name, pw string) *http.Response {
		resp, err := c.PostForm(f.ts.URL+"/login", url.Values{"name": {name}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range LoginFailures {
		if resp := try("alice", "wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := try("alice", alicePassword)
	ra, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || ra < 1 || ra > int(LoginWindow.Seconds()) {
		t.Errorf("sixth try: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	code, body := do(t, c, "POST", f.ts.URL+"/login", strings.NewReader("name=alice&password=x"), form)
	if code != 429 || !strings.Contains(body, `id="login-locked"`) {
		t.Errorf("locked page: %d", code)
	}
	if resp := try("bob", bobPassword); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("bob from the same address: %d", resp.StatusCode)
	}
}

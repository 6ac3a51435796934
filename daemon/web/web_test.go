package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
)

func start(t *testing.T, token string) (*Server, string) {
	t.Helper()
	return startWith(t, token, nil)
}

// startWith is start with a chance to change the server (its limits)
// before it runs.
func startWith(t *testing.T, token string, mod func(*Server)) (*Server, string) {
	t.Helper()
	m := metrics.New("test")
	s := New("127.0.0.1:0", token, slog.New(slog.NewTextHandler(io.Discard, nil)), service.NewHealth(m), m)
	if mod != nil {
		mod(s)
	}
	if err := s.Bind(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v", err)
		}
	})
	return s, "http://" + s.Addr()
}

func get(t *testing.T, url string, mod func(*http.Request)) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if mod != nil {
		mod(req)
	}
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthzNamesUnhealthyComponent(t *testing.T) {
	s, base := start(t, "")
	deadline := time.Now().Add(5 * time.Second)
	for resp, _ := get(t, base+"/healthz", nil); resp.StatusCode != 200; resp, _ = get(t, base+"/healthz", nil) {
		if time.Now().After(deadline) {
			t.Fatalf("healthz = %d while healthy", resp.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The reason names a server and quotes its reply: the log gets it,
	// /healthz (served without a token) must not.
	s.Health.Set("inbox habitat/INBOX", errors.New(`dial imap.example.org:993 (10.1.2.3:993): server said "NO [AUTHENTICATIONFAILED] user decorte@un.org"`))
	resp, body := get(t, base+"/healthz", nil)
	if resp.StatusCode != 503 {
		t.Fatalf("healthz = %d, want 503", resp.StatusCode)
	}
	var got struct {
		OK         bool `json:"ok"`
		Components []struct {
			Component string `json:"component"`
			State     string `json:"state"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.OK || len(got.Components) != 2 || got.Components[0].Component != "inbox habitat/INBOX" ||
		got.Components[0].State != "failing" || got.Components[1].Component != "web" || got.Components[1].State != "ok" {
		t.Errorf("healthz body = %s", body)
	}
	for _, leak := range []string{"example.org", "10.1.2.3", "993", "AUTHENTICATIONFAILED", "decorte"} {
		if strings.Contains(body, leak) {
			t.Errorf("healthz body leaks %q: %s", leak, body)
		}
	}
}

func TestMetricsNeedTheToken(t *testing.T) {
	s, base := start(t, "s3cret")
	s.Metrics.Panics.WithLabelValues("x").Inc()
	if resp, _ := get(t, base+"/metrics", nil); resp.StatusCode != 401 {
		t.Errorf("no token: %d, want 401", resp.StatusCode)
	}
	if resp, _ := get(t, base+"/metrics", func(r *http.Request) { r.Header.Set("Authorization", "Bearer wrong") }); resp.StatusCode != 401 {
		t.Errorf("wrong token: %d, want 401", resp.StatusCode)
	}
	resp, body := get(t, base+"/metrics", func(r *http.Request) { r.Header.Set("Authorization", "Bearer s3cret") })
	if resp.StatusCode != 200 || !strings.Contains(body, `herald_panics_total{component="x"} 1`) {
		t.Errorf("bearer: %d %q", resp.StatusCode, body[:min(len(body), 200)])
	}
	resp, _ = get(t, base+"/metrics", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: CookieName, Value: "s3cret"}) })
	if resp.StatusCode != 200 {
		t.Errorf("cookie: %d, want 200", resp.StatusCode)
	}
	s.SetToken("rotated")
	if resp, _ := get(t, base+"/metrics", func(r *http.Request) { r.Header.Set("Authorization", "Bearer s3cret") }); resp.StatusCode != 401 {
		t.Errorf("old token after reload: %d, want 401", resp.StatusCode)
	}
}

func TestNoTokenOnLoopbackIsOpen(t *testing.T) {
	_, base := start(t, "")
	if resp, _ := get(t, base+"/metrics", nil); resp.StatusCode != 200 {
		t.Errorf("metrics without token on loopback: %d", resp.StatusCode)
	}
}

package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
)

// fakeUnsub records unsubscribes; the token "good" is valid.
type fakeUnsub struct {
	mu   sync.Mutex
	done []string
}

func (f *fakeUnsub) Check(_ context.Context, token string) (string, error) {
	if token != "good" {
		return "", ErrBadToken
	}
	return "mayor@kampala.example", nil
}

func (f *fakeUnsub) Unsubscribe(ctx context.Context, token string) (string, error) {
	email, err := f.Check(ctx, token)
	if err == nil {
		f.mu.Lock()
		f.done = append(f.done, email)
		f.mu.Unlock()
	}
	return email, err
}

func (f *fakeUnsub) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.done)
}

func unsubServer(t *testing.T, token string) (*httptest.Server, *fakeUnsub) {
	m := metrics.New("test")
	s := New("127.0.0.1:0", token, slog.New(slog.NewTextHandler(io.Discard, nil)), service.NewHealth(m), m)
	f := &fakeUnsub{}
	s.HandleUnsubscribe(f)
	ts := httptest.NewServer(s.mux)
	t.Cleanup(ts.Close)
	return ts, f
}

// TestOneClickPostAndScannerSafeGet: RFC 8058's POST unsubscribes, with
// no dashboard token; a GET (what link scanners do) changes nothing.
func TestOneClickPostAndScannerSafeGet(t *testing.T) {
	ts, f := unsubServer(t, "dashboard-secret")
	resp, err := http.Get(ts.URL + "/u/good")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `<form method="post">`) || f.count() != 0 {
		t.Fatalf("GET: %d, unsubscribed %d\n%s", resp.StatusCode, f.count(), body)
	}
	resp, err = http.Post(ts.URL+"/u/good", "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || f.count() != 1 {
		t.Errorf("POST: %d, unsubscribed %d", resp.StatusCode, f.count())
	}
	resp, _ = http.Post(ts.URL+"/u/forged", "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	resp.Body.Close()
	if resp.StatusCode != 404 || f.count() != 1 {
		t.Errorf("forged token: %d", resp.StatusCode)
	}
}

// TestUnsubscribePageHeaders: no other site may frame the page (its
// button unsubscribes), it loads nothing but its own style, and the token
// in its URL goes to no other site as a Referer — on every answer.
func TestUnsubscribePageHeaders(t *testing.T) {
	ts, _ := unsubServer(t, "")
	for _, r := range []struct{ method, path string }{{"GET", "/u/good"}, {"POST", "/u/good"}, {"GET", "/u/forged"}} {
		req, _ := http.NewRequest(r.method, ts.URL+r.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "default-src 'none'", "form-action 'self'", "base-uri 'none'", "style-src 'sha256-"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s %s: Content-Security-Policy %q lacks %q", r.method, r.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s %s: Content-Security-Policy %q allows more than the page needs", r.method, r.path, csp)
		}
		for h, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s %s: %s = %q, want %q", r.method, r.path, h, got, want)
			}
		}
	}
}

// TestUnsubscribePageInChromium opens the page in real headless Chromium,
// checks what a person sees, clicks the button, and checks the result.
func TestUnsubscribePageInChromium(t *testing.T) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install chromium); CI=true requires it")
		}
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	ts, f := unsubServer(t, "")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first action starts the browser: no timeout on it (it would end
	// the browser); later steps run under one.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/u/good")); err != nil {
		t.Fatalf("open the page in chromium: %v", err)
	}
	step, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	title, err := chromedp.Run(step, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	email, err := chromedp.Run(step, chromedp.Text("#email"))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Unsubscribe" || email != "mayor@kampala.example" || f.count() != 0 {
		t.Fatalf("page: title %q email %q unsubscribed %d", title, email, f.count())
	}
	// The Content-Security-Policy lets the page's own style through (its
	// hash is right) and, with form-action 'self', the button's POST.
	bg, err := chromedp.Run(step, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#confirm")).backgroundColor`))
	if err != nil || bg != "rgb(26, 95, 180)" {
		t.Errorf("button background = %q, %v: the policy blocked the page's style", bg, err)
	}
	if err := chromedp.Do(step, chromedp.Click("#confirm"), chromedp.WaitVisible("#done")); err != nil {
		t.Fatalf("click: %v", err)
	}
	done, err := chromedp.Run(step, chromedp.Text("#done"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(done, "mayor@kampala.example will receive no more") || f.count() != 1 {
		t.Errorf("after the click: %q, unsubscribed %d", done, f.count())
	}
	if err := chromedp.Do(step, chromedp.Navigate(ts.URL+"/u/forged")); err != nil {
		t.Fatal(err)
	}
	problem, err := chromedp.Run(step, chromedp.Text("#problem"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(problem, "not valid") {
		t.Errorf("forged link page: %q", problem)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// dashboardConfig is a sandbox with two accounts, the shipped mayors
// list, a wave due in 2030 and two users: alice (every account) and bob
// (iom only).
func dashboardConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	hash := func(pw string) string {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), true), `http: {listen: "127.0.0.1:0"}`,
		fmt.Sprintf("http:\n  listen: 127.0.0.1:0\n  users:\n    - {name: alice, password_hash: '%s'}\n    - {name: bob, password_hash: '%s', accounts: [iom]}\n",
			hash("alice-password-1"), hash("bob-password-22")), 1)
	return writeConfig(t, dir, head+`accounts:
  - name: habitat
    address: decorte@un.org
    aliases: [gccm@un.org]
  - name: iom
    address: ipopp@iom.int
lists:
  - {name: mayors, file: `+filepath.Join(testconfig.RepoRoot(), "lists", "mayors.csv")+`}
waves:
  - {name: invitation, account: habitat, list: mayors, template: invitation, at: 2030-09-15T09:00:00+02:00}
triage:
  rules:
    - {name: visa, match: {subject: '(?i)\bvisas?\b'}, category: visa, folder: Triage/Visa, ack_template: ack-visa}
  default: {category: general, folder: Triage/General}
`, true)
}

// chromium starts headless Chromium for the test, or skips it (fails
// under CI=true) when Chromium is not installed.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (apt-get install chromium); CI=true requires it")
		}
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first action starts the browser: no timeout on it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step runs actions with a time limit and fails the test on error.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get reads a value from the page.
func get[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func inject(t *testing.T, cfg, subject string) {
	t.Helper()
	body := filepath.Join(t.TempDir(), "body.txt")
	os.WriteFile(body, []byte("Dear colleagues,\n\n"+subject+"\n\nThank you.\n"), 0o600)
	if out, errOut, code := herald(t, "--config", cfg, "sandbox", "inject", "--from", "amina.diallo@dakar.example",
		"--to", "decorte@un.org", "--subject", subject, "--body-file", body); code != 0 {
		t.Fatalf("inject: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDashboardInChromium uses the dashboard as a focal point would, in
// real headless Chromium against the real daemon: log in, watch an
// enquiry injected through the sandbox appear in the queue without a
// reload, close it, pause a wave, import a file with one bad row and see
// its line, log out. Requests without the session
// or from another site are refused. Every page is shot at 1280 and 390
// px wide (into docs/screenshots/ with HERALD_SCREENSHOTS=1).
func TestDashboardInChromium(t *testing.T) {
	ctx := chromium(t)
	cfg := dashboardConfig(t)
	d := startDaemon(t, cfg)
	base := "http://" + d.addrs["dashboard"]
	waitHealthy(t, d.addrs["dashboard"])

	step(t, ctx, "log in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/enquiries"),
		chromedp.WaitVisible("#name"), chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", "alice-password-1"),
		chromedp.Click("#login"), chromedp.WaitVisible("#user"))
	who := get(t, ctx, "user", chromedp.Text("#user"))
	path := get(t, ctx, "path", chromedp.Evaluate[string](`location.pathname`))
	if who != "alice" || path != "/enquiries" {
		t.Fatalf("after login: user %q on %s", who, path)
	}

	// A marker set on the page survives only if the page is not reloaded.
	get(t, ctx, "mark the page", chromedp.Evaluate[int](`window.heraldMarker = 42`))
	inject(t, cfg, "Visa letter for the Mechelen conference")
	step(t, ctx, "the enquiry appears", chromedp.WaitVisible(`tr[data-ref="GCCM-0001"]`))
	marker := get(t, ctx, "no reload", chromedp.Evaluate[int](`window.heraldMarker || 0`))
	if marker != 42 {
		t.Fatal("the queue page was reloaded to show the new enquiry")
	}
	if mode := get(t, ctx, "live mode", chromedp.Evaluate[string](`document.body.dataset.live`)); mode != "events" {
		t.Errorf("body[data-live] = %q, want events (the server-sent event stream)", mode)
	}

	step(t, ctx, "open it", chromedp.Click(`tr[data-ref="GCCM-0001"] a`), chromedp.WaitVisible("#close"))
	if text := get(t, ctx, "its text", chromedp.Text("#thread .msg-in .mailtext")); !strings.Contains(text, "Dear colleagues,\n\nVisa letter for the Mechelen conference") {
		t.Errorf("the thread shows %q, want the message's text with its line breaks", text)
	}
	step(t, ctx, "close it", chromedp.Click("#close"), chromedp.WaitVisible("#reopen"))
	status := get(t, ctx, "status", chromedp.Text("#status"))
	history := get(t, ctx, "history", chromedp.Text("#history"))
	if status != "closed" || !strings.Contains(history, "closed by web:alice") {
		t.Errorf("after close: status %q, history %q", status, history)
	}

	step(t, ctx, "pause the wave", chromedp.Navigate(base+"/waves/invitation"), chromedp.WaitVisible("#pause"),
		chromedp.Click("#pause"), chromedp.WaitVisible("#resume"))
	state := get(t, ctx, "paused", chromedp.Text("#wave-state"))
	out, _, _ := herald(t, "--config", cfg, "waves", "show", "invitation", "--json")
	var shown struct {
		State  string `json:"state"`
		Reason string `json:"state_reason"`
	}
	json.Unmarshal([]byte(out), &shown)
	if state != "paused" || shown.State != "paused" || shown.Reason != "paused by web:alice" {
		t.Errorf("wave: page %q, CLI %+v", state, shown)
	}

	importWithBadRow(t, ctx, base, cfg)
	previewAndTest(t, ctx, base, cfg)
	unsubscribeOnPage(t, ctx, base)
	templatesPage(t, ctx, base)

	writeAsInvitee(t, ctx, base, "Side event registration")
	waitFor(t, 20*time.Second, func() bool {
		out, _, _ := herald(t, "--config", cfg, "enquiries", "--json")
		return strings.Contains(out, "GCCM-0002")
	})
	sortByColumn(t, ctx, base)
	openCaptured(t, ctx, base)
	screenshots(t, ctx, base)

	step(t, ctx, "log out", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#logout"), chromedp.Click("#logout"),
		chromedp.WaitVisible("#password"), chromedp.Navigate(base+"/waves"), chromedp.WaitVisible("#password"))
	refusals(t, base)
	d.stop(t, syscall.SIGTERM)
}

// importWithBadRow uploads a file with one bad row on the list page:
// the preview names the row's line and writes nothing; Import now adds
// the good rows.
func importWithBadRow(t *testing.T, ctx context.Context, base, cfg string) {
	t.Helper()
	csv := filepath.Join(t.TempDir(), "new-mayors.csv")
	os.WriteFile(csv, []byte("email,name,country\nmaire@abidjan.example,Sylvestre Emmou,CI\nnot-an-address,Nobody,XX\n"), 0o600)
	step(t, ctx, "upload a file", chromedp.Navigate(base+"/lists/mayors"), chromedp.Click("details.import summary"),
		chromedp.SetUploadFiles("#import-file", []string{csv}), chromedp.Click("#import-preview"), chromedp.WaitVisible("#import-rejected"))
	summary := get(t, ctx, "preview", chromedp.Text("#import-summary"))
	rejected := get(t, ctx, "rejected", chromedp.Text("#import-rejected"))
	if !strings.Contains(summary, "1 to add") || !strings.Contains(rejected, "line 3:") {
		t.Errorf("preview: %q / %q", summary, rejected)
	}
	if out, _, _ := herald(t, "--config", cfg, "lists", "--json"); !strings.Contains(out, `"contacts":7,`) {
		t.Errorf("the preview wrote: %s", out)
	}
	step(t, ctx, "import", chromedp.Click("#import-run"), chromedp.WaitVisible("#import-done"))
	step(t, ctx, "the new contact", chromedp.Navigate(base+"/lists/mayors?q=abidjan"), chromedp.WaitVisible(`a[href="/contacts/maire@abidjan.example"]`))
}

// refusals: no session is 401 on the API; a forged cross-site form post
// with a valid session is 403 and changes nothing.
func refusals(t *testing.T, base string) {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/enquiries")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API without a session: %d", resp.StatusCode)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.PostForm(base+"/login", url.Values{"name": {"alice"}, "password": {"alice-password-1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/waves/invitation/resume", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site resume with a session: %d, want 403", resp.StatusCode)
	}
}

// screenshots shoots every page at a desktop and a phone width.
func screenshots(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	dir := t.TempDir()
	if os.Getenv("HERALD_SCREENSHOTS") == "1" {
		dir = filepath.Join(testconfig.RepoRoot(), "docs", "screenshots")
		os.MkdirAll(dir, 0o755)
	}
	pages := []struct{ name, path, ready string }{
		{"today", "/", "#h-health"},
		{"enquiries", "/enquiries?status=all", `tr[data-ref="GCCM-0002"]`},
		{"enquiry", "/enquiries/GCCM-0002", "#h-thread"},
		{"waves", "/waves", `tr[data-wave="invitation"]`},
		{"wave", "/waves/invitation", "#h-problems"},
		{"dry-run", "/waves/invitation/dry-run", "#dry-summary"},
		{"preview", "/waves/invitation/preview?contact=bart.somers@mechelen.example", "#preview-text"},
		{"lists", "/lists", "main table"},
		{"list", "/lists/mayors", "#contacts"},
		{"contact", "/contacts/bart.somers@mechelen.example", "#h-c"},
		{"sandbox", "/sandbox", "#outbox"},
		{"captured", "/sandbox/outbox/1", "#msg-text"},
		{"templates", "/templates?pick=invitation.en&contact=bart.somers@mechelen.example", "#rendered-text"},
	}
	for _, w := range []struct {
		width, height int64
	}{{1280, 900}, {390, 844}} {
		for _, p := range pages {
			step(t, ctx, "open "+p.name, chromedp.EmulateViewport(w.width, w.height), chromedp.Navigate(base+p.path),
				chromedp.WaitVisible(p.ready))
			png := get(t, ctx, "shoot "+p.name, chromedp.FullScreenshot(100))
			overflow := get(t, ctx, "width of "+p.name, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if overflow {
				t.Errorf("%s at %d px: the page is wider than the window", p.name, w.width)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, w.width)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

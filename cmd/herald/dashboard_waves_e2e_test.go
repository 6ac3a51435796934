package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// previewAndTest previews the wave's message for a contact on the wave's
// page, then sends a test copy through the daemon's path to the sandbox,
// whose outbox shows it.
func previewAndTest(t *testing.T, ctx context.Context, base, cfg string) {
	t.Helper()
	step(t, ctx, "preview", chromedp.Navigate(base+"/waves/invitation"), chromedp.WaitVisible("#preview-contact"),
		chromedp.SendKeys("#preview-contact", "bart.somers@mechelen.example"), chromedp.Click("#preview-go"),
		chromedp.WaitVisible("#preview-text"))
	to := get(t, ctx, "preview to", chromedp.Text("#preview-to"))
	text := get(t, ctx, "preview text", chromedp.Text("#preview-text"))
	if !strings.Contains(to, "bart.somers@mechelen.example") || !strings.Contains(text, "Somers") {
		t.Errorf("preview for Bart Somers: to %q, text %.200q", to, text)
	}
	step(t, ctx, "test send", chromedp.Navigate(base+"/waves/invitation"), chromedp.WaitVisible("#test-to"),
		chromedp.SendKeys("#test-to", "organiser@example.org"), chromedp.SendKeys("#test-contact", "bart.somers@mechelen.example"),
		chromedp.Click("#test-go"), chromedp.WaitVisible("#notice"))
	if n := get(t, ctx, "notice", chromedp.Text("#notice")); !strings.Contains(n, "organiser@example.org") {
		t.Errorf("after the test send: %q", n)
	}
	waitFor(t, 20*time.Second, func() bool {
		out, _, _ := herald(t, "--config", cfg, "sandbox", "outbox", "--json")
		return strings.Contains(out, "organiser@example.org")
	})
}

// unsubscribeOnPage unsubscribes a contact with the button on their page
// and sees who did it in their history.
func unsubscribeOnPage(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	step(t, ctx, "unsubscribe", chromedp.Navigate(base+"/contacts/maire@abidjan.example"), chromedp.WaitVisible("#unsubscribe"),
		chromedp.SendKeys("#unsubscribe-reason", "asked by phone"), chromedp.Click("#unsubscribe"),
		chromedp.WaitVisible("#resubscribe"))
	if h := get(t, ctx, "history", chromedp.Text("#h-ch + ul")); !strings.Contains(h, "web:alice") || !strings.Contains(h, "asked by phone") {
		t.Errorf("contact history after unsubscribe: %q", h)
	}
}

// templatesPage renders a template for a contact on the templates page.
func templatesPage(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	step(t, ctx, "templates", chromedp.Navigate(base+"/templates"), chromedp.WaitVisible(`tr[data-template="invitation"]`),
		chromedp.SetValue("#t-pick", "invitation.fr"), chromedp.SendKeys("#t-contact", "bart.somers@mechelen.example"),
		chromedp.Click("#t-render"), chromedp.WaitVisible("#rendered-text"))
	if text := get(t, ctx, "rendered", chromedp.Text("#rendered-text")); !strings.Contains(text, "Somers") {
		t.Errorf("invitation.fr rendered for Bart Somers: %.200q", text)
	}
}

// writeAsInvitee writes to the habitat focal point with the sandbox
// page's form, the path `herald sandbox inject` takes.
func writeAsInvitee(t *testing.T, ctx context.Context, base, subject string) {
	t.Helper()
	step(t, ctx, "write as an invitee", chromedp.Navigate(base+"/sandbox"), chromedp.Click("details.write summary"),
		chromedp.WaitVisible("#w-from"), chromedp.SendKeys("#w-from", "Li Wei <li.wei@beijing.example>"),
		chromedp.SetValue("#w-to", "decorte@un.org"), chromedp.SendKeys("#w-subject", subject),
		chromedp.SendKeys("#w-text", "Dear colleagues,\nHow do we register a side event?\n"), chromedp.Click("#w-send"),
		chromedp.WaitVisible("#write-sent"))
}

// screenshotDir is docs/screenshots under HERALD_SCREENSHOTS=1, else "".
func screenshotDir(t *testing.T) string {
	if os.Getenv("HERALD_SCREENSHOTS") != "1" {
		return ""
	}
	dir := filepath.Join(testconfig.RepoRoot(), "docs", "screenshots")
	os.MkdirAll(dir, 0o755)
	return dir
}

func writeShot(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

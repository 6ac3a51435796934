package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// openCaptured opens the first message of the sandbox's outbox from its
// link, as an organiser checking what herald sent would: its headers
// and its text show, and no markup from it became an element.
func openCaptured(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	step(t, ctx, "open a captured message", chromedp.Navigate(base+"/sandbox"), chromedp.Click("#outbox tr a"),
		chromedp.WaitVisible("#msg-text"))
	headers := get(t, ctx, "headers", chromedp.Text("#msg-headers"))
	text := get(t, ctx, "text", chromedp.Text("#msg-text"))
	if !strings.Contains(headers, "Message-ID") || !strings.Contains(headers, "From") || strings.TrimSpace(text) == "" {
		t.Errorf("captured message: headers %q, text %q", headers, text)
	}
	if n := get(t, ctx, "elements from the message", chromedp.Evaluate[int](`document.querySelectorAll("#msg-text *, article script, article img").length`)); n != 0 {
		t.Errorf("the captured message's page has %d elements inside the text", n)
	}
}

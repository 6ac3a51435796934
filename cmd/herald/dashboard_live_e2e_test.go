package main

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestDashboardPollsWithoutEvents: where the event stream cannot be had
// (here Chromium blocks it, as a proxy or a firewall might), the queue
// page falls back to polling and still shows a new enquiry without a
// reload.
func TestDashboardPollsWithoutEvents(t *testing.T) {
	ctx := chromium(t)
	cfg := dashboardConfig(t)
	d := startDaemon(t, cfg)
	base := "http://" + d.addrs["dashboard"]
	waitHealthy(t, d.addrs["dashboard"])
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/api/v1/events", Block: true}}}); err != nil {
		t.Fatalf("block the event stream: %v", err)
	}
	step(t, ctx, "log in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/enquiries"),
		chromedp.WaitVisible("#name"), chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", "alice-password-1"),
		chromedp.Click("#login"), chromedp.WaitVisible(`body[data-live="polling"]`))
	get(t, ctx, "mark the page", chromedp.Evaluate[int](`window.heraldMarker = 7`))
	inject(t, cfg, "Visa letter, sent while the stream is blocked")
	step(t, ctx, "the enquiry appears", chromedp.WaitVisible(`tr[data-ref="GCCM-0001"]`))
	if m := get(t, ctx, "no reload", chromedp.Evaluate[int](`window.heraldMarker || 0`)); m != 7 {
		t.Fatal("the queue page was reloaded to show the new enquiry")
	}
	if mode := get(t, ctx, "live mode", chromedp.Evaluate[string](`document.body.dataset.live`)); mode != "polling" {
		t.Errorf("body[data-live] = %q, want polling", mode)
	}
}

package main

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestDashboardPauseStopsSending: in real Chromium against the real
// daemon, a wave started with "Send now" runs against a slow smtp-sink
// (one connection, a second per message); "Pause" on the wave's page
// stops the daemon sending: the sink's count stops growing, well short
// of the list, while the page says paused.
func TestDashboardPauseStopsSending(t *testing.T) {
	ctx := chromium(t)
	const user, pass = "decorte@un.org", "Habitat2017"
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{Delays: []realserver.SinkDelay{{Command: "DATA", Seconds: 1}}})
	dir := t.TempDir()
	port := freeTCPPort(t)
	hash, _ := bcrypt.GenerateFromPassword([]byte("alice-password-1"), bcrypt.MinCost)
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), false), `http: {listen: "127.0.0.1:0"}`,
		fmt.Sprintf("http:\n  listen: 127.0.0.1:%d\n  users:\n    - {name: alice, password_hash: '%s'}\n", port, hash), 1)
	cfg := writeConfig(t, dir, head+fmt.Sprintf(`accounts:
  - name: habitat
    address: decorte@un.org
    imap: {host: 127.0.0.1, port: %d, security: none, username: decorte@un.org, password: %s, watch: [INBOX]}
    smtp: {host: 127.0.0.1, port: %d, security: none, connections: 1}
lists:
  - name: mayors
waves:
  - {name: invitation, account: habitat, list: mayors, template: invitation, at: 2030-09-15T09:00:00+02:00}
`, dv.Port, pass, sink.Port), true)
	const total = 40
	csv := filepath.Join(dir, "mayors.csv")
	writeContactsCSV(t, csv, waveContacts(total))
	herald(t, "--config", cfg, "lists", "import", "mayors", csv)
	startLiveHerald(t, "herald", cfg)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)

	step(t, ctx, "log in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/waves/invitation"),
		chromedp.WaitVisible("#name"), chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", "alice-password-1"),
		chromedp.Click("#login"), chromedp.WaitVisible("#send-now"))
	step(t, ctx, "send now", chromedp.Click("#send-now"), chromedp.WaitVisible("#notice"))
	sent := func() int {
		ms, err := sink.Messages()
		if err != nil {
			t.Fatal(err)
		}
		return len(ms)
	}
	waitFor(t, 60*time.Second, func() bool { return sent() >= 3 })
	step(t, ctx, "pause", chromedp.Navigate(base+"/waves/invitation"), chromedp.WaitVisible("#pause"),
		chromedp.Click("#pause"), chromedp.WaitVisible("#resume"))
	atPause := sent()
	// The message in flight when the pause lands may still arrive; after
	// that, nothing more.
	time.Sleep(3 * time.Second)
	settled := sent()
	time.Sleep(4 * time.Second)
	later := sent()
	if settled > atPause+1 || later != settled || later >= total {
		t.Errorf("sink after the pause: %d at the click, %d 3 s later, %d 4 s after that (list of %d)", atPause, settled, later, total)
	}
	t.Logf("sink: %d at the pause, %d after 3 s, %d after 7 s, of %d", atPause, settled, later, total)
	state := get(t, ctx, "state", chromedp.Text("#wave-state"))
	if state != "paused" {
		t.Errorf("wave page says %q, want paused", state)
	}
	// The daemon's pool reported its server after sending through it.
	step(t, ctx, "today", chromedp.Navigate(base+"/"), chromedp.WaitVisible("ul.health"))
	if health := get(t, ctx, "health", chromedp.Text("ul.health")); !strings.Contains(health, "Outgoing mail server (SMTP) of habitat: working") {
		t.Errorf("Today's health list = %q, want habitat's SMTP server working", health)
	}
	step(t, ctx, "rate chart", chromedp.Navigate(base+"/waves/invitation"), chromedp.WaitVisible("#chart-rate"))
	if shots := screenshotDir(t); shots != "" {
		png := get(t, ctx, "shoot wave-sending", chromedp.FullScreenshot(100))
		writeShot(t, shots, "wave-paused-1280.png", png)
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

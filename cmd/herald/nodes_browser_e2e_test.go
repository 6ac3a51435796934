package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestNodesTableInChromium: a node on PostgreSQL, watching a real
// Dovecot mailbox, shows on its dashboard's Today page, in real headless
// Chromium, which node holds the mailbox and the account's senders.
func TestNodesTableInChromium(t *testing.T) {
	t.Parallel()
	const user, pass = "decorte@un.org", "Habitat2017"
	ctx := chromium(t)
	pg := realserver.StartPostgresForTest(t)
	url := pg.Database(t)
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})

	dir := t.TempDir()
	hash, err := bcrypt.GenerateFromPassword([]byte("alice-password-1"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	habitat := testconfig.Habitat{Address: user, Password: pass, IMAPPort: dv.Port, SMTPPort: sink.Port, Connections: 1, Rate: "10/s"}
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), false), sqliteFile(dir), url, 1)
	head = strings.Replace(head, `http: {listen: "127.0.0.1:0"}`,
		fmt.Sprintf("http:\n  listen: 127.0.0.1:0\n  users:\n    - {name: alice, password_hash: '%s'}\n", hash), 1)
	cfg := writeConfig(t, dir, head+"accounts:\n"+habitat.YAML()+`
triage:
  default:
    category: general
    folder: Triage/General
`, true)
	node := startLiveHerald(t, "node", cfg)
	waitFor(t, 30*time.Second, func() bool {
		out, _, _ := herald(t, "--config", cfg, "nodes", "--json")
		return strings.Contains(out, `"inbox habitat/INBOX"`)
	})

	base := "http://" + node.dashboard
	row := `#nodes tr[data-lease="inbox habitat/INBOX"]`
	step(t, ctx, "log in and open Today", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#name"), chromedp.SendKeys("#name", "alice"), chromedp.SendKeys("#password", "alice-password-1"),
		chromedp.Click("#login"), chromedp.WaitVisible("#user"), chromedp.Navigate(base+"/"), chromedp.WaitVisible(row))
	owner := fmt.Sprintf("%d@", node.cmd.Process.Pid)
	if text := get(t, ctx, "the mailbox's row", chromedp.Text(row)); !strings.Contains(text, owner) || !strings.Contains(text, "held, renewed") {
		t.Errorf("Today's Nodes row for the mailbox reads %q, want node %s… holding it", text, owner)
	}
	if n := get(t, ctx, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#nodes tbody tr").length`)); n < 2 {
		t.Errorf("the Nodes table has %d rows, want the mailbox and at least the node's own lease", n)
	}
	node.stop(t)
}

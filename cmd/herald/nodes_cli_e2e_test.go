package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestWaveSendBesideANode: `herald waves send` on a PostgreSQL database
// while a node sends the same wave (docs/BEHAVIOUR.md §13) joins it as
// one more node: both claim rows, none is sent twice, and together they
// keep to the account's one rate and one daily cap. The cap (800 of
// 1,000 contacts) is reached half-way through the command's sending.
// Then the node loses its daemon lock to another daemon, and stops.
func TestWaveSendBesideANode(t *testing.T) {
	const (
		user, pass = "decorte@un.org", "Habitat2017"
		contacts   = 1000
		dailyCap   = 800
	)
	pg := realserver.StartPostgresForTest(t)
	url := pg.Database(t)
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	dir := t.TempDir()
	habitat := testconfig.Habitat{Address: user, Password: pass, IMAPPort: dv.Port, SMTPPort: sink.Port,
		Connections: 2, Rate: fmt.Sprintf("%d/s", nodesRate)}
	accounts := strings.Replace(habitat.YAML(), "rate: ", fmt.Sprintf("daily_cap: %d\n      rate: ", dailyCap), 1)
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), false), sqliteFile(dir), url, 1)
	cfg := writeConfig(t, dir, head+"accounts:\n"+accounts+`
lists:
  - name: invitees
waves:
  - name: invitation
    account: habitat
    list: invitees
    template: invitation
    at: 2017-09-01T09:00:00+02:00
`, true)
	cs := waveContacts(contacts)
	importContacts(t, cfg, cs)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	node := startLiveHerald(t, "node", cfg)
	waitFor(t, 60*time.Second, func() bool { return dumped(t, sink) >= contacts/20 })
	cli := exec.Command(heraldBin, "--config", cfg, "waves", "send", "invitation")
	var out, errOut bytes.Buffer
	cli.Stdout, cli.Stderr = &out, &errOut
	if err := cli.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cli.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("waves send beside a node: %v\n%s%s", err, out.String(), errOut.String())
		}
	case <-time.After(2 * time.Minute):
		cli.Process.Kill()
		t.Fatalf("waves send beside a node did not end\n%s%s", out.String(), errOut.String())
	}
	t.Logf("waves send: %s", strings.TrimSpace(out.String()))
	waitFor(t, 60*time.Second, func() bool { return dumped(t, sink) >= dailyCap })
	time.Sleep(2 * time.Second) // a message past the cap would show by now
	stealDaemonLock(t, db, node)

	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	for rcpt, ms := range by {
		if len(ms) != 1 {
			t.Errorf("%s got %d copies", rcpt, len(ms))
		}
	}
	if len(msgs) != dailyCap {
		t.Errorf("%d messages sent with a daily cap of %d", len(msgs), dailyCap)
	}
	sentBy := sentPerOwner(t, db)
	t.Logf("sent per owner: %v", sentBy)
	for who, pid := range map[string]int{"the node": node.cmd.Process.Pid, "waves send": cli.Process.Pid} {
		if sentBy[pid] == 0 {
			t.Errorf("%s (pid %d) sent none of the wave: %v", who, pid, sentBy)
		}
	}
	var first, last string
	if err := db.QueryRow(`SELECT min(sent_at), max(sent_at) FROM deliveries WHERE state = 'sent'`).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	t0, _ := time.Parse(time.RFC3339Nano, first)
	t1, _ := time.Parse(time.RFC3339Nano, last)
	if span, least := t1.Sub(t0), time.Duration(float64(dailyCap)/nodesRate*0.9*float64(time.Second)); span < least {
		t.Errorf("%d messages went out in %s, faster than the shared rate %d/s allows (at least %s)", dailyCap, span, nodesRate, least)
	}
}

// sentPerOwner counts the wave's sent rows by the pid of the node that
// claimed them.
func sentPerOwner(t *testing.T, db *sql.DB) map[int]int {
	t.Helper()
	rows, err := db.Query(`SELECT claimed_by, count(*) FROM deliveries WHERE state = 'sent' GROUP BY claimed_by`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	by := map[int]int{}
	for rows.Next() {
		var owner string
		var n int
		if err := rows.Scan(&owner, &n); err != nil {
			t.Fatal(err)
		}
		pid, _, _ := strings.Cut(owner, "@")
		p, err := strconv.Atoi(pid)
		if err != nil {
			t.Fatalf("%d rows sent by %q: not a node", n, owner)
		}
		by[p] = n
	}
	return by
}

// stealDaemonLock ends the session holding node's daemon lock and takes
// the lock exclusive before the node takes it again, as a sandboxed
// herald starting in that moment would: the node notices within a check
// (5 s) and stops, exit status 1, rather than run beside it.
func stealDaemonLock(t *testing.T, db *sql.DB, node *liveHerald) {
	t.Helper()
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ended int
	if err := c.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory'
		AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		daemonLockObjID).Scan(&ended); err != nil || ended != 1 {
		t.Fatalf("ended %d sessions holding the daemon lock, %v; want the node's", ended, err)
	}
	// The server frees an ended session's locks a moment later.
	waitFor(t, 5*time.Second, func() bool {
		var ok bool
		err := c.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(daemonLockKey)).Scan(&ok)
		return err == nil && ok
	})
	select {
	case <-node.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("the node still runs 20 s after another daemon took its lost lock")
	}
	if ee, ok := node.err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("node exit = %v; want exit status 1", node.err)
	}
	if log := node.stderr.String(); !strings.Contains(log, "another herald holds it now; stopping") {
		t.Errorf("node log says nothing of its lost lock:\n%s", tail(log, 3000))
	}
}

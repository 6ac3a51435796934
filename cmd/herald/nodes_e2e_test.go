package main

// Three herald nodes on one PostgreSQL database (docs/BEHAVIOUR.md §13),
// real Dovecot and smtp-sink: a wave,
// which the three nodes send together within the account's one rate, and
// 200 enquiries over three watched mailboxes while the node holding the
// most work is SIGKILLed and later restarted. Every contact gets the wave
// (duplicates only the dead node's in-flight messages, each listed),
// every enquiry is filed and acknowledged once, another node takes the
// dead node's mailboxes within 30 s, and lease_log shows no mailbox ever
// held by two nodes at once.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/herald-mail/herald/daemon/realserver"
	"github.com/herald-mail/herald/daemon/testconfig"
)

// nodesContacts is the wave's audience: 3,000 by default, to keep CI
// short; HERALD_NODES_CONTACTS=30000 is the figure.
func nodesContacts(t *testing.T) int {
	n := 3000
	if v := os.Getenv("HERALD_NODES_CONTACTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1000 {
			t.Fatalf("HERALD_NODES_CONTACTS=%q: want a number of at least 1000", v)
		}
	}
	return n
}

func TestThreeNodesOnePostgres(t *testing.T) {
	const (
		user, pass  = "decorte@un.org", "Habitat2017"
		enquiries   = 200
		connections = 4
	)
	contacts := nodesContacts(t)
	pg := realserver.StartPostgresForTest(t)
	url := pg.Database(t)
	dv := realserver.StartDovecot(t, map[string]string{user: pass})
	sink := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	admin := dvLogin(t, dv.Addr, user, pass)
	boxes := []string{"INBOX", "Desk2", "Desk3"}
	for _, b := range boxes[1:] {
		if err := admin.Create(b, nil).Wait(); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	habitat := testconfig.Habitat{Address: user, Password: pass, IMAPPort: dv.Port, SMTPPort: sink.Port,
		Connections: connections, Rate: fmt.Sprintf("%d/s", nodesRate)}
	accounts := strings.Replace(habitat.YAML(), "watch: [INBOX]", "watch: [INBOX, Desk2, Desk3]", 1)
	head := strings.Replace(configHead(dir, testconfig.RepoTemplates(), false), sqliteFile(dir), url, 1)
	cfg := writeConfig(t, dir, head+"accounts:\n"+accounts+`
triage:
  acknowledge: true
  ack_template: ack
  ack_once_per: 168h
  ack_max_per_hour: 1000
  default:
    category: general
    folder: Triage/General
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

	nodes := []*liveHerald{startLiveHerald(t, "node 1", cfg), startLiveHerald(t, "node 2", cfg), startLiveHerald(t, "node 3", cfg)}
	var pids []int
	for _, n := range nodes {
		pids = append(pids, n.cmd.Process.Pid)
	}
	appendEnquiries := func(from, to int) {
		for i := from; i < to; i++ {
			raw := fmt.Sprintf("From: Delegate %d <delegate%03d@member.example>\r\nTo: %s\r\nSubject: Question %d about the venue\r\n"+
				"Message-ID: <q%d@member.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWhere is the venue? (%d)\r\n",
				i, i, user, i, i, time.Now().Format(time.RFC1123Z), i)
			if err := dvAppend(admin, boxes[i%len(boxes)], []byte(raw)); err != nil {
				t.Fatalf("append enquiry %d: %v", i, err)
			}
		}
	}
	appendEnquiries(0, enquiries/2)

	// The victim: the node sending the wave, once a tenth of it is out.
	waitFor(t, 60*time.Second, func() bool { return dumped(t, sink) >= contacts/10 })
	var owner string
	if err := db.QueryRow(`SELECT lease_owner FROM waves WHERE name = 'invitation'`).Scan(&owner); err != nil || owner == "" {
		t.Fatalf("wave lease owner = %q, %v", owner, err)
	}
	victim := -1
	for i, n := range nodes {
		if strings.HasPrefix(owner, strconv.Itoa(n.cmd.Process.Pid)+"@") {
			victim = i
		}
	}
	if victim < 0 {
		t.Fatalf("the wave's lease owner %s is none of the nodes", owner)
	}
	held := leasesOf(t, db, owner)
	rss := make([]int64, len(nodes))
	for i, n := range nodes {
		rss[i] = vmHWM(t, n.cmd.Process.Pid) >> 10
	}
	t.Logf("peak RSS (VmHWM) before the kill, nodes 1-3: %v kB", rss)
	nodes[victim].kill()
	killedAt := time.Now()
	claimed := openClaims(t, db, owner)
	var claimsFreed time.Duration // when no row is claimed by the dead node any more
	mid := waveList(t, cfg, "invitation")
	t.Logf("SIGKILLed node %d (%s) holding %v; outbox %s", victim+1, owner, held, mid.counts())
	if mid.Sent >= contacts {
		t.Fatalf("the kill came too late: %s", mid.counts())
	}
	appendEnquiries(enquiries/2, enquiries)

	// Every lease the dead node held goes to a live node within 30 s.
	leases := waitLeases(t, db, owner, held, killedAt)
	t.Logf("failover: the dead node's %d leases taken over %v after the kill", len(held), leases.Round(100*time.Millisecond))
	if leases > 30*time.Second {
		t.Errorf("the dead node's leases were taken over %v after the kill, want within 30 s", leases)
	}
	out, errOut, code := herald(t, "--config", cfg, "nodes", "--json")
	var listed []struct {
		Lease, Node string
		Expired     bool
	}
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil {
		t.Fatalf("nodes --json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	for _, l := range listed {
		if strings.HasPrefix(l.Lease, "node ") {
			continue // a node's own lease: the dead node's shows expired
		}
		if l.Node == owner || l.Expired {
			t.Errorf("herald nodes after the takeover lists %+v", l)
		}
	}
	if len(listed) < len(held) {
		t.Errorf("herald nodes lists %d leases, want at least the %d taken over: %+v", len(listed), len(held), listed)
	}
	// The live nodes, in the middle of their passes, free the dead
	// node's claims once its node lease expired (15 s): its rows are
	// sent by them, not left until a pass ends or it comes back.
	waitFor(t, 30*time.Second-time.Since(killedAt), func() bool { return openClaims(t, db, owner) == 0 })
	claimsFreed = time.Since(killedAt)
	nodes[victim] = startLiveHerald(t, "node restarted", cfg)
	loseDaemonLocks(t, db, nodes)

	// The rest of the wave takes at least contacts/nodesRate s (the
	// rate is the nodes' together), plus the takeover.
	waitFor(t, 60*time.Second+time.Duration(2*contacts/nodesRate)*time.Second, func() bool {
		if claimsFreed == 0 && openClaims(t, db, owner) == 0 {
			claimsFreed = time.Since(killedAt)
		}
		w := waveList(t, cfg, "invitation")
		qs := liveEnquiries(t, cfg)
		acked := 0
		for _, q := range qs {
			if q.Status == "acknowledged" {
				acked++
			}
		}
		return w.State == "done" && w.Pending == 0 && acked == enquiries
	})
	end := waveList(t, cfg, "invitation")
	// The live nodes free the dead node's claims every few seconds of
	// their passes once its node lease expired (store.RecoverClaims).
	t.Logf("failover: the %d wave rows the dead node had claimed and not finished were freed %v after the kill (the wave ended %v after it)",
		claimed, claimsFreed.Round(100*time.Millisecond), time.Since(killedAt).Round(time.Second))
	time.Sleep(2 * time.Second) // an ack sent twice would show by now
	for i, n := range nodes {
		rss[i] = vmHWM(t, n.cmd.Process.Pid) >> 10
	}
	t.Logf("peak RSS (VmHWM) at the end, nodes 1-3 (node %d restarted): %v kB", victim+1, rss)
	for _, n := range nodes {
		n.stop(t)
	}
	checkNodesOutcome(t, sink, cs, end, connections, enquiries)
	checkLeaseLog(t, db)
	checkSharedWave(t, db, pids, contacts)
}

// nodesRate is the account's smtp.rate in the three-node test: low
// enough that the nodes together could send faster (were the rate each
// node's, the wave would go at up to three times it).
const nodesRate = 100

// checkSharedWave proves that the three first nodes each sent part of the
// wave (deliveries.claimed_by of the sent rows), and that together they
// kept to the account's rate over the whole wave: its sent_at times span
// at least contacts/rate, less a tenth for the slots' edges.
func checkSharedWave(t *testing.T, db *sql.DB, pids []int, contacts int) {
	t.Helper()
	by := sentPerOwner(t, db) // the test's one wave
	t.Logf("sent per node (pid: rows): %v", by)
	for i, p := range pids {
		if by[p] == 0 {
			t.Errorf("node %d (pid %d) sent none of the wave: the nodes did not share it", i+1, p)
		}
	}
	var first, last string
	if err := db.QueryRow(`SELECT min(sent_at), max(sent_at) FROM deliveries WHERE wave = 'invitation' AND state = 'sent'`).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	t0, err0 := time.Parse(time.RFC3339Nano, first)
	t1, err1 := time.Parse(time.RFC3339Nano, last)
	if err0 != nil || err1 != nil {
		t.Fatalf("sent_at %q .. %q: %v %v", first, last, err0, err1)
	}
	span, least := t1.Sub(t0), time.Duration(float64(contacts)/nodesRate*0.9*float64(time.Second))
	t.Logf("wave sent over %s: %.0f/s together, smtp.rate %d/s", span.Round(time.Millisecond), float64(contacts)/span.Seconds(), nodesRate)
	if span < least {
		t.Errorf("%d messages went out in %s, faster than the shared rate %d/s allows (at least %s)", contacts, span, nodesRate, least)
	}
}

// waitLeases polls every 100 ms, for up to a minute after killedAt,
// until every lease in held has an owner other than the dead one, and
// returns how long after the kill that was.
func waitLeases(t *testing.T, db *sql.DB, owner string, held []string, killedAt time.Time) time.Duration {
	t.Helper()
	for {
		taken := true
		for _, name := range held {
			var o string
			if err := db.QueryRow(`SELECT owner FROM leases WHERE name = $1`, name).Scan(&o); err != nil || o == owner {
				taken = false
			}
		}
		if taken {
			return time.Since(killedAt)
		}
		if time.Since(killedAt) > time.Minute {
			t.Fatalf("the dead node's leases %v not taken over a minute after the kill", held)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// openClaims counts the wave rows owner claimed and did not finish.
func openClaims(t *testing.T, db *sql.DB, owner string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM deliveries WHERE claimed_by = $1 AND state IN ('pending', 'sending', 'retry')`,
		owner).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sqliteFile is the SQLite file configHead names in dir.
func sqliteFile(dir string) string { return dir + "/data/herald.db" }

// leasesOf lists the work leases owner holds (not its node lease, which
// is its own: its expiry frees the node's wave claims).
func leasesOf(t *testing.T, db *sql.DB, owner string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM leases WHERE owner = $1 AND name NOT LIKE 'node %' ORDER BY name`, owner)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// checkNodesOutcome: every contact got the wave, extra copies only for
// rows listed uncertain (at most one per connection of the dead node);
// every enquirer got one acknowledgement (the one in flight at the kill may repeat, docs/BEHAVIOUR.md §3.2).
func checkNodesOutcome(t *testing.T, sink *realserver.Sink, cs []waveContact, end waveStatus, connections, enquiries int) {
	t.Helper()
	msgs, err := sink.Messages()
	if err != nil {
		t.Fatal(err)
	}
	by := perRecipient(t, msgs)
	missing, extra := 0, 0
	for _, c := range cs {
		n := len(by[c.Email])
		if n == 0 {
			missing++
		}
		extra += max(0, n-1)
	}
	t.Logf("wave: %s; sink %d messages, %d contacts missing, %d extra copies", end.counts(), len(msgs), missing, extra)
	if missing > 0 || end.Sent != len(cs) {
		t.Errorf("%d contacts got no invitation; waves --json %s", missing, end.counts())
	}
	if extra > connections || extra > end.Uncertain || end.Uncertain > connections {
		t.Errorf("%d extra copies, %d rows uncertain; want at most %d, each listed", extra, end.Uncertain, connections)
	}
	// The killed node held the account's acknowledgement sender: the one
	// acknowledgement it may have had in flight (the server's OK came,
	// the record did not) is sent again by the node that takes over, as
	// after any crash (docs/BEHAVIOUR.md §5); never more than that one.
	repeated := 0
	for i := 0; i < enquiries; i++ {
		switch n := len(by[fmt.Sprintf("delegate%03d@member.example", i)]); {
		case n == 2:
			repeated++
			t.Logf("delegate%03d got its acknowledgement twice: the one in flight at the kill", i)
		case n != 1:
			t.Errorf("delegate%03d got %d acknowledgements, want 1", i, n)
		}
	}
	if repeated > 1 {
		t.Errorf("%d enquirers got two acknowledgements; at most the one in flight at the kill may repeat", repeated)
	}
}

// checkLeaseLog proves from lease_log that no lease was ever held by two
// nodes at once: each holding of a lease starts after the one before it
// ended (released, or expired unrenewed).
func checkLeaseLog(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT name, owner, since, until FROM lease_log ORDER BY name, since, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prevName, prevOwner, prevUntil string
	holdings, takeovers := 0, 0
	for rows.Next() {
		var name, owner, since, until string
		if err := rows.Scan(&name, &owner, &since, &until); err != nil {
			t.Fatal(err)
		}
		holdings++
		if name == prevName {
			if since < prevUntil {
				t.Errorf("lease %s: %s took it at %s while %s held it until %s", name, owner, since, prevOwner, prevUntil)
			}
			if owner != prevOwner {
				takeovers++
			}
		}
		prevName, prevOwner, prevUntil = name, owner, until
	}
	t.Logf("lease_log: %d holdings, %d changes of holder, none overlapping", holdings, takeovers)
	if takeovers == 0 {
		t.Error("lease_log shows no lease changing node: the dead node's work was not taken over")
	}
}

// daemonLockKey is the key of the daemons' advisory lock
// (store.pgDaemonLock); daemonLockObjID its low 32 bits, pg_locks.objid.
const (
	daemonLockKey   = 0x68657261_6c6431
	daemonLockObjID = daemonLockKey & 0xffffffff
)

// loseDaemonLocks ends the sessions holding the nodes' daemon lock, as a
// PostgreSQL restart or a cut network would: every node notices within a
// check (5 s) and takes it again, and carries on.
func loseDaemonLocks(t *testing.T, db *sql.DB, nodes []*liveHerald) {
	t.Helper()
	var ended int
	if err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory'
		AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
		daemonLockObjID).Scan(&ended); err != nil || ended != len(nodes) {
		t.Fatalf("ended %d sessions holding the daemon lock, %v; want the %d nodes'", ended, err, len(nodes))
	}
	waitFor(t, 20*time.Second, func() bool {
		for _, n := range nodes {
			if !strings.Contains(n.stderr.String(), "the database lock was lost (its connection ended) and is taken again") {
				return false
			}
		}
		return true
	})
	t.Logf("every node took its lost daemon lock again")
}

package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/realserver"
)

// TestNodesOnToday: on a PostgreSQL database shared by nodes, Today
// shows which node holds each mailbox and sender, and
// /api/v1/nodes lists the leases; a user limited to some accounts sees
// only their accounts' work, never the nodes' own leases. On SQLite
// there is no such table on the page, and the API answers [].
func TestNodesOnToday(t *testing.T) {
	pg := realserver.StartPostgresForTest(t)
	f := newFixtureOn(t, apiToken, true, pg.Database(t))
	ctx := context.Background()
	for _, l := range []struct{ name, owner string }{
		{"inbox habitat/INBOX", "101@node-a"}, {"acks unep", "202@node-b"}, {"node 101@node-a", "101@node-a"},
	} {
		if _, ok, err := f.st.TakeLease(ctx, l.name, l.owner, time.Minute); err != nil || !ok {
			t.Fatalf("take lease %s: %v %v", l.name, ok, err)
		}
	}
	if _, ok, err := f.st.TakeLease(ctx, "digest habitat", "303@node-c", time.Millisecond); err != nil || !ok {
		t.Fatalf("take lease: %v %v", ok, err)
	}
	time.Sleep(5 * time.Millisecond) // the digest's lease lapses: its node died

	alice, bob := f.client(t), f.client(t)
	f.login(t, alice, "alice", alicePassword)
	f.login(t, bob, "bob", bobPassword)
	code, page := do(t, alice, "GET", f.ts.URL+"/", nil, nil)
	if code != http.StatusOK || !strings.Contains(page, `id="nodes"`) {
		t.Fatalf("alice's Today: %d, no nodes table:\n%s", code, page)
	}
	for _, want := range []string{
		`<tr data-lease="inbox habitat/INBOX" class="ok">`, `<code>101@node-a</code>`,
		`<tr data-lease="acks unep" class="ok">`, `<tr data-lease="node 101@node-a" class="ok">`,
		`<tr data-lease="digest habitat" class="bad">`, "expired: another node takes it",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("alice's Today lacks %s", want)
		}
	}
	_, body := do(t, bob, "GET", f.ts.URL+"/api/v1/nodes", nil, nil)
	got := decode[[]ops.NodeLease](t, body)
	if len(got) != 1 || got[0].Lease != "acks unep" || got[0].Node != "202@node-b" || got[0].Account != "unep" || got[0].Expired {
		t.Errorf("bob's nodes: %s, want unep's acknowledgement sender only", body)
	}
	_, body = do(t, alice, "GET", f.ts.URL+"/api/v1/nodes", nil, nil)
	if got := decode[[]ops.NodeLease](t, body); len(got) != 4 {
		t.Errorf("alice's nodes: %s, want all 4 leases", body)
	}

	sq := newFixture(t, apiToken, true)
	c := sq.client(t)
	sq.login(t, c, "alice", alicePassword)
	if _, page := do(t, c, "GET", sq.ts.URL+"/", nil, nil); strings.Contains(page, `id="nodes"`) {
		t.Errorf("Today on SQLite shows a nodes table")
	}
	if code, body := do(t, c, "GET", sq.ts.URL+"/api/v1/nodes", nil, nil); code != 200 || strings.TrimSpace(body) != "[]" {
		t.Errorf("nodes on SQLite: %d %s", code, body)
	}
}

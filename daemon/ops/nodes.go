package ops

import (
	"context"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// NodeLease is one work lease of the nodes sharing a PostgreSQL database
// (`herald nodes`, the dashboard's Nodes table): which node holds which
// mailbox, acknowledgement sender, answered scan or digest, or its own
// node lease, and until when unless renewed.
type NodeLease struct {
	Lease string    `json:"lease"`
	Node  string    `json:"node"` // "pid@host"
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Expired: the holder stopped renewing it (dead, or cut off from the
	// database); a live node takes the work within seconds.
	Expired bool `json:"expired"`
	// Account is the account whose work it is; "" for a node's own lease.
	Account string `json:"account,omitempty"`
}

// Nodes lists every lease, held or expired, by name, as of now.
func Nodes(ctx context.Context, st *store.Store, now time.Time) ([]NodeLease, error) {
	ls, err := st.Leases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NodeLease, len(ls))
	for i, l := range ls {
		out[i] = NodeLease{Lease: l.Name, Node: l.Owner, Since: l.Since, Until: l.Until,
			Expired: !l.Until.After(now), Account: leaseAccount(l.Name)}
	}
	return out, nil
}

// leaseAccount is the account of a work lease's name ("inbox
// habitat/INBOX", "acks habitat", "answered habitat", "digest habitat"),
// or "" for a node's lease ("node 4242@host").
func leaseAccount(name string) string {
	kind, rest, _ := strings.Cut(name, " ")
	switch kind {
	case "inbox":
		acct, _, _ := strings.Cut(rest, "/")
		return acct
	case "acks", "answered", "digest":
		return rest
	}
	return ""
}

package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"
)

func init() {
	register(&command{
		name: "nodes", args: "[--json]",
		summary: "list the work leases of the herald nodes sharing a PostgreSQL database: which node watches which mailbox",
		run:     runNodes,
	})
}

// nodeLease is one line of `herald nodes --json`.
type nodeLease struct {
	Lease   string    `json:"lease"`
	Node    string    `json:"node"` // "pid@host"
	Since   time.Time `json:"since"`
	Until   time.Time `json:"until"`
	Expired bool      `json:"expired"`
}

// runNodes lists the leases (docs/BEHAVIOUR.md §13): a mailbox whose
// lease expired is free, and a live node takes it within seconds.
func runNodes(e *env, args []string) error {
	fs := e.flags(commands["nodes"])
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := st.Leases(e.ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	out := make([]nodeLease, len(ls))
	for i, l := range ls {
		out[i] = nodeLease{Lease: l.Name, Node: l.Owner, Since: l.Since, Until: l.Until, Expired: !l.Until.After(now)}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.stdout, "no leases: no node has run on this database (a single herald on SQLite takes none)")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LEASE\tNODE\tHELD FOR\tSTATE")
	for _, l := range out {
		state := fmt.Sprintf("renewed, expires in %s", l.Until.Sub(now).Round(time.Second))
		if l.Expired {
			state = "expired: free for another node"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Lease, l.Node, now.Sub(l.Since).Round(time.Second), state)
	}
	return tw.Flush()
}

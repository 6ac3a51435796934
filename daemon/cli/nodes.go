package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
)

func init() {
	register(&command{
		name: "nodes", args: "[--json]",
		summary: "list the work leases of the herald nodes sharing a PostgreSQL database: which node watches which mailbox",
		run:     runNodes,
	})
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
	now := time.Now()
	out, err := ops.Nodes(e.ctx, st, now)
	if err != nil {
		return err
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

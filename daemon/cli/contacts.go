package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "contacts show", args: "EMAIL [--json]",
		summary: "one contact: fields, lists, status, RSVP, history",
		run:     runContactShow,
	})
	register(&command{
		name: "contacts unsubscribe", args: "EMAIL [--list L] [--reason TEXT]",
		summary: "unsubscribe a contact from every list, or from L; recorded with who and when",
		run:     func(e *env, args []string) error { return runContactStatus(e, args, "contacts unsubscribe") },
	})
	register(&command{
		name: "contacts resubscribe", args: "EMAIL [--list L] [--reason TEXT]",
		summary: "subscribe a contact again to every list, or to L, lifting a bounce mark; recorded with who and when",
		run:     func(e *env, args []string) error { return runContactStatus(e, args, "contacts resubscribe") },
	})
}

func runContactShow(e *env, args []string) error {
	fs := e.flags(commands["contacts show"])
	asJSON := fs.Bool("json", false, "print one JSON document")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	j, c, err := ops.ShowContact(e.ctx, st, pos[0])
	if err != nil {
		return errors.New(ops.Message(err))
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	if err := printContact(e, c); err != nil {
		return err
	}
	if len(j.Sent) > 0 {
		fmt.Fprintf(e.stdout, "\nsent (%d):\n", len(j.Sent))
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, m := range j.Sent {
			fmt.Fprintf(tw, "  %s\t%s run %d\t%s\t<%s>\n", inZone(m.SentAt).Format(time.DateTime), m.Wave, m.Run, m.Result, m.MessageID)
		}
		tw.Flush()
	}
	return nil
}

func printContact(e *env, c *store.ContactDetail) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\n", c.Email, c.Name)
	for _, kv := range [][2]string{{"status", c.Status}, {"language", c.Language}, {"organisation", c.Organisation},
		{"title", c.Title}, {"city", c.City}, {"country", c.Country}} {
		if kv[1] != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
		}
	}
	rsvp := c.RSVP
	if !c.RSVPAt.IsZero() {
		rsvp += " (" + inZone(c.RSVPAt).Format(time.DateTime) + ")"
	}
	fmt.Fprintf(tw, "  rsvp\t%s\n  bounces\t%d\n", rsvp, c.Bounces)
	var on []string
	for _, m := range c.Lists {
		on = append(on, m.List+" ("+m.Status+")")
	}
	fmt.Fprintf(tw, "  lists\t%s\n", strings.Join(on, ", "))
	names := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", k, c.Fields[k])
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nhistory (%d):\n", len(c.Events))
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, ev := range c.Events {
		what := ev.Kind
		if ev.List != "" {
			what += " " + ev.List
		}
		if ev.Value != "" && ev.Value != ev.Kind {
			what += " " + ev.Value
		}
		fmt.Fprintf(tw, "  %s\t%s\tby %s\t%s\n", inZone(ev.At).Format(time.DateTime), what, ev.Actor, ev.Detail)
	}
	return tw.Flush()
}

func runContactStatus(e *env, args []string, name string) error {
	fs := e.flags(commands[name])
	list := fs.String("list", "", "only this list (default: every list the contact is on)")
	reason := fs.String("reason", "", "why, kept in the contact's history")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	var on []string
	if *list != "" {
		on = []string{*list}
	}
	verb := "unsubscribed from"
	if name == "contacts resubscribe" {
		verb = "resubscribed to"
	}
	who := actor()
	email := pos[0]
	res, err := ops.SetContactStatus(e.ctx, st, email, on, name == "contacts resubscribe", true, who, *reason)
	if err != nil {
		return errors.New(ops.Message(err))
	}
	if res.BounceCleared {
		fmt.Fprintf(e.stdout, "%s: bounce mark lifted (by %s)\n", email, who)
	}
	if len(res.Changed) == 0 {
		if !res.BounceCleared {
			fmt.Fprintf(e.stdout, "%s: already %s (nothing changed)\n", email, res.Status)
		}
		return nil
	}
	fmt.Fprintf(e.stdout, "%s %s %s (by %s)\n", email, verb, strings.Join(res.Changed, ", "), who)
	return nil
}

// actor is who runs the command, as contact_events records it.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return "cli:" + n
	}
	return "cli"
}

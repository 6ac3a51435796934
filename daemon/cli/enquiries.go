package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "enquiries", args: "[--status open|acknowledged|answered|closed] [--category C] [--account A] [--json]",
		summary: "the enquiry queue, oldest first",
		run:     runEnquiries,
	})
	register(&command{
		name: "enquiries show", args: "REF [--json]",
		summary: "one enquiry with its thread",
		run:     runEnquiryShow,
	})
	register(&command{
		name: "enquiries close", args: "REF",
		summary: "mark an enquiry closed (a later message from its correspondent reopens it)",
		run:     runEnquiryClose,
	})
}

// enquiryJSON is the docs/BEHAVIOUR.md §2 shape of `enquiries --json`.
type enquiryJSON struct {
	Ref            string          `json:"ref"`
	Account        string          `json:"account"`
	Mailbox        string          `json:"mailbox"`
	From           string          `json:"from"`
	Subject        string          `json:"subject"`
	Category       string          `json:"category"`
	Status         string          `json:"status"`
	ReceivedAt     time.Time       `json:"received_at"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at"`
	AckSuppressed  *string         `json:"ack_suppressed"`
	ThreadSize     int             `json:"thread_size"`
	Language       string          `json:"language,omitempty"`
	Messages       []threadMsgJSON `json:"messages,omitempty"`
}

type threadMsgJSON struct {
	MessageID string    `json:"message_id"`
	From      string    `json:"from"`
	Date      time.Time `json:"date"`
	Direction string    `json:"direction"`
	Folder    string    `json:"folder"`
}

func toJSON(e *store.Enquiry) enquiryJSON {
	j := enquiryJSON{Ref: e.Ref, Account: e.Account, Mailbox: e.Mailbox, From: e.From, Subject: e.Subject,
		Category: e.Category, Status: e.Status, ReceivedAt: e.ReceivedAt, ThreadSize: e.ThreadSize, Language: e.Language}
	if !e.AcknowledgedAt.IsZero() {
		j.AcknowledgedAt = &e.AcknowledgedAt
	}
	if e.AckSuppressed != "" {
		j.AckSuppressed = &e.AckSuppressed
	}
	return j
}

var enquiryStatuses = []string{"open", "acknowledged", "answered", "closed"}

func runEnquiries(e *env, args []string) error {
	c := commands["enquiries"]
	fs := e.flags(c)
	var f store.EnquiryFilter
	fs.StringVar(&f.Status, "status", "", "only enquiries in this status: "+strings.Join(enquiryStatuses, ", "))
	fs.StringVar(&f.Category, "category", "", "only this category (as set by triage.rules)")
	fs.StringVar(&f.Account, "account", "", "only this account")
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if f.Status != "" && !slices.Contains(enquiryStatuses, f.Status) {
		return usagef("--status %q: want one of %s", f.Status, strings.Join(enquiryStatuses, ", "))
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	if *asJSON {
		return writeJSONArray(e.stdout, func(emit func(any) error) error {
			return st.Enquiries(e.ctx, f, func(q *store.Enquiry) error { return emit(toJSON(q)) })
		})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tSTATUS\tAGE\tACCOUNT\tCATEGORY\tFROM\tSUBJECT")
	n := 0
	err = st.Enquiries(e.ctx, f, func(q *store.Enquiry) error {
		n++
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", q.Ref, q.Status, age(time.Since(q.ReceivedAt)),
			q.Account, q.Category, q.From, clip(q.Subject, 60))
		return err
	})
	if err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d enquir%s\n", n, map[bool]string{true: "y", false: "ies"}[n == 1])
	return nil
}

func runEnquiryShow(e *env, args []string) error {
	c := commands["enquiries show"]
	fs := e.flags(c)
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
	q, err := st.EnquiryByRef(e.ctx, pos[0])
	if err != nil {
		return err
	}
	if q == nil {
		return fmt.Errorf("no enquiry %s (see 'herald enquiries')", pos[0])
	}
	thread, err := st.Thread(e.ctx, q.ID)
	if err != nil {
		return err
	}
	j := toJSON(q)
	j.Messages = []threadMsgJSON{}
	for _, m := range thread {
		j.Messages = append(j.Messages, threadMsgJSON{MessageID: m.MessageID, From: m.From, Date: m.Date, Direction: m.Direction, Folder: m.Folder})
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(j)
	}
	w := e.stdout
	fmt.Fprintf(w, "%s  %s\n", q.Ref, q.Subject)
	fmt.Fprintf(w, "  status      %s\n  category    %s\n  account     %s (%s)\n  from        %s\n  received    %s (%s ago)\n",
		q.Status, q.Category, q.Account, q.Mailbox, q.From, inZone(q.ReceivedAt).Format(time.DateTime), age(time.Since(q.ReceivedAt)))
	switch {
	case !q.AcknowledgedAt.IsZero():
		fmt.Fprintf(w, "  acknowledged %s\n", inZone(q.AcknowledgedAt).Format(time.DateTime))
	case q.AckSuppressed != "":
		fmt.Fprintf(w, "  no acknowledgement: %s\n", q.AckSuppressed)
	default:
		fmt.Fprintln(w, "  acknowledgement pending")
	}
	fmt.Fprintf(w, "\nthread (%d):\n", len(thread))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, m := range thread {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t<%s>\n", inZone(m.Date).Format(time.DateTime), m.Direction, m.From, m.Folder, m.MessageID)
	}
	return tw.Flush()
}

func runEnquiryClose(e *env, args []string) error {
	c := commands["enquiries close"]
	pos, err := parse(e.flags(c), args, 1, 1)
	if err != nil {
		return err
	}
	st, err := e.openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CloseEnquiry(e.ctx, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s closed\n", strings.ToUpper(pos[0]))
	return nil
}

// openStore opens the configured database.
func (e *env) openStore() (*store.Store, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	return store.Open(e.ctx, cfg.Database)
}

// age prints a duration the way a queue is read: 3m, 5h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

package respond

import (
	"context"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/triage"
)

// Answered notices human answers (docs/BEHAVIOUR.md §7.2: an enquiry is answered
// once a person of the account answered it): every few minutes it looks in the
// sent folder for replies that are not herald's own automatic messages, and
// in the triage folders for messages a mail client flagged \Answered, and
// marks their enquiries answered. Marking is idempotent, so the scan keeps
// no state of its own and a restart loses nothing.
type Answered struct {
	Config  *config.Config
	Account *config.Account
	Store   *store.Store
	Log     *slog.Logger
	Health  *service.Health
	// Every is the scan period (default 2 min); Window how far back a scan
	// looks (default 30 days).
	Every, Window time.Duration
}

// Name is the component name.
func (a *Answered) Name() string { return "answered " + a.Account.Name }

// Run scans until ctx ends; a failed scan is logged and retried next period.
func (a *Answered) Run(ctx context.Context) error {
	every := a.Every
	if every == 0 {
		every = 2 * time.Minute
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		err := a.Scan(ctx)
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("answered scan failed", "component", "answered", "account", a.Account.Name, "err", err)
		}
		a.Health.Set(a.Name(), err)
		t.Reset(every)
	}
}

// answerHeaders are the fields a scan reads; never the body.
var answerHeaders = []string{"Message-Id", "In-Reply-To", "References", "Auto-Submitted", triage.LoopHeader}

// Scan runs one pass over the sent folder and the triage folders.
func (a *Answered) Scan(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	c, err := mailconn.DialIMAP(ctx, a.Account.IMAP, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	window := a.Window
	if window == 0 {
		window = 30 * 24 * time.Hour
	}
	since := time.Now().Add(-window)
	if sent := a.Account.SMTP.SentFolder; sent != "" {
		// A reply a person sent: it names the enquiry's messages.
		if err := a.scanFolder(ctx, c, sent, &imap.SearchCriteria{Since: since}, func(h message.Header) []string {
			if h.Has("Auto-Submitted") || h.Has(triage.LoopHeader) {
				return nil // herald's own acknowledgement, not a human answer
			}
			return append(message.ParseMsgIDs(h.Raw("In-Reply-To")), message.ParseMsgIDs(h.Raw("References"))...)
		}); err != nil {
			return err
		}
	}
	for _, folder := range a.triageFolders() {
		// A client sets \Answered on the message a person replied to.
		crit := &imap.SearchCriteria{Since: since, Flag: []imap.Flag{imap.FlagAnswered}}
		if err := a.scanFolder(ctx, c, folder, crit, func(h message.Header) []string {
			return message.ParseMsgIDs(h.Raw("Message-Id"))
		}); err != nil {
			return err
		}
	}
	return nil
}

// triageFolders are the folders enquiries are filed in, plus the watched
// mailboxes (a message left in INBOX can be answered there too).
func (a *Answered) triageFolders() []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, w := range a.Account.IMAP.Watch {
		add(w)
	}
	for _, r := range a.Config.Triage.Rules {
		add(r.Folder)
	}
	add(a.Config.Triage.Default.Folder)
	return out
}

// scanFolder examines folder (read-only: nothing is changed), finds the
// messages matching crit and marks answered the enquiries whose threads
// hold the ids ids() reads from each message's header.
func (a *Answered) scanFolder(ctx context.Context, c *imapclient.Client, folder string, crit *imap.SearchCriteria, ids func(message.Header) []string) error {
	if _, err := mailconn.Wait(ctx, c, func() (*imap.SelectData, error) {
		return c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	}); err != nil {
		return nil // a folder not created yet holds nothing to find
	}
	found, err := mailconn.Wait(ctx, c, func() (*imap.SearchData, error) { return c.UIDSearch(crit, nil).Wait() })
	if err != nil {
		return err
	}
	uids := found.AllUIDs()
	if len(uids) == 0 {
		return nil
	}
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: answerHeaders, Peek: true}
	msgs, err := mailconn.Wait(ctx, c, func() ([]*imapclient.FetchMessageBuffer, error) {
		return c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	})
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if refs := ids(message.ParseHeader(m.FindBodySection(section))); len(refs) > 0 {
			if _, err := a.Store.MarkAnswered(ctx, a.Account.Name, refs); err != nil {
				return err
			}
		}
	}
	return nil
}

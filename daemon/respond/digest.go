package respond

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
)

// Digest mails an account, on triage.digest.cron, the enquiries older
// than triage.digest.older_than that no person has answered yet (docs/BEHAVIOUR.md §7.3).
// Nothing is sent when none wait. Runs missed while the daemon was down are
// not replayed (robfig/cron has no catch-up): the next morning's digest
// lists the same enquiries anyway.
type Digest struct {
	Config    *config.Config
	Account   *config.Account
	Store     *store.Store
	Templates *templates.Set
	SMTP      SMTP
	Log       *slog.Logger
}

// Name is the component name.
func (d *Digest) Name() string { return "digest " + d.Account.Name }

// Run sends the digest on schedule until ctx ends.
func (d *Digest) Run(ctx context.Context) error {
	sched, err := cron.ParseStandard(d.Config.Triage.Digest.Cron)
	if err != nil {
		return fmt.Errorf("triage.digest.cron: %w", err) // validated at load; cannot happen
	}
	loc := d.Config.Location
	if loc == nil {
		loc = time.UTC
	}
	for {
		next := sched.Next(time.Now().In(loc))
		t := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if n, err := d.Send(ctx, time.Now()); err != nil {
			d.Log.Error("digest not sent", "component", "digest", "account", d.Account.Name, "err", err)
		} else {
			d.Log.Info("digest sent", "component", "digest", "account", d.Account.Name, "enquiries", n)
		}
	}
}

// Send mails the digest as of now and returns how many enquiries it lists.
func (d *Digest) Send(ctx context.Context, now time.Time) (int, error) {
	var waiting []templates.EnquiryData
	cutoff := now.Add(-d.Config.Triage.Digest.OlderThan)
	for _, status := range []string{"open", "acknowledged"} {
		err := d.Store.Enquiries(ctx, store.EnquiryFilter{Status: status, Account: d.Account.Name, OlderThan: cutoff}, func(e *store.Enquiry) error {
			waiting = append(waiting, templates.EnquiryData{Ref: e.Ref, Subject: e.Subject, Category: e.Category,
				From: e.From, Status: e.Status, ReceivedAt: e.ReceivedAt})
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	if len(waiting) == 0 {
		return 0, nil
	}
	slices.SortFunc(waiting, func(a, b templates.EnquiryData) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	raw, err := d.message(waiting)
	if err != nil {
		return 0, err
	}
	return len(waiting), d.SMTP.Send(ctx, d.Account.Address, d.Account.Address, raw)
}

func (d *Digest) message(waiting []templates.EnquiryData) ([]byte, error) {
	r, err := d.Templates.Render(d.Config.Triage.Digest.Template, languages(d.Account.Language), templates.Data{
		Event: d.Config.Event, Account: templates.AccountDataOf(d.Account), Enquiries: waiting, Location: d.Config.Location,
	})
	if err != nil {
		return nil, err
	}
	return compose.Plain(compose.PlainInput{
		From: d.Account.Address, FromName: "herald", To: d.Account.Address,
		Subject: r.Subject, MessageID: compose.NewMessageID(d.Account.Address),
		Fields: []compose.Field{
			{Name: "Auto-Submitted", Value: "auto-generated"}, // RFC 3834 §5: a periodic report
			{Name: triage.LoopHeader, Value: d.Account.Address},
			{Name: "X-Auto-Response-Suppress", Value: "All"},
		},
		Text: r.Text,
	})
}

// languages is the digest's language preference: the account's, then
// English.
func languages(account string) []string {
	if account == "" || account == "en" {
		return []string{"en"}
	}
	return []string{account, "en"}
}

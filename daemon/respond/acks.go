package respond

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
)

// Acks sends an account's queued acknowledgements, confirmations and
// forwards (the "ack" and "forward" actions triage records), one SMTP
// session per round, and APPENDs each acknowledgement to the sent folder
// when one is configured. A send the server refused is retried with
// backoff (store.ActionsDone); a crash between the server's OK and the
// commit can repeat that one message, never more.
type Acks struct {
	Config    *config.Config
	Account   *config.Account
	Store     *store.Store
	Templates *templates.Set
	SMTP      SMTP
	Log       *slog.Logger
	Metrics   *metrics.Metrics

	kick chan struct{}
}

// NewAcks returns the acknowledgement sender of one account.
func NewAcks(cfg *config.Config, a *config.Account, st *store.Store, t *templates.Set, smtp SMTP, log *slog.Logger, m *metrics.Metrics) *Acks {
	return &Acks{Config: cfg, Account: a, Store: st, Templates: t, SMTP: smtp, Log: log.With("component", "acks", "account", a.Name),
		Metrics: m, kick: make(chan struct{}, 1)}
}

// Name is the component name.
func (s *Acks) Name() string { return "acks " + s.Account.Name }

// Kick wakes the sender after new sends were queued.
func (s *Acks) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run sends due messages until ctx ends.
func (s *Acks) Run(ctx context.Context) error {
	for {
		if err := s.round(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("send round failed", "err", err)
		}
		wait := time.Minute
		if next, err := s.Store.NextSendDue(ctx, s.Account.Name); err == nil && !next.IsZero() {
			wait = max(min(time.Until(next), time.Minute), 100*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-s.kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// outgoing is one message ready for SMTP.
type outgoing struct {
	action store.Action
	raw    []byte
	to     string
	ack    *triage.AckJob
	// text is the acknowledgement's rendered text, kept in the thread.
	text string
}

// round sends every due message in one SMTP session, then files the
// sent-folder copies.
func (s *Acks) round(ctx context.Context) error {
	if err := s.sendDue(ctx); err != nil {
		return err
	}
	return s.appendToSent(ctx)
}

func (s *Acks) sendDue(ctx context.Context) error {
	due, err := s.Store.PendingSends(ctx, s.Account.Name, 100)
	if err != nil || len(due) == 0 {
		return err
	}
	var batch []outgoing
	for _, a := range due {
		o, err := s.build(ctx, a)
		if err != nil {
			// A template that cannot render fails this message only.
			s.Log.Error("cannot build message", "action", a.ID, "kind", a.Kind, "err", err)
			s.Store.ActionsDone(ctx, []int64{a.ID}, err)
			continue
		}
		batch = append(batch, o)
	}
	if len(batch) == 0 {
		return nil
	}
	return s.send(ctx, batch)
}

func (s *Acks) build(ctx context.Context, a store.Action) (outgoing, error) {
	switch a.Kind {
	case "ack":
		var job triage.AckJob
		if err := json.Unmarshal([]byte(a.Arg), &job); err != nil {
			return outgoing{}, fmt.Errorf("ack job: %w", err)
		}
		raw, text, err := s.ackMessage(ctx, &job)
		return outgoing{action: a, raw: raw, to: job.To, ack: &job, text: text}, err
	case "forward":
		var job triage.ForwardJob
		if err := json.Unmarshal([]byte(a.Arg), &job); err != nil {
			return outgoing{}, fmt.Errorf("forward job: %w", err)
		}
		raw, err := s.forwardMessage(&job)
		return outgoing{action: a, raw: raw, to: job.To}, err
	}
	return outgoing{}, fmt.Errorf("unknown send kind %q", a.Kind)
}

func (s *Acks) ackMessage(ctx context.Context, job *triage.AckJob) ([]byte, string, error) {
	data := templates.Data{
		Event:    s.Config.Event,
		Account:  templates.AccountDataOf(s.Account),
		Location: s.Config.Location,
	}
	if job.Ref != "" {
		data.Enquiry = &templates.EnquiryData{Ref: job.Ref, Subject: job.Subject, Category: job.Category}
	}
	if job.ContactID != 0 {
		c, err := s.Store.ContactByID(ctx, job.ContactID)
		if err != nil {
			return nil, "", err
		}
		if c != nil {
			data.Contact = &templates.Contact{Email: c.Email, Name: c.Name, Language: c.Language, Organisation: c.Organisation,
				Title: c.Title, City: c.City, Country: c.Country, Fields: c.Fields}
		}
	}
	r, err := s.Templates.Render(job.Template, job.Languages, data)
	if err != nil {
		return nil, "", err
	}
	raw, err := compose.AutoReply(compose.AutoReplyInput{
		From:       s.Account.Address,
		FromName:   s.Account.FromName,
		To:         job.To,
		MessageID:  job.MessageID,
		Original:   job.Original,
		Rendered:   r,
		LoopHeader: triage.LoopHeader,
		LoopValue:  s.Account.Address,
	})
	return raw, r.Text, err
}

// forwardMessage re-sends the original as a message/rfc822 attachment,
// its headers intact (docs/CONFIG.md §6.2, action forward).
func (s *Acks) forwardMessage(job *triage.ForwardJob) ([]byte, error) {
	return compose.Forward(compose.ForwardInput{
		From: s.Account.Address, FromName: s.Account.FromName, To: job.To,
		MessageID:  compose.NewMessageID(s.Account.Address),
		Subject:    fmt.Sprintf("[%s] Fwd: %s", job.Ref, job.Subject),
		Text:       fmt.Sprintf("Enquiry %s to %s, forwarded by herald under a triage rule. The original is attached.\n", job.Ref, s.Account.Address),
		LoopHeader: triage.LoopHeader, LoopValue: s.Account.Address,
		Original: job.Raw,
	})
}

// send delivers a batch through the account's pool; each message's
// result is committed as soon as the server answers it. Once ctx ends no
// new message starts; the one in flight finishes within the daemon's
// stop grace (the pool runs it on service.InFlight) and its result is
// committed even so: lost, the acknowledgement would go out again after
// a restart.
func (s *Acks) send(ctx context.Context, batch []outgoing) error {
	record := context.WithoutCancel(ctx)
	for _, o := range batch {
		if ctx.Err() != nil {
			return nil // the rest stays queued
		}
		start := time.Now()
		if err := s.SMTP.Send(ctx, s.Account.Address, o.to, o.raw); err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil // stopped before it was sent: still queued
			}
			s.Log.Warn("send failed", "kind", o.action.Kind, "action", o.action.ID, "err", err)
			if err := s.Store.ActionsDone(record, []int64{o.action.ID}, err); err != nil {
				return err
			}
			continue
		}
		s.Metrics.SendSeconds.WithLabelValues(s.Account.Name, o.action.Kind).Observe(time.Since(start).Seconds())
		if err := s.recordSent(record, o); err != nil {
			return err
		}
	}
	return nil
}

func (s *Acks) recordSent(ctx context.Context, o outgoing) error {
	if o.ack == nil {
		return s.Store.ActionsDone(ctx, []int64{o.action.ID}, nil)
	}
	s.Metrics.AcksSent.WithLabelValues(s.Account.Name).Inc()
	copy := ""
	if folder := s.Account.SMTP.SentFolder; folder != "" {
		copy = jobJSON(CopyJob{Folder: folder, Raw: o.raw})
	}
	return s.Store.AckSent(ctx, o.action.ID, store.MessageRow{
		Account: s.Account.Name, MessageID: o.ack.MessageID, From: strings.ToLower(s.Account.Address),
		Recipients: []string{o.ack.To}, Subject: o.ack.Subject, Kind: "ack", EnquiryID: o.ack.EnquiryID,
		Folder: s.Account.SMTP.SentFolder, Date: time.Now(), Text: o.text, Detail: "template " + o.ack.Template,
	}, copy)
}

// SMTP sends one raw message to one recipient: the account's pool
// (daemon/sender), shared with the waves.
type SMTP interface {
	Send(ctx context.Context, from, to string, raw []byte) error
}

// CopyJob is what an "append" action carries: the acknowledgement as
// sent, for smtp.sent_folder.
type CopyJob struct {
	Folder string `json:"folder"`
	Raw    []byte `json:"raw"`
}

// jobJSON encodes a job for the actions table.
func jobJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // a plain struct of strings and bytes: cannot fail
	}
	return string(b)
}

// appendToSent files the queued copies of acknowledgements in
// smtp.sent_folder (docs/CONFIG.md §5.2), so the focal point sees what herald
// answered. Each copy is an action queued with the send's record, so a
// crash loses none; a crash between the APPEND and its record can file one
// copy twice. A failure is retried later: the message was sent either way.
func (s *Acks) appendToSent(ctx context.Context) error {
	due, err := s.Store.PendingAppends(ctx, s.Account.Name, 100)
	if err != nil || len(due) == 0 {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := mailconn.DialIMAP(ctx, s.Account.IMAP, nil)
	if err != nil {
		return fmt.Errorf("append to sent folder: %w", err)
	}
	defer c.Close()
	created := map[string]bool{}
	for _, a := range due {
		var job CopyJob
		if err := json.Unmarshal([]byte(a.Arg), &job); err != nil {
			s.Store.ActionsDone(ctx, []int64{a.ID}, err)
			continue
		}
		err := appendRaw(ctx, c, job.Folder, job.Raw)
		if err != nil && !created[job.Folder] {
			// RFC 3501 §6.3.11: [TRYCREATE] — create the folder once, retry.
			created[job.Folder] = true
			mailconn.Do(ctx, c, func() error { return c.Create(job.Folder, nil).Wait() })
			err = appendRaw(ctx, c, job.Folder, job.Raw)
		}
		if err := s.Store.ActionsDone(ctx, []int64{a.ID}, err); err != nil {
			return err
		}
		if err != nil {
			return fmt.Errorf("append to %s: %w", job.Folder, err)
		}
	}
	return nil
}

func appendRaw(ctx context.Context, c *imapclient.Client, folder string, raw []byte) error {
	return mailconn.Do(ctx, c, func() error {
		cmd := c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Now()})
		if _, err := cmd.Write(raw); err != nil {
			cmd.Close()
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err := cmd.Wait()
		return err
	})
}

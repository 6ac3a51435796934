package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

// ErrPastUntil marks a send asked for after the wave's until: (the CLI
// wants --force, the API force=1).
var ErrPastUntil = errors.New("past until")

// CheckSendable says why wave wv cannot be sent now: paused or
// cancelled, or (without force) past its until:.
func CheckSendable(ctx context.Context, st *store.Store, wv *config.Wave, force bool, now time.Time) error {
	row, err := st.Wave(ctx, wv.Name)
	if err != nil {
		return err
	}
	if row != nil && (row.State == store.WaveCancelled || row.State == store.WavePaused) {
		what := "it sends nothing more"
		if row.State == store.WavePaused {
			what = "resume it first"
		}
		return fmt.Errorf("%w: wave %s is %s: %s", ErrConflict, wv.Name, row.State, what)
	}
	if wv.Until != nil && now.After(*wv.Until) && !force {
		return fmt.Errorf("%w: %w: wave %s ended on %s (until:); send it all the same with force", ErrConflict, ErrPastUntil,
			wv.Name, wv.Until.Format(time.RFC3339))
	}
	return nil
}

// RequestRun starts a run of wv now, as `waves send` does, but leaves
// the sending to the daemon's scheduler, which finds an unplanned run
// within 2 s and sends it with the daemon's pools (the dashboard runs
// inside the daemon and must not block a request on a whole wave). It
// holds the wave's lease while it looks, so no other sender starts a run
// at the same moment. It returns the run's number.
func RequestRun(ctx context.Context, st *store.Store, wv *config.Wave, actor string, force bool, now time.Time) (int, error) {
	if err := CheckSendable(ctx, st, wv, force, now); err != nil {
		return 0, err
	}
	owner := "request:" + actor
	ok, holder, err := st.AcquireLease(ctx, wv.Name, owner, waves.LeaseTTL)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: wave %s is being sent by %s: wait for it to finish", ErrConflict, wv.Name, holder)
	}
	defer st.ReleaseLease(context.WithoutCancel(ctx), wv.Name, owner)
	last, err := st.LastRun(ctx, wv.Name)
	if err != nil {
		return 0, err
	}
	if last != nil && !last.Finished {
		return 0, fmt.Errorf("%w: run %d of wave %s is under way: its pending messages go out as it proceeds", ErrConflict, last.Run, wv.Name)
	}
	return st.StartRun(ctx, wv.Name, now)
}

// PreviewMessage is one wave message rendered for a contact, as it would
// be sent (`waves preview`).
type PreviewMessage struct {
	Wave    string `json:"wave"`
	Contact string `json:"contact"`
	From    string `json:"from"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	// Text is the plain-text body; HasHTML says the message has an HTML
	// alternative too (in Raw).
	Text    string `json:"text"`
	HasHTML bool   `json:"has_html"`
	Raw     string `json:"raw"`
}

// Preview renders wv for contact email; nothing is recorded or sent.
func Preview(ctx context.Context, st *store.Store, e *waves.Engine, wv *config.Wave, email string) (*PreviewMessage, error) {
	c, err := st.ContactByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, notFound("no contact %s (see 'herald lists' and 'herald lists import')", email)
	}
	raw, err := e.Preview(wv, c)
	if err != nil {
		return nil, err
	}
	return previewOf(wv.Name, c.Email, raw), nil
}

func previewOf(wave, contact string, raw []byte) *PreviewMessage {
	p := &PreviewMessage{Wave: wave, Contact: contact, Raw: string(raw)}
	if m, err := message.Parse(raw); err == nil {
		p.From, p.Subject, p.Text = m.Header.Get("From"), m.Subject, m.Text
		p.HasHTML = m.TextFromHTML || strings.Contains(strings.ToLower(string(raw)), "content-type: text/html")
		if len(m.To) > 0 {
			p.To = m.To[0].String()
		}
	}
	return p
}

// TestAddress checks a test send's address: one plain address.
func TestAddress(to string) (string, error) {
	a, err := mail.ParseAddress(strings.TrimSpace(to))
	if err != nil || a.Name != "" {
		return "", fmt.Errorf("test address %q: give one address, like you@example.org", to)
	}
	return a.Address, nil
}

// TestSend renders wv for c (a contact with only the address to when c
// is nil) and sends it to to through pool; it is not recorded as a
// delivery (`waves test`).
func TestSend(ctx context.Context, e *waves.Engine, pool waves.Sender, wv *config.Wave, c *store.Contact, to string) error {
	if c == nil {
		c = &store.Contact{Email: to, Fields: map[string]string{}}
	}
	acct := e.Config.Account(wv.Account)
	if acct == nil {
		return fmt.Errorf("wave %s: no account %s", wv.Name, wv.Account)
	}
	raw, err := e.Preview(wv, c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := pool.Send(ctx, acct.Address, to, raw); err != nil {
		return fmt.Errorf("send test of %s to %s: %w", wv.Name, to, err)
	}
	return nil
}

// OnePool is an SMTP pool for account, for one command or request;
// the caller closes it.
func OnePool(cfg *config.Config, st *store.Store, account string, log *slog.Logger) (*sender.Pool, error) {
	a := cfg.Account(account)
	if a == nil {
		return nil, fmt.Errorf("no account %s in %s", account, cfg.Path)
	}
	return sender.New(sender.Options{Account: *a, Store: st, Location: cfg.Location, Log: log}), nil
}

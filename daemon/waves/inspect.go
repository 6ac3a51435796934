package waves

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// Status is a wave as `waves` and `waves show` print it (docs/BEHAVIOUR.md §2 shape).
type Status struct {
	Name      string     `json:"name"`
	Account   string     `json:"account"`
	List      string     `json:"list"`
	Template  string     `json:"template"`
	State     string     `json:"state"`
	Reason    string     `json:"state_reason,omitempty"`
	NextRun   *time.Time `json:"next_run"`
	Runs      int        `json:"runs"`
	Planned   int        `json:"planned"`
	Sent      int        `json:"sent"`
	Failed    int        `json:"failed"`
	Skipped   int        `json:"skipped"`
	Pending   int        `json:"pending"`
	Uncertain int        `json:"uncertain"`
}

// Status reads a wave's state and counts.
func (e *Engine) Status(ctx context.Context, w *config.Wave) (Status, error) {
	st := Status{Name: w.Name, Account: w.Account, List: w.List, Template: w.Template, State: store.WaveScheduled}
	row, err := e.Store.Wave(ctx, w.Name)
	if err != nil {
		return st, err
	}
	if row != nil {
		st.State, st.Reason, st.Runs = row.State, row.StateReason, row.Runs
	}
	c, err := e.Store.Counts(ctx, w.Name, 0)
	if err != nil {
		return st, err
	}
	st.Planned, st.Sent, st.Failed, st.Skipped, st.Pending, st.Uncertain = c.Planned, c.Sent, c.Failed, c.Skipped, c.Pending, c.Uncertain
	if st.State == store.WaveCancelled || st.State == store.WaveDone {
		return st, nil
	}
	last, err := e.Store.LastRun(ctx, w.Name)
	if err != nil {
		return st, err
	}
	if st.State == store.WaveScheduled && last != nil && !last.Finished {
		// A run under way (or resumed after a restart, or waiting for
		// its retries) is running; the state stored says scheduled.
		st.State = store.WaveRunning
	}
	if next := e.schedules[w.Name].next(last, time.Now()); !next.IsZero() {
		st.NextRun = &next
	}
	return st, nil
}

// Verdict is one list member in a dry run: Reason empty means "gets it".
type Verdict struct {
	Email  string `json:"email"`
	Reason string `json:"skipped,omitempty"`
	// Fails is why the message for a member who gets it cannot be built
	// (a template or an address problem), in DryRunRender only.
	Fails string `json:"fails,omitempty"`
}

// DryRun computes the audience as a run starting now would, writing
// nothing, and hands each member's verdict to each.
func (e *Engine) DryRun(ctx context.Context, w *config.Wave, each func(Verdict) error) (gets, skipped int, err error) {
	gets, skipped, _, err = e.dryRun(ctx, w, false, each)
	return gets, skipped, err
}

// DryRunRender is DryRun that also builds the message of every member
// who gets it, as a run would, and sets Verdict.Fails for those whose
// message cannot be built: a field their row lacks, an address compose
// refuses. fails counts them; gets includes them.
func (e *Engine) DryRunRender(ctx context.Context, w *config.Wave, each func(Verdict) error) (gets, skipped, fails int, err error) {
	return e.dryRun(ctx, w, true, each)
}

func (e *Engine) dryRun(ctx context.Context, w *config.Wave, render bool, each func(Verdict) error) (gets, skipped, fails int, err error) {
	var after int64
	now := time.Now()
	acct := e.Config.Account(w.Account)
	if render && acct == nil {
		return 0, 0, 0, fmt.Errorf("wave %s: no account %s", w.Name, w.Account)
	}
	if render {
		// A dry run before sending says what a run would pause for; the
		// counts of `waves show` (no render) stay zero instead.
		if missing, err := e.missingList(ctx, w); missing != "" || err != nil {
			if err == nil {
				err = fmt.Errorf("wave %s: %w: %s", w.Name, ErrNoList, missing)
			}
			return 0, 0, 0, err
		}
	}
	var k *waveKit
	if render {
		k = e.kit(w, acct)
	}
	for {
		cands, err := e.Store.Candidates(ctx, w.List, w.Name, w.After, after, planChunk)
		if err != nil {
			return gets, skipped, fails, err
		}
		if len(cands) == 0 {
			return gets, skipped, fails, nil
		}
		for i := range cands {
			c := &cands[i]
			after = c.ID
			v := Verdict{Email: c.Email, Reason: eligible(w, c, now)}
			switch {
			case v.Reason != "":
				skipped++
			case render:
				gets++
				if v.Fails = e.tryMessage(k, &c.Contact); v.Fails != "" {
					fails++
				}
			default:
				gets++
			}
			if err := each(v); err != nil {
				return gets, skipped, fails, err
			}
		}
	}
}

// tryMessage builds c's message and drops it; it returns why it could
// not be built, or "".
func (e *Engine) tryMessage(k *waveKit, c *store.Contact) string {
	raw, err := e.message(k, &store.Delivery{Wave: k.w.Name, MessageID: "dry-run@herald.invalid", Contact: *c})
	if err != nil {
		return err.Error()
	}
	recycle(raw)
	return ""
}

// Preview renders the exact message a contact would get from this wave,
// with a fresh Message-ID; nothing is recorded or sent.
func (e *Engine) Preview(w *config.Wave, c *store.Contact) ([]byte, error) {
	acct := e.Config.Account(w.Account)
	if acct == nil {
		return nil, fmt.Errorf("wave %s: no account %s", w.Name, w.Account)
	}
	id := strings.Trim(compose.NewMessageID(acct.Address), "<>")
	return e.message(e.kit(w, acct), &store.Delivery{Wave: w.Name, MessageID: id, Contact: *c})
}

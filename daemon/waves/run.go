package waves

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/herald-mail/herald/daemon/compose"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// planChunk is how many list members one planning transaction writes.
const planChunk = 1000

// RunWave takes the wave's lease, then continues its unfinished run or,
// with slot, starts a new run for that slot: it writes the audience into
// the outbox (resuming where a crash stopped it) and sends every due row.
// It returns when nothing more is due now, or when the wave is paused or
// cancelled.
func (e *Engine) RunWave(ctx context.Context, w *config.Wave, slot *time.Time) error {
	ok, holder, err := e.Store.AcquireLease(ctx, w.Name, e.Owner, LeaseTTL)
	if err != nil {
		return err
	}
	if !ok && deadHolder(holder) {
		// The holder was a herald on this host that no longer runs (a
		// crash): take over now rather than wait for its lease to expire.
		ok, holder, err = e.Store.TakeOverLease(ctx, w.Name, holder, e.Owner, LeaseTTL)
		if err != nil {
			return err
		}
	}
	if !ok && e.Nodes {
		return e.help(ctx, w)
	}
	if !ok {
		return fmt.Errorf("%w (%s)", ErrLeased, holder)
	}
	// The lease is renewed until RunWave returns, not until ctx ends: a
	// stop lets the messages in flight finish (service.InFlight), and the
	// wave stays ours until their results are committed.
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	var renew sync.WaitGroup
	renew.Add(1)
	go func() {
		defer renew.Done()
		// Without renewal the lease would lapse mid-run: a panic stops the run.
		if e.recovered("lease", func() error { e.renewLease(lctx, w.Name); return nil }) != nil {
			stop()
		}
	}()
	defer func() {
		stop()
		renew.Wait()
		e.Store.ReleaseLease(lctx, w.Name, e.Owner)
	}()

	// Holding the lease, rows a previous holder left 'sending' are ours to
	// recover: they are sent again and reported as possible duplicates.
	// Nodes recover only those of dead nodes: the others are in flight.
	if err := e.recoverSending(ctx, w); err != nil {
		return err
	}
	last, err := e.Store.LastRun(ctx, w.Name)
	if err != nil {
		return err
	}
	run := 0
	switch {
	case last != nil && !last.Finished:
		run = last.Run
	case slot != nil:
		if err := e.requireList(ctx, w); err != nil {
			return err
		}
		if run, err = e.Store.StartRun(ctx, w.Name, *slot); err != nil {
			return err
		}
		e.Log.Info("run started", "wave", w.Name, "run", run, "slot", slot.Format(time.RFC3339))
	default:
		return nil
	}
	if last == nil || last.Run != run || !last.Planned {
		if err := e.requireList(ctx, w); err != nil {
			return err
		}
		if err := e.plan(ctx, w, run); err != nil {
			return fmt.Errorf("plan run %d: %w", run, err)
		}
	}
	if err := e.send(ctx, w); err != nil {
		return err
	}
	return e.finish(ctx, w, run)
}

// recoverSending puts back the rows a stopped sender left 'sending' (and
// on nodes, the unsent claims of dead nodes), flagged uncertain.
func (e *Engine) recoverSending(ctx context.Context, w *config.Wave) error {
	rec := e.Store.RecoverSending
	if e.Nodes {
		rec = func(ctx context.Context, wave string) (int64, error) {
			return e.Store.RecoverClaims(ctx, wave, e.Owner)
		}
	}
	n, err := rec(ctx, w.Name)
	if n > 0 {
		e.Log.Warn("resending deliveries left in flight by a stopped sender; they may be duplicates", "wave", w.Name, "rows", n)
	}
	return err
}

// help sends, on a node, rows of a wave whose lease another node holds
// (docs/BEHAVIOUR.md §13): that node plans each run and this one joins once
// it is planned; every node claims its own rows (store.ClaimDue), and
// whichever sees the last row done finishes the run.
func (e *Engine) help(ctx context.Context, w *config.Wave) error {
	last, err := e.Store.LastRun(ctx, w.Name)
	if err != nil || last == nil || last.Finished || !last.Planned {
		return err // nothing to share yet: the holder plans first
	}
	if err := e.recoverSending(ctx, w); err != nil {
		return err
	}
	if err := e.send(ctx, w); err != nil {
		return err
	}
	return e.finish(ctx, w, last.Run)
}

// finish closes run once none of its rows is left to send, on any node.
func (e *Engine) finish(ctx context.Context, w *config.Wave, run int) error {
	done, err := e.Store.FinishRunIfDone(ctx, w.Name, run, e.schedules[w.Name].lastRun(e.slotOf(ctx, w.Name)))
	if done {
		c, _ := e.Store.Counts(ctx, w.Name, run)
		e.Log.Info("run finished", "wave", w.Name, "run", run, "sent", c.Sent, "failed", c.Failed, "skipped", c.Skipped, "uncertain", c.Uncertain)
	}
	return err
}

func (e *Engine) slotOf(ctx context.Context, wave string) time.Time {
	if last, err := e.Store.LastRun(ctx, wave); err == nil && last != nil {
		return last.ScheduledFor
	}
	return time.Now()
}

func (e *Engine) renewLease(ctx context.Context, wave string) {
	t := time.NewTicker(LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, _, err := e.Store.AcquireLease(ctx, wave, e.Owner, LeaseTTL); err != nil && ctx.Err() == nil {
				e.Log.Warn("lease renewal failed", "wave", wave, "err", err)
			}
		}
	}
}

// plan streams the list in contact-id chunks and writes one outbox row
// per member: pending for the audience, skipped with the reason for the
// rest. A crash mid-way resumes after the last contact written.
func (e *Engine) plan(ctx context.Context, w *config.Wave, run int) error {
	after, err := e.Store.LastPlannedContact(ctx, w.Name, run)
	if err != nil {
		return err
	}
	acct := e.Config.Account(w.Account)
	now := time.Now()
	for {
		cands, err := e.Store.Candidates(ctx, w.List, w.Name, w.After, after, planChunk)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			break
		}
		rows := make([]store.PlannedRow, len(cands))
		for i := range cands {
			c := &cands[i]
			r := store.PlannedRow{ContactID: c.ID, Email: c.Email, State: store.DeliveryPending,
				MessageID: strings.Trim(compose.NewMessageID(acct.Address), "<>")}
			if why := eligible(w, c, now); why != "" {
				r.State, r.Reason = store.DeliverySkipped, why
			}
			rows[i] = r
			after = c.ID
		}
		if err := e.Store.AddPlanned(ctx, w.Name, run, rows); err != nil {
			return err
		}
	}
	return e.Store.MarkPlanned(ctx, w.Name, run)
}

// deadHolder reports whether a lease owner ("pid@host") is a process of
// this host that has exited.
func deadHolder(owner string) bool {
	pidText, host, ok := strings.Cut(owner, "@")
	me, _ := os.Hostname()
	pid, err := strconv.Atoi(pidText)
	if !ok || err != nil || host != me || pid <= 0 {
		return false
	}
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

package waves

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
)

// minAttempts is how many results a wave needs before its failure share
// can pause it: two early failures out of three say little.
const minAttempts = 20

// send runs smtp.connections sessions over the wave's due rows until none
// is due, the wave is paused or cancelled, or ctx ends. Each pass reads the
// rows due when it starts; another pass follows while the last one found
// some, so rows that came due meanwhile (`waves retry`) are sent too.
func (e *Engine) send(ctx context.Context, w *config.Wave) error {
	acct := e.Config.Account(w.Account)
	pool := e.Senders[w.Account]
	if pool == nil {
		return fmt.Errorf("no sender for account %s", w.Account)
	}
	workers := max(acct.SMTP.Connections, 1)
	stop := &stopCheck{e: e, wave: w.Name}
	for {
		n, err := e.runPass(ctx, w, acct, pool, stop, workers)
		if err != nil || n == 0 || stop.isStopped() || ctx.Err() != nil {
			return err
		}
	}
}

// failed records err, the failure of row d, and reports whether the
// session must stop: it was stopped, or the pool was closed (a marked row
// goes back to the queue unless the server may have taken it; an unmarked
// one stays as it is), the wave paused itself, or the daily cap is
// reached. A row refused before it was marked gets the try its mark would
// have counted.
func (e *Engine) failed(ctx context.Context, w *config.Wave, p *pass, d *store.Delivery, err error, marked bool) bool {
	closed := errors.Is(err, sender.ErrClosed)
	if (interrupted(ctx, err, marked) || closed) && !errors.Is(err, sender.ErrDailyCap) {
		if closed {
			p.stop.force() // the daemon is stopping: the rest stays due
		}
		var se *sender.Error
		if marked && (!errors.As(err, &se) || !se.Uncertain) {
			e.result(ctx, w, p.ob, d, store.DeliveryOutcome{ID: d.ID, State: store.DeliveryPending, Reason: "interrupted"})
		}
		return true
	}
	state, reason, next := outcome(w, d, err)
	if e.result(ctx, w, p.ob, d, store.DeliveryOutcome{ID: d.ID, State: state, Reason: reason, Next: next, Tried: !marked}) {
		p.stop.force()
		return true
	}
	if errors.Is(err, sender.ErrDailyCap) {
		p.stop.force() // the rest waits for tomorrow
		return true
	}
	return false
}

// interrupted reports whether err is the stop's doing rather than the
// server's: ctx ended (the daemon stops taking rows) and the row was not
// yet marked, or its transaction was cut when the stop's grace ran out,
// or its session was dropped for answering out of step, which a running
// daemon would have retried at once on a new session (the server gave no
// verdict on it). A marked row whose transaction finished after the stop
// has the server's verdict, recorded as any other.
func interrupted(ctx context.Context, err error, marked bool) bool {
	if ctx.Err() == nil {
		return false
	}
	return !marked || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, sender.ErrOutOfStep)
}

// outcome maps a send error to the row's next state (docs/BEHAVIOUR.md §8.6): 4xx and
// network errors are retried with backoff up to max_tries, 5xx fail with
// the server's text, the daily cap waits for the next day.
func outcome(w *config.Wave, d *store.Delivery, err error) (state, reason string, next time.Time) {
	if errors.Is(err, sender.ErrDailyCap) {
		now := time.Now()
		tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())
		return store.DeliveryRetry, "daily cap reached", tomorrow
	}
	var se *sender.Error
	temporary := true
	if errors.As(err, &se) {
		temporary = se.Temporary
	}
	if !temporary {
		return store.DeliveryFailed, err.Error(), time.Time{}
	}
	maxTries := w.MaxTries
	if maxTries <= 0 {
		maxTries = 10
	}
	if d.Tries >= maxTries {
		return store.DeliveryFailed, fmt.Sprintf("gave up after %d tries: %v", d.Tries, err), time.Time{}
	}
	return store.DeliveryRetry, err.Error(), time.Now().Add(retryDelay(d.Tries))
}

// retryDelay is 30 s doubling to at most 2 h (docs/BEHAVIOUR.md §8.6).
func retryDelay(tries int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < tries && d < 2*time.Hour; i++ {
		d *= 2
	}
	return min(d, 2*time.Hour)
}

// result records a row's outcome at once through the outbox, counts it,
// and pauses the wave when its failures pass the threshold.
func (e *Engine) result(ctx context.Context, w *config.Wave, ob *outbox, d *store.Delivery, o store.DeliveryOutcome) (paused bool) {
	var req commitReq
	if _, err := ob.commit(&req, &o, 0); err != nil {
		e.Log.Error("cannot record delivery result", "wave", w.Name, "delivery", d.ID, "state", o.State, "err", err)
		return false
	}
	if e.Metrics != nil && e.Metrics.Deliveries != nil {
		e.Metrics.Deliveries.WithLabelValues(w.Name, o.State).Inc()
	}
	if o.State == store.DeliveryFailed {
		e.Log.Warn("delivery failed", "wave", w.Name, "to", d.Contact.Email, "reason", o.Reason)
		return e.checkThreshold(context.WithoutCancel(ctx), w, o.Reason)
	}
	return false
}

// checkThreshold pauses the wave when its failures pass the threshold and
// reports whether it did.
func (e *Engine) checkThreshold(ctx context.Context, w *config.Wave, last string) bool {
	c, err := e.Store.Counts(ctx, w.Name, 0)
	if err != nil || c.Sent+c.Failed < minAttempts {
		return false
	}
	limit := w.FailureThreshold
	if limit <= 0 {
		limit = 0.2
	}
	if float64(c.Failed)/float64(c.Sent+c.Failed) <= limit {
		return false
	}
	why := fmt.Sprintf("paused itself: %d of %d deliveries failed (over %.0f%%); last: %s; fix the cause, then 'herald waves retry %s' and 'herald waves resume %s'",
		c.Failed, c.Sent+c.Failed, limit*100, last, w.Name, w.Name)
	if ok, _ := e.Store.SetWaveState(ctx, w.Name, store.WavePaused, why, store.WaveRunning, store.WaveScheduled); ok {
		e.Log.Error("wave paused", "wave", w.Name, "reason", why)
	}
	return true
}

// stopped reports whether the wave was paused or cancelled (by the CLI,
// the dashboard or its failure threshold).
func (e *Engine) stopped(ctx context.Context, wave string) (bool, error) {
	row, err := e.Store.Wave(ctx, wave)
	if err != nil || row == nil {
		return err != nil, err
	}
	return row.State == store.WavePaused || row.State == store.WaveCancelled, nil
}

// stopCheck reads the wave's state at most once a second for all workers
// (a read per message cost 8% of a wave's time); a pause or cancel is
// still followed within about a second (docs/BEHAVIOUR.md §8.7).
type stopCheck struct {
	e    *Engine
	wave string

	mu      sync.Mutex
	at      time.Time
	stopped bool
	forced  bool
}

func (s *stopCheck) check(ctx context.Context) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forced || time.Since(s.at) < time.Second {
		return s.forced || s.stopped, nil
	}
	stopped, err := s.e.stopped(ctx, s.wave)
	if err != nil {
		return false, err
	}
	s.at, s.stopped = time.Now(), stopped
	return stopped, nil
}

// force stops every worker for the rest of this send (the engine paused
// the wave itself, the daily cap is reached, or the pool was closed).
func (s *stopCheck) force() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forced = true
}

// isStopped is the last state check's answer, without reading again.
func (s *stopCheck) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forced || s.stopped
}

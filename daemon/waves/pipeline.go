package waves

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// How far a wave's sender reads and renders ahead of its sessions. Rows
// read ahead stay pending in the outbox (only a commit marks them
// 'sending'), so these bound memory, not what a crash leaves uncertain.
const (
	dueBatch     = 64 // rows per read of the outbox
	readyPerConn = 2  // rendered messages waiting, per session
)

// item is a due row rendered ahead of its SMTP transaction.
type item struct {
	d   store.Delivery
	raw []byte
}

// recoverEvery is how often a node sending a wave frees the claims of
// nodes whose node lease expired (store.RecoverClaims): a node that dies
// mid-wave has its rows back in the queue within its lease's life and
// this, while the others are still in their passes (docs/BEHAVIOUR.md §13).
const recoverEvery = 5 * time.Second

// feed reads the wave's due rows in batches into rows, then closes it. It
// returns how many it read. On nodes it claims them, and frees a dead
// node's claims every recoverEvery, so they are claimed in this pass.
func (e *Engine) feed(ctx context.Context, w *config.Wave, rows chan<- store.Delivery) (int, error) {
	defer close(rows)
	var cur store.DueCursor
	n := 0
	recovered := time.Now() // the pass began with a recovery (RunWave, help)
	for {
		var ds []store.Delivery
		var err error
		if e.Nodes && time.Since(recovered) >= recoverEvery {
			recovered = time.Now()
			if err := e.recoverSending(ctx, w); err != nil {
				return n, err
			}
		}
		if e.Nodes {
			ds, err = e.Store.ClaimDue(ctx, w.Name, e.Owner, dueBatch)
		} else {
			ds, err = e.Store.Due(ctx, w.Name, &cur, dueBatch)
		}
		if err != nil || len(ds) == 0 {
			return n, err
		}
		n += len(ds)
		for _, d := range ds {
			select {
			case rows <- d:
			case <-ctx.Done():
				return n, nil
			}
		}
	}
}

// render builds the message of each row read ahead, while the sessions
// are busy with the SMTP transactions of earlier ones. A row whose
// template fails is failed with the reason, not the wave (docs/BEHAVIOUR.md §10).
func (e *Engine) render(ctx context.Context, w *config.Wave, acct *config.Account, ob *outbox, stop *stopCheck,
	rows <-chan store.Delivery, ready chan<- item) {
	k := e.kit(w, acct)
	for d := range rows {
		var raw []byte
		err := e.recovered("render", func() (err error) {
			raw, err = e.message(k, &d)
			return err
		})
		if err != nil {
			o := store.DeliveryOutcome{ID: d.ID, State: store.DeliveryFailed, Reason: "render: " + err.Error()}
			if e.result(ctx, w, ob, &d, o) {
				stop.force()
			}
			continue
		}
		select {
		case ready <- item{d: d, raw: raw}:
		case <-ctx.Done():
			return
		}
	}
}

// outbox is a wave's group commit: the outcomes and 'sending' marks that
// the sessions ask for while a commit is under way are written together by
// the next one, in one transaction, the way a database flushes its log
// once for every transaction waiting on it. There is no writer goroutine:
// the first session to ask while no commit runs does the commit itself
// (with one session, every time), so a lone session never waits for a
// hand-off between threads. A session's next row is marked in the same
// commit as its last row's outcome, so at most one row per session is
// ever 'sending'.
//
// A leader alone in the queue while other sessions run first yields its
// thread once: sessions whose answers have arrived join its commit
// instead of each starting one of their own. Without that, four sessions
// nearly never met (each commit is short next to a round trip) and made
// one SQLite commit per message; with it, about one per two and a half.
// A lone session does not yield: there is no one to wait for.
type outbox struct {
	st       *store.Store
	ctx      context.Context // marks stop when it ends; outcomes never do
	sessions int             // that commit through this outbox

	mu      sync.Mutex
	cond    sync.Cond
	queue   []*commitReq // asked for, not yet taken by a commit
	spare   []*commitReq
	busy    bool // a session is committing
	outcome []store.DeliveryOutcome
	ids     []int64

	log     *slog.Logger // a commit's panic; nil: slog.Default
	metrics *metrics.Metrics
}

// commitReq asks the outbox to record outcome (if not nil) and mark the
// row mark 'sending' (if not 0).
type commitReq struct {
	outcome *store.DeliveryOutcome
	mark    int64
	marked  bool
	err     error
	done    bool
}

func newOutbox(ctx context.Context, st *store.Store, sessions int) *outbox {
	o := &outbox{st: st, ctx: ctx, sessions: sessions}
	o.cond.L = &o.mu
	return o
}

// commit records outcome and/or marks the row mark 'sending', and returns
// once that is committed. It reports whether the row was marked: false
// when it is no longer due, or when the outbox's ctx ended first (nothing
// more may be sent then). The outcome is committed even then.
func (o *outbox) commit(r *commitReq, outcome *store.DeliveryOutcome, mark int64) (bool, error) {
	*r = commitReq{outcome: outcome, mark: mark}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.queue = append(o.queue, r)
	for !r.done {
		if o.busy {
			o.cond.Wait()
			continue
		}
		// Lead: commit everything asked for so far, this request included,
		// once the sessions that can join have had their turn.
		o.busy = true
		if len(o.queue) == 1 && o.sessions > 1 {
			o.mu.Unlock()
			runtime.Gosched()
			o.mu.Lock()
		}
		batch := o.queue
		o.queue, o.spare = o.spare[:0], nil
		o.mu.Unlock()
		o.write(batch)
		o.mu.Lock()
		for _, b := range batch {
			b.done = true
		}
		o.busy = false
		o.spare = batch[:0]
		o.cond.Broadcast()
	}
	return r.marked, r.err
}

// write commits batch in one transaction; only the leader calls it, and
// sets each request's answer, to be read once done is set under mu.
func (o *outbox) write(batch []*commitReq) {
	defer func() {
		// Every request gets an answer, or its session would wait for
		// ever: a panic fails them all (and then their pass).
		if r := recover(); r != nil {
			err := service.Panicked(o.log, o.metrics, "waves", r)
			for _, b := range batch {
				b.err, b.marked = fmt.Errorf("commit: %w", err), false
			}
		}
	}()
	stopping := o.ctx.Err() != nil
	o.outcome, o.ids = o.outcome[:0], o.ids[:0]
	for _, r := range batch {
		if r.outcome != nil {
			o.outcome = append(o.outcome, *r.outcome)
		}
		if r.mark != 0 && !stopping {
			o.ids = append(o.ids, r.mark)
		}
	}
	marked, err := o.st.CommitDeliveries(context.WithoutCancel(o.ctx), o.outcome, o.ids)
	i := 0
	for _, r := range batch {
		r.err = err
		if r.mark != 0 && !stopping {
			r.marked = err == nil && marked[i]
			i++
		}
	}
}

// pass is one sweep of a wave's due rows by its sessions.
type pass struct {
	ready <-chan item
	ob    *outbox
	stop  *stopCheck
}

// next is the next rendered row for a session; false when there is none,
// the wave was stopped, or ctx ended.
func (p *pass) next(ctx context.Context) (item, bool, error) {
	if ctx.Err() != nil {
		return item{}, false, nil
	}
	if stopped, err := p.stop.check(ctx); err != nil || stopped {
		return item{}, false, err
	}
	select {
	case it, ok := <-p.ready:
		return it, ok, nil
	case <-ctx.Done():
		return item{}, false, nil
	}
}

// runPass reads, renders and sends the rows due now with workers
// sessions, and returns how many rows it read (0: nothing was due).
// The sessions stop after their current message when the wave is
// stopped or ctx ends: a message in flight then gets its verdict, which
// is committed, unless the daemon's stop grace runs out first
// (service.InFlight).
func (e *Engine) runPass(ctx context.Context, w *config.Wave, acct *config.Account, pool Sender, stop *stopCheck, workers int) (int, error) {
	ctx, cancel := context.WithCancel(ctx) // the sessions' and the outbox's
	defer cancel()
	ob := newOutbox(ctx, e.Store, workers)
	ob.log, ob.metrics = e.Log, e.Metrics

	// The readers ahead stop when the sessions do: their rows stay pending.
	rctx, rcancel := context.WithCancel(ctx)
	defer rcancel()
	rows := make(chan store.Delivery, dueBatch)
	ready := make(chan item, readyPerConn*workers)
	errc := make(chan error, workers+1)
	var read int
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		err := e.recovered("read", func() (err error) {
			read, err = e.feed(rctx, w, rows)
			return err
		})
		// Once the sessions are over (or ctx ended) the readers are
		// cancelled: a read cut short then is no error of the pass.
		if err != nil && rctx.Err() == nil {
			errc <- err
			cancel()
		}
	}()
	// One renderer: it builds a message in ~15 µs, ahead of what even
	// many sessions send, and a second one only takes CPU from the
	// sessions and the SMTP server when they have an answer to handle
	// (measured: 4 sessions were 4% slower with two).
	readers.Add(1)
	go func() {
		defer readers.Done()
		defer close(ready)
		e.render(rctx, w, acct, ob, stop, rows, ready)
	}()

	p := &pass{ready: ready, ob: ob, stop: stop}
	var sessions sync.WaitGroup
	for range workers {
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			if err := e.recovered("send", func() error { return e.session(ctx, w, acct, pool, p) }); err != nil {
				errc <- err
				cancel()
			}
		}()
	}
	sessions.Wait()
	rcancel()
	readers.Wait()
	if e.Nodes {
		// Rows claimed but not sent (read ahead, stopped, or waiting for
		// a retry) are any node's again.
		if err := e.Store.ReleaseClaims(context.WithoutCancel(ctx), w.Name, e.Owner); err != nil {
			select {
			case errc <- err:
			default: // the pass failed already; its claims expire with this node
			}
		}
	}
	close(errc)
	return read, <-errc
}

// recovered runs f and turns a panic into its error, logged with its
// stack and counted: a bug met by one of a pass's goroutines (a template,
// the MIME writer, a session) fails that row or that pass, not the
// daemon.
func (e *Engine) recovered(what string, f func() error) error {
	err := service.Safe(e.Log, e.Metrics, "waves", f)
	if errors.Is(err, service.ErrPanic) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}

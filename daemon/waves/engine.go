// Package waves runs docs/BEHAVIOUR.md §8: it decides when each wave is due, writes
// each run's audience into the durable outbox before any SMTP traffic,
// sends it through the account's pool at the account's rate, retries
// temporary failures with backoff, pauses a wave whose failures pass its
// threshold, and never sends a row twice once the server accepted it.
package waves

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// Sender is the account's SMTP pool (daemon/sender's *Pool). The engine
// sends a wave's messages through the sessions Stream lends, one round
// trip per message; Send, one message at a time, is for the pool's other
// users (acknowledgements, digests), which the daemon hands the same
// pools.
type Sender interface {
	Stream(ctx context.Context) (*sender.Stream, error)
	Send(ctx context.Context, from, to string, raw []byte) error
}

// Engine runs the waves of one config.
type Engine struct {
	Config    *config.Config
	Store     *store.Store
	Templates *templates.Set
	// Senders maps an account name to its pool.
	Senders map[string]Sender
	// Secret signs unsubscribe tokens.
	Secret  []byte
	Log     *slog.Logger
	Metrics *metrics.Metrics // may be nil
	// Owner identifies this process in wave leases.
	Owner string
	// Stale, when set, reports that the template files changed and a
	// new engine with them is on its way (the daemon's watcher): Run
	// starts nothing meanwhile, so that a row retried right after a fix
	// is not sent with the template it failed with.
	Stale func() bool
	// Nodes: this engine is one of several nodes on a PostgreSQL
	// database (or `waves send` beside them), which send each wave together: Owner
	// claims rows (store.ClaimDue) while its node lease
	// (store.NodeLease) lives.
	Nodes bool

	started   time.Time
	schedules map[string]*schedule
	mu        sync.Mutex
	running   map[string]bool
}

// LeaseTTL is how long a wave lease lasts without renewal; a crashed
// holder's lease expires after it and another process may take over.
const LeaseTTL = 30 * time.Second

// NewEngine prepares the schedules of every configured wave.
func NewEngine(cfg *config.Config, st *store.Store, t *templates.Set, senders map[string]Sender, secret []byte, log *slog.Logger, m *metrics.Metrics) (*Engine, error) {
	host, _ := os.Hostname()
	e := &Engine{Config: cfg, Store: st, Templates: t, Senders: senders, Secret: secret, Log: log.With("component", "waves"),
		Metrics: m, Owner: fmt.Sprintf("%d@%s", os.Getpid(), host), started: time.Now(),
		schedules: map[string]*schedule{}, running: map[string]bool{}}
	for i := range cfg.Waves {
		w := &cfg.Waves[i]
		s, err := newSchedule(w, cfg.Location, e.started)
		if err != nil {
			return nil, fmt.Errorf("wave %s: %w", w.Name, err)
		}
		e.schedules[w.Name] = s
	}
	return e, nil
}

// Name is the component name.
func (e *Engine) Name() string { return "scheduler" }

// Run is the daemon's scheduler: every 2 s it starts whatever is due —
// a new run, or sending the rows of an unfinished one — so a pause,
// resume or cancel from the CLI takes effect within seconds.
func (e *Engine) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		for i := range e.Config.Waves {
			w := &e.Config.Waves[i]
			if e.Stale != nil && e.Stale() {
				break
			}
			if e.claim(w.Name) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					defer e.release(w.Name)
					err := e.recovered("tick", func() error { return e.tick(ctx, w) })
					switch {
					case err == nil || ctx.Err() != nil:
					case errors.Is(err, ErrLeased):
						// Another process sends it (the CLI, or a daemon
						// whose lease has not expired): not a failure.
						e.Log.Debug("wave busy elsewhere", "wave", w.Name, "err", err)
					default:
						e.Log.Error("wave failed", "wave", w.Name, "err", err)
					}
				}()
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (e *Engine) claim(wave string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running[wave] {
		return false
	}
	e.running[wave] = true
	return true
}

func (e *Engine) release(wave string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.running, wave)
}

// tick does what is due for one wave now.
func (e *Engine) tick(ctx context.Context, w *config.Wave) error {
	row, err := e.state(ctx, w.Name)
	if err != nil || row.State == store.WaveCancelled || row.State == store.WavePaused || row.State == store.WaveDone {
		return err
	}
	last, err := e.Store.LastRun(ctx, w.Name)
	if err != nil {
		return err
	}
	if last != nil && !last.Finished {
		if e.Nodes && last.Planned {
			// A dead node's claims come due again here, whoever runs.
			if err := e.recoverSending(ctx, w); err != nil {
				return err
			}
		}
		due, ok, err := e.Store.NextDue(ctx, w.Name)
		if err == nil && e.Nodes && last.Planned && !ok {
			// The node that sent the last row may have died before it
			// closed the run: any node closes it.
			return e.finish(ctx, w, last.Run)
		}
		if err != nil || (last.Planned && (!ok || due.After(time.Now()))) {
			return err // nothing to send yet (retries wait for their time)
		}
		return e.RunWave(ctx, w, nil)
	}
	slot, ok, finished := e.schedules[w.Name].due(last, time.Now())
	if finished && row.State != store.WaveDone {
		_, err := e.Store.SetWaveState(ctx, w.Name, store.WaveDone, "", store.WaveScheduled)
		return err
	}
	if !ok {
		return nil
	}
	return e.RunWave(ctx, w, &slot)
}

func (e *Engine) state(ctx context.Context, wave string) (*store.WaveRow, error) {
	if err := e.Store.EnsureWave(ctx, wave); err != nil {
		return nil, err
	}
	return e.Store.Wave(ctx, wave)
}

// ErrLeased is returned when another process holds the wave's lease.
var ErrLeased = errors.New("wave is being sent by another herald process")

// Progress reports a wave's counts while it runs (the CLI's progress bar).
type Progress func(store.WaveCounts)

// Package service runs the daemon's long-lived components: each is a
// Run(ctx) error, supervised so that an error or a panic is logged, counted,
// shown on /healthz and followed by a restart with backoff, never a crash.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/backoff"
	"github.com/herald-mail/herald/daemon/metrics"
)

// Component is one long-running part of the daemon. Run returns when ctx is
// cancelled (then its error is ignored) or when it fails.
type Component interface {
	Name() string
	Run(ctx context.Context) error
}

// Func adapts a function to a Component.
type Func struct {
	N string
	F func(ctx context.Context) error
}

// Name is the component's name in logs, metrics and /healthz.
func (f Func) Name() string { return f.N }

// Run runs the function.
func (f Func) Run(ctx context.Context) error { return f.F(ctx) }

// Supervisor runs components and restarts those that fail.
type Supervisor struct {
	Log     *slog.Logger
	Health  *Health
	Metrics *metrics.Metrics
	// MinRestart and MaxRestart bound the delay before a failed component
	// runs again; defaults 1 s and 1 min.
	MinRestart, MaxRestart time.Duration
}

// Run runs every component until ctx is cancelled and all have returned.
func (s *Supervisor) Run(ctx context.Context, comps ...Component) {
	var wg sync.WaitGroup
	for _, c := range comps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer Recover(s.Log, s.Metrics, c.Name())
			s.supervise(ctx, c)
		}()
	}
	wg.Wait()
}

func (s *Supervisor) supervise(ctx context.Context, c Component) {
	b := backoff.Backoff{Min: s.MinRestart, Max: s.MaxRestart, Jitter: 0.2, Healthy: time.Minute}
	if b.Min == 0 {
		b.Min = time.Second
	}
	if b.Max == 0 {
		b.Max = time.Minute
	}
	log := s.Log.With("component", c.Name())
	for {
		b.Connected(time.Now())
		err := s.runOnce(ctx, c)
		b.Disconnected(time.Now())
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("stopped without being asked to")
		}
		delay := b.Next()
		log.Error("component failed; restarting", "err", err, "in", delay.Round(time.Millisecond))
		s.Health.Set(c.Name(), err)
		s.Metrics.Restarts.WithLabelValues(c.Name()).Inc()
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// runOnce runs c, turning a panic into an error.
func (s *Supervisor) runOnce(ctx context.Context, c Component) error {
	return Safe(s.Log, s.Metrics, c.Name(), func() error { return c.Run(ctx) })
}

// The panic helpers below are the only place herald recovers a panic in
// a goroutine that handles mail, waves or requests: each such panic is one
// error log line with the stack and one count in herald_panics_total,
// labelled with the component (STYLE point 3). log and m may be nil.

// Go runs f in a goroutine that recovers a panic into a log line and the
// panics metric: for the short-lived goroutines components start.
func Go(log *slog.Logger, m *metrics.Metrics, component string, f func()) {
	go func() {
		defer Recover(log, m, component)
		f()
	}()
}

// Recover is deferred at the top of a goroutine: a panic becomes a log line
// and a count instead of a crash.
func Recover(log *slog.Logger, m *metrics.Metrics, component string) {
	if r := recover(); r != nil {
		Panicked(log, m, component, r)
	}
}

// Safe runs f and returns its error; a panic in f is logged, counted and
// returned as an error instead, so that the caller fails one message, one
// row or one pass and carries on.
func Safe(log *slog.Logger, m *metrics.Metrics, component string, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Panicked(log, m, component, r)
		}
	}()
	return f()
}

// Panicked logs r, a value just recovered, with the stack and counts it;
// the returned error says what panicked. Call it only from the deferred
// function that called recover, where the stack still shows the panic.
func Panicked(log *slog.Logger, m *metrics.Metrics, component string, r any) error {
	if log == nil {
		log = slog.Default()
	}
	if m != nil {
		m.Panics.WithLabelValues(component).Inc()
	}
	log.Error("panic", "component", component, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	if e, ok := r.(error); ok {
		return fmt.Errorf("%w: %w", ErrPanic, e)
	}
	return fmt.Errorf("%w: %v", ErrPanic, r)
}

// ErrPanic is wrapped by the errors Safe and Panicked return for a panic,
// to tell them from the function's own errors.
var ErrPanic = errors.New("panic")

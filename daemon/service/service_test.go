package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func newSupervisor() *Supervisor {
	m := metrics.New("test")
	return &Supervisor{
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Health: NewHealth(m), Metrics: m,
		MinRestart: time.Millisecond, MaxRestart: 5 * time.Millisecond,
	}
}

// A panicking component is recovered, counted, reported unhealthy and run
// again; the supervisor itself never dies.
func TestPanicIsRecoveredAndRestarted(t *testing.T) {
	s := newSupervisor()
	ctx, cancel := context.WithCancel(context.Background())
	var runs atomic.Int32
	healthySeen := make(chan struct{})
	c := Func{N: "flaky", F: func(ctx context.Context) error {
		switch runs.Add(1) {
		case 1:
			panic("boom")
		case 2:
			return errors.New("lost connection")
		}
		s.Health.Set("flaky", nil)
		close(healthySeen)
		<-ctx.Done()
		return ctx.Err()
	}}
	done := make(chan struct{})
	go func() { s.Run(ctx, c); close(done) }()
	select {
	case <-healthySeen:
	case <-time.After(10 * time.Second):
		t.Fatal("component was not restarted")
	}
	cancel()
	<-done
	if got := testutil.ToFloat64(s.Metrics.Panics.WithLabelValues("flaky")); got != 1 {
		t.Errorf("panics = %v, want 1", got)
	}
	if got := testutil.ToFloat64(s.Metrics.Restarts.WithLabelValues("flaky")); got != 2 {
		t.Errorf("restarts = %v, want 2", got)
	}
	if ok, all := s.Health.Report(); !ok || len(all) != 1 {
		t.Errorf("Report() = %v, %+v", ok, all)
	}
}

func TestHealthReportNamesTheSickComponent(t *testing.T) {
	h := NewHealth(nil)
	h.Set("web", nil)
	h.Set("watcher habitat/INBOX", errors.New("login failed"))
	ok, all := h.Report()
	if ok {
		t.Fatal("Report() ok with a failing component")
	}
	if all[0].Component != "watcher habitat/INBOX" || all[0].Problem != "login failed" || !all[1].Healthy {
		t.Errorf("Report() = %+v", all)
	}
	h.Remove("watcher habitat/INBOX")
	if ok, _ := h.Report(); !ok {
		t.Error("Report() not ok after removing the failing component")
	}
}

// The helpers every goroutine uses: a panic is one error line with the
// stack and one count under the component, and never a crash.
func TestPanicHelpersLogAndCount(t *testing.T) {
	m := metrics.New("test")
	var buf safeBuffer
	log := slog.New(slog.NewTextHandler(&buf, nil))

	err := Safe(log, m, "waves", func() error { panic("template bug") })
	if !errors.Is(err, ErrPanic) || err.Error() != "panic: template bug" {
		t.Errorf("Safe(panic) = %v, want the panic as an error", err)
	}
	want := errors.New("plain failure")
	if err := Safe(log, m, "waves", func() error { return want }); err != want {
		t.Errorf("Safe(error) = %v, want %v", err, want)
	}
	boom := errors.New("boom")
	if err := Safe(log, m, "web", func() error { panic(boom) }); !errors.Is(err, boom) || !errors.Is(err, ErrPanic) {
		t.Errorf("Safe(panic(error)) = %v, want it wrapped", err)
	}

	done := make(chan struct{})
	Go(log, m, "sender", func() { defer close(done); panic("dial bug") })
	<-done
	// Go's recovery runs after f's deferred close; wait for its count.
	for testutil.ToFloat64(m.Panics.WithLabelValues("sender")) == 0 {
		time.Sleep(time.Millisecond)
	}

	for comp, n := range map[string]float64{"waves": 1, "web": 1, "sender": 1} {
		if got := testutil.ToFloat64(m.Panics.WithLabelValues(comp)); got != n {
			t.Errorf("panics{%s} = %v, want %v", comp, got, n)
		}
	}
	out := buf.String()
	for _, s := range []string{"level=ERROR", "component=waves", `panic="template bug"`, "TestPanicHelpersLogAndCount", "component=sender"} {
		if !strings.Contains(out, s) {
			t.Errorf("log lacks %q:\n%s", s, out)
		}
	}
	// nil logger and metrics (a CLI path) are allowed.
	if err := Safe(nil, nil, "cli", func() error { panic("x") }); err == nil {
		t.Error("Safe(nil, nil) swallowed the panic's error")
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

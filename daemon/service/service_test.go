package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
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

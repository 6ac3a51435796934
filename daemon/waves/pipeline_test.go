package waves

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A panic in one of a pass's goroutines becomes that goroutine's error,
// logged and counted, instead of taking the daemon down.
func TestRecoveredTurnsAPanicIntoAnError(t *testing.T) {
	e := &Engine{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")}
	err := e.recovered("render", func() error { panic("template bug") })
	if err == nil || !strings.Contains(err.Error(), "render: panic: template bug") {
		t.Fatalf("recovered() = %v", err)
	}
	if got := testutil.ToFloat64(e.Metrics.Panics.WithLabelValues("waves")); got != 1 {
		t.Errorf("panics counted = %v, want 1", got)
	}
	if err := e.recovered("send", func() error { return nil }); err != nil {
		t.Errorf("recovered(no panic) = %v", err)
	}
}

// A commit that panics still answers every session waiting on it (with
// an error), so none of them waits for ever.
func TestOutboxAnswersWhenItsCommitPanics(t *testing.T) {
	ob := newOutbox(context.Background(), nil, 1) // a nil store panics
	done := make(chan error, 1)
	go func() {
		var r commitReq
		_, err := ob.commit(&r, nil, 1)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "commit: panic") {
			t.Fatalf("commit() = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("commit() never returned")
	}
}

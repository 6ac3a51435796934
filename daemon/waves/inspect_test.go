package waves

import (
	"context"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// TestStatusOfRunningAndCancelledWaves: a run under way (as a daemon
// resumes it after a restart) shows running; a cancelled wave has no
// pending rows, they will never be sent.
func TestStatusOfRunningAndCancelledWaves(t *testing.T) {
	f := newFixture(t, 5, config.Wave{Name: "invitation"})
	ctx := context.Background()
	w := f.cfg.Wave("invitation")
	if s, err := f.engine.Status(ctx, w); err != nil || s.State != store.WaveScheduled {
		t.Fatalf("Status() before any run = %+v, %v", s, err)
	}
	run, err := f.st.StartRun(ctx, "invitation", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.engine.plan(ctx, w, run); err != nil {
		t.Fatal(err)
	}
	// Paused then resumed: the state stored is scheduled again, and the
	// daemon goes on with the unfinished run.
	for _, to := range []string{store.WavePaused, store.WaveScheduled} {
		if ok, err := f.st.SetWaveState(ctx, "invitation", to, ""); !ok || err != nil {
			t.Fatalf("set %s = %v, %v", to, ok, err)
		}
	}
	s, err := f.engine.Status(ctx, w)
	if err != nil || s.State != store.WaveRunning || s.Pending != 5 {
		t.Errorf("Status() mid-run = %+v, %v; want running with 5 pending", s, err)
	}
	if ok, err := f.st.SetWaveState(ctx, "invitation", store.WaveCancelled, "cancelled by test", store.WaveScheduled); !ok || err != nil {
		t.Fatalf("cancel = %v, %v", ok, err)
	}
	s, err = f.engine.Status(ctx, w)
	if err != nil || s.State != store.WaveCancelled || s.Pending != 0 || s.Skipped != 5 || s.NextRun != nil {
		t.Errorf("Status() cancelled = %+v, %v; want no pending, 5 skipped", s, err)
	}
}

package waves

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store/storetest"
)

// TestStopFinishesInFlight is the daemon's two-phase stop, mid-wave: the
// server holds its answers to four ends of data (one per session) when
// the stop comes. The sessions take no new row, the four messages get
// their verdict after the stop, and their results are committed: no row
// is left 'sending', so a restart sends nobody the wave twice.
func TestStopFinishesInFlight(t *testing.T) {
	const contacts, sessions = 40, 4
	f := newFixture(t, contacts, config.Wave{Name: "invitation"})
	var (
		mu      sync.Mutex
		ends    int
		held    = make(chan struct{}, sessions)
		release = make(chan struct{})
	)
	f.fake.failWith(func(cmd, to string) error {
		if cmd != "." {
			return nil
		}
		mu.Lock()
		ends++
		hold := ends > 10
		mu.Unlock()
		if hold {
			held <- struct{}{}
			<-release
		}
		return nil
	})
	flight, cut := context.WithCancel(context.Background())
	defer cut()
	soft, stop := context.WithCancel(context.Background())
	ctx := service.WithFlight(soft, flight)
	done := make(chan error, 1)
	now := time.Now()
	go func() { done <- f.engine.RunWave(ctx, f.cfg.Wave("invitation"), &now) }()
	for range sessions {
		<-held // every session waits for its verdict
	}
	stop()
	close(release)
	// A read cut by the stop may say so; the scheduler ignores errors
	// once its ctx ended.
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("RunWave() stopped = %v", err)
	}
	sent, _ := f.fake.messages()
	accepted := 0
	for _, n := range sent {
		accepted += n
	}
	c := f.counts("invitation")
	sending, _ := storetest.Sending(t, f.st, "")
	if sending != 0 || c.Uncertain != 0 {
		t.Errorf("after the stop: %d rows sending, counts %+v; want none sending or uncertain", sending, c)
	}
	if c.Sent != accepted || accepted != 10+sessions {
		t.Errorf("after the stop: %d rows sent, the server accepted %d; want both %d (10, then the %d in flight)",
			c.Sent, accepted, 10+sessions, sessions)
	}

	// The next process (here the same engine) finishes the run.
	f.fake.failWith(nil)
	if err := f.engine.RunWave(context.Background(), f.cfg.Wave("invitation"), nil); err != nil {
		t.Fatal(err)
	}
	sent, _ = f.fake.messages()
	for to, n := range sent {
		if n != 1 {
			t.Errorf("%s got the wave %d times", to, n)
		}
	}
	if c := f.counts("invitation"); len(sent) != contacts || c.Sent != contacts || c.Uncertain != 0 {
		t.Errorf("after the resume: %d recipients, counts %+v; want %d sent, none uncertain", len(sent), c, contacts)
	}
}

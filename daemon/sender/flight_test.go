package sender

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/service"
)

// heldFake holds its answer to "." for slow@example.org until the test
// closes release; entered receives when it starts holding.
func heldFake(t *testing.T) (f *fakeServer, entered <-chan struct{}, release chan struct{}) {
	rel := make(chan struct{})
	ent := make(chan struct{}, 1)
	f = startFake(t, func(ev fakeEvent) error {
		if ev.Cmd == "." && ev.To == "slow@example.org" {
			ent <- struct{}{}
			select {
			case <-rel:
			case <-time.After(time.Minute):
			}
		}
		return nil
	})
	return f, ent, rel
}

// stopping returns the daemon's two contexts: ctx, which a stop ends at
// once, carrying flight, which ends only when the grace is over.
func stopping(t *testing.T) (ctx context.Context, stop, cut context.CancelFunc) {
	flight, cut := context.WithCancel(context.Background())
	soft, stop := context.WithCancel(context.Background())
	t.Cleanup(func() { stop(); cut() })
	return service.WithFlight(soft, flight), stop, cut
}

// TestStreamFinishesInFlightOnStop: a stop while the server holds its
// answer to the end of data lets that message finish and be accepted.
// The next envelope went out with it (End began before the stop); it
// delivers nothing, and the caller, stopping, aborts it.
func TestStreamFinishesInFlightOnStop(t *testing.T) {
	f, entered, release := heldFake(t)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx, stop, _ := stopping(t)
	s := beginStream(t, ctx, p, "slow@example.org")
	defer s.Close()
	go func() { <-entered; stop(); close(release) }()
	end, next := s.End(ctx, message("slow@example.org", 0), from, "b@example.org")
	if end != nil {
		t.Errorf("End = %v, want the message accepted", end)
	}
	if next != nil {
		t.Errorf("next = %v, want its envelope accepted", next)
	}
	s.Abort()
	if _, _, msgs := f.stats(); len(msgs) != 1 || msgs[0].To != "slow@example.org" {
		t.Errorf("server got %+v, want the one message in flight", msgs)
	}
}

// TestStreamEndAfterStopSendsOpenMessage: a message whose envelope was
// accepted before the stop still gets its content (its row is 'sending').
func TestStreamEndAfterStopSendsOpenMessage(t *testing.T) {
	f := startFake(t, nil)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx, stop, _ := stopping(t)
	s := beginStream(t, ctx, p, "a@example.org")
	defer s.Close()
	stop()
	end, next := s.End(ctx, message("a@example.org", 0), from, "")
	if end != nil || next != nil {
		t.Errorf("End after the stop = %v, %v; want the open message sent", end, next)
	}
	if err := s.Begin(ctx, from, "b@example.org"); !errors.Is(err, context.Canceled) {
		t.Errorf("Begin after the stop = %v, want cancelled", err)
	}
	if _, _, msgs := f.stats(); len(msgs) != 1 {
		t.Errorf("server got %d messages, want 1", len(msgs))
	}
}

// TestStreamCutAfterGrace: when the grace ends too, the message in
// flight is cut and reported uncertain.
func TestStreamCutAfterGrace(t *testing.T) {
	f, entered, release := heldFake(t)
	defer close(release)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx, stop, cut := stopping(t)
	s := beginStream(t, ctx, p, "slow@example.org")
	defer s.Close()
	go func() { <-entered; stop(); cut() }()
	end, _ := s.End(ctx, message("slow@example.org", 0), from, "")
	if e := wantError(t, end); !e.Uncertain || !errors.Is(e, context.Canceled) {
		t.Errorf("End = %+v, want uncertain and cancelled", e)
	}
}

// TestSendFinishesInFlightOnStop: Send (acknowledgements, digests) lets
// its transaction finish too.
func TestSendFinishesInFlightOnStop(t *testing.T) {
	f, entered, release := heldFake(t)
	p := New(Options{Account: f.Account(1, fast, 0)})
	defer p.Close()
	ctx, stop, _ := stopping(t)
	go func() { <-entered; stop(); close(release) }()
	if err := p.Send(ctx, from, "slow@example.org", message("slow@example.org", 0)); err != nil {
		t.Errorf("Send stopped in flight = %v, want accepted", err)
	}
	if err := p.Send(ctx, from, "b@example.org", message("b@example.org", 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Send after the stop = %v, want cancelled", err)
	}
	if _, _, msgs := f.stats(); len(msgs) != 1 {
		t.Errorf("server got %d messages, want 1", len(msgs))
	}
}

package service

import (
	"context"
	"testing"
)

func TestInFlight(t *testing.T) {
	// Without a flight context, work in flight ends with ctx, as before.
	ctx, cancel := context.WithCancel(context.Background())
	f, done := InFlight(ctx)
	cancel()
	<-f.Done()
	done()

	// With one, ctx ending is only "take no new work".
	flight, cut := context.WithCancel(context.Background())
	soft, stop := context.WithCancel(context.WithValue(context.Background(), t, "value"))
	ctx = WithFlight(soft, flight)
	f, done = InFlight(ctx)
	defer done()
	stop()
	if f.Err() != nil {
		t.Fatalf("in-flight context ended with its parent: %v", f.Err())
	}
	if f.Value(t) != "value" {
		t.Errorf("in-flight context lost its parent's values")
	}
	cut()
	<-f.Done()

	// Started after the cut, it is over at once.
	late, lateDone := InFlight(ctx)
	defer lateDone()
	<-late.Done()
}

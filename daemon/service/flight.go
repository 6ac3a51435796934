package service

import "context"

// The daemon stops in two phases (STYLE §3, as mox does): the context a
// component runs on ends first, and means "take no new work"; work already
// in flight, an SMTP transaction that may deliver a message, goes on until
// it ends or a grace period runs out, and only then is it cut. Cutting a
// transaction after its content went out leaves a message the server may
// have taken while its row still says 'sending': sent again after a
// restart, a duplicate.
//
// The grace period's end travels with the component's context as a value:
// WithFlight attaches it, InFlight derives the context in-flight work runs
// on.

type flightKey struct{}

// WithFlight returns ctx carrying flight: the context whose end cuts the
// work in flight of whatever runs on ctx.
func WithFlight(ctx, flight context.Context) context.Context {
	return context.WithValue(ctx, flightKey{}, flight)
}

// InFlight returns the context for one piece of in-flight work started on
// ctx: it keeps ctx's values, is not ended by ctx but by the flight
// context WithFlight attached to ctx. Without one (a test, a CLI command
// that does not stop in two phases) it ends with ctx, as before. Call
// cancel when the work is done.
func InFlight(ctx context.Context) (context.Context, context.CancelFunc) {
	flight, ok := ctx.Value(flightKey{}).(context.Context)
	if !ok {
		return context.WithCancel(ctx)
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(flight, cancel)
	return fctx, func() { stop(); cancel() }
}

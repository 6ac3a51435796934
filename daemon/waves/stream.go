package waves

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/store"
)

// session sends rendered rows over one SMTP session the pool lends until
// none is left, the wave is stopped or ctx ends. A pool that is closed, or
// a ctx that ends, before it lends one means the daemon is stopping: the
// rows stay due, for the next process, and that is no error.
func (e *Engine) session(ctx context.Context, w *config.Wave, acct *config.Account, pool Sender, p *pass) error {
	st, err := pool.Stream(ctx)
	switch {
	case err == nil:
		return e.stream(ctx, w, acct, st, p)
	case ctx.Err() != nil:
		return nil
	case errors.Is(err, sender.ErrClosed):
		p.stop.force() // no other pass either
		return nil
	}
	return err
}

// stream is session's loop over st, each message's content in the same
// write as the next one's envelope: one round trip and one group commit
// per message. Per row k:
//
//  1. write k's content and end-of-data line, and the envelope (MAIL,
//     RCPT, DATA) of row k+1, in one write; read the verdict on k and
//     the three answers for k+1;
//  2. commit k's outcome and k+1's mark 'sending' together;
//  3. only then does k+1's content go out, in the next step 1.
//
// So a row is 'sending' before any byte of its content is written, and at
// most one row per session is 'sending': a crash leaves at most one
// uncertain row per session. An envelope delivers nothing (RFC 5321
// §3.3): one sent for a row that is then not marked (no longer due,
// stopping) is aborted, and a row whose envelope is refused gets its
// outcome without ever being 'sending'.
func (e *Engine) stream(ctx context.Context, w *config.Wave, acct *config.Account, st *sender.Stream, p *pass) (err error) {
	defer st.Close()
	var req commitReq
	var sent *store.DeliveryOutcome // accepted by the server, not yet recorded
	defer func() {
		if sent != nil {
			if _, rerr := p.ob.commit(&req, sent, 0); rerr != nil {
				e.Log.Error("cannot record delivery result", "wave", w.Name, "delivery", sent.ID, "err", rerr)
				err = errors.Join(err, rerr)
			}
		}
	}()
	var cur *item // open at the server and 'sending': its content goes next
	sendSeconds, sentCount := e.streamMetrics(w, acct)
	for {
		next, ok, nerr := p.next(ctx)
		if cur == nil && (nerr != nil || !ok) {
			return nerr
		}
		ok = ok && nerr == nil // on an error, cur is still sent
		var to string
		if ok {
			to = next.d.Contact.Email
			next.d.Tries++
		}
		var endErr, nextErr error
		if cur == nil {
			nextErr = st.Begin(ctx, acct.Address, to)
		} else {
			endErr, nextErr = st.End(ctx, cur.raw, acct.Address, to)
			recycle(cur.raw) // End keeps none of it
			if sendSeconds != nil {
				sendSeconds.Observe(st.Exchange().Seconds())
			}
			if endErr == nil {
				sent = &store.DeliveryOutcome{ID: cur.d.ID, State: store.DeliverySent}
				if sentCount != nil {
					sentCount.Inc()
				}
			} else if e.failed(ctx, w, p, &cur.d, endErr, true) {
				return nil // next, if open, is aborted by Close
			}
		}
		cur = nil
		if !ok {
			return nerr // sent is recorded on the way out
		}
		if nextErr != nil {
			if e.failed(ctx, w, p, &next.d, nextErr, false) {
				return nil
			}
			continue // sent goes with the next mark
		}
		marked, err := p.ob.commit(&req, sent, next.d.ID)
		if err != nil {
			st.Abort()
			return err // sent is recorded on the way out
		}
		sent = nil
		if !marked {
			st.Abort() // no longer due, or stopping
			continue
		}
		cur = &next
	}
}

// streamMetrics are the metrics stream updates for every message, looked
// up once: nil without metrics.
func (e *Engine) streamMetrics(w *config.Wave, acct *config.Account) (sendSeconds prometheus.Observer, sent prometheus.Counter) {
	if e.Metrics == nil {
		return nil, nil
	}
	sendSeconds = e.Metrics.SendSeconds.WithLabelValues(acct.Name, "wave")
	if e.Metrics.Deliveries != nil {
		sent = e.Metrics.Deliveries.WithLabelValues(w.Name, store.DeliverySent)
	}
	return sendSeconds, sent
}

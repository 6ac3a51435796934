package sender

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/herald-mail/herald/daemon/service"
)

// Stream lends one session of the pool to one caller for messages sent
// back to back (a wave's session), with RFC 2920 pipelining across
// messages: a message's content and end-of-data line go out in the same
// write as the next message's MAIL, RCPT and DATA, and the four answers
// are read together (§3.1: the content may open a group, DATA must end
// it). One round trip per message instead of two.
//
// Between the answers to a message's envelope and its content the caller
// decides whether the message goes: the wave outbox commits its row
// 'sending' there. Nothing is delivered before the end-of-data line (RFC
// 5321 §3.3), so an envelope sent for a message that then does not go
// delivered nothing; Abort ends it by closing the session, the only way
// out of DATA (§3.8: the server drops the unfinished transaction).
//
// Without PIPELINING each command waits for its answer, as in Send. A
// Stream is for one goroutine.
//
// A message whose envelope the server accepted is finished even after the
// ctx given to Stream and End ended: its content, end-of-data line and
// verdict run on the in-flight context (service.InFlight), which the
// daemon ends only after its stop's grace period. Only new messages stop
// with ctx.
type Stream struct {
	p       *Pool
	flight  context.Context // what the open message's content runs on
	landed  context.CancelFunc
	s       *session // nil while handed back to the pool (End)
	open    bool     // the server accepted DATA; the content is due
	day     string   // the open message's daily cap reservation
	granted time.Time
	started time.Time      // when its envelope went out
	dw      io.WriteCloser // its dot-writer, without PIPELINING
	// exchange is how long the last message End finished took, from its
	// envelope to the verdict on its content (Exchange).
	exchange time.Duration
}

// Exchange is how long the message the last End finished took at the
// server: from its envelope to the verdict on its content. Waits for a
// rate token, a session or the daily cap before its envelope are not in
// it, nor the next message's start in the same End.
func (st *Stream) Exchange() time.Duration { return st.exchange }

// Stream waits for a free session, as Send does, and lends it until Close.
func (p *Pool) Stream(ctx context.Context) (*Stream, error) {
	st := &Stream{p: p}
	if err := st.acquire(ctx); err != nil {
		return nil, err
	}
	st.flight, st.landed = service.InFlight(ctx)
	return st, nil
}

// acquire takes a free session.
func (st *Stream) acquire(ctx context.Context) error {
	p := st.p
	if p.isClosed() {
		return ErrClosed
	}
	select {
	case st.s = <-p.free:
	case <-ctx.Done():
		return ctx.Err()
	case <-p.closing:
		return ErrClosed
	}
	if p.isClosed() {
		st.release()
		return ErrClosed
	}
	return nil
}

// release hands the session back to the pool.
func (st *Stream) release() {
	if st.s != nil {
		st.p.free <- st.s
		st.s = nil
	}
}

// Close aborts the open message, if any, and hands the session back.
func (st *Stream) Close() {
	st.Abort()
	st.release()
	if st.landed != nil {
		st.landed()
	}
}

// Abort drops the open message, which delivered nothing: the session is
// closed, since only that ends DATA without a message, and the message
// is uncounted from the daily cap.
func (st *Stream) Abort() {
	if !st.open {
		return
	}
	st.open, st.dw = false, nil
	st.p.daily.release(context.Background(), st.day)
	if st.s != nil {
		st.s.drop()
	}
}

// Begin starts a message from from to to while none is open: it waits for
// a rate token, counts the message against the daily cap, dials when
// needed and sends MAIL, RCPT and DATA. nil means the server waits for
// the content: End sends it, or Abort drops the message. An error is the
// one Send would return, and nothing was delivered; like Send, Begin
// dials once more when the session was dropped. A Send waiting for a
// session gets this one first.
func (st *Stream) Begin(ctx context.Context, from, to string) error {
	if st.open {
		return errors.New("sender: Begin while a message is open")
	}
	if err := checkPaths(from, to); err != nil {
		return err
	}
	p := st.p
	if p.isClosed() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	st.handOver(ctx)
	if st.s == nil {
		if err := st.acquire(ctx); err != nil {
			return err
		}
	}
	day, err := p.daily.reserve(ctx)
	if err != nil {
		return err
	}
	if err := p.token(ctx); err != nil {
		p.daily.release(ctx, day)
		return err
	}
	if e := st.begin(ctx, from, to, time.Now(), 0); e != nil {
		p.daily.release(ctx, day)
		return e
	}
	st.day = day
	return nil
}

// handOver gives the session to a Send waiting for one, if any, and
// returns once that Send has it (or gave up): a wave's streams would
// otherwise keep every session and starve the acknowledgements.
func (st *Stream) handOver(ctx context.Context) {
	p := st.p
	w := p.waiting.Load()
	if w == 0 || st.s == nil {
		return
	}
	st.release()
	for p.waiting.Load() >= w && ctx.Err() == nil && !p.isClosed() {
		runtime.Gosched()
	}
}

// begin sends the envelope, dialling first when needed, and once more on
// a new connection when the session was dropped, unless that was try 1.
func (st *Stream) begin(ctx context.Context, from, to string, granted time.Time, try int) *Error {
	p, s := st.p, st.s
	for ; ; try++ {
		fresh, e := p.connected(ctx, s, granted)
		if e != nil {
			p.reportHealth(e)
			return e
		}
		start := time.Now()
		pp, e := s.paths(from, to)
		if e != nil {
			st.report(start, e) // nothing went out: the session stays as it is
			return e
		}
		e = st.envelope(ctx, pp)
		if e == nil {
			st.open, st.granted, st.started = true, granted, start
			return nil
		}
		s.reset(ctx, e)
		// Before the content nothing was delivered: a lost connection, or
		// one the server had timed out (RFC 5321 §4.5.3.2.7), may be
		// replaced.
		dropped := e.Code == 0 || !fresh && e.Command == CmdMail && isIdleTimeout(e)
		if try == 0 && dropped && ctx.Err() == nil && !p.isClosed() {
			p.log.Debug("session dropped; starting the message on a new one", "err", e)
			continue
		}
		p.slowDownOn(e, granted)
		st.report(start, e)
		return e
	}
}

// envelope sends MAIL, RCPT and DATA along p and reads their answers.
func (st *Stream) envelope(ctx context.Context, p paths) (e *Error) {
	s := st.s
	s.guard(ctx, func() {
		sc := s.sc
		if err := sc.UpdateDeadline(commandTimeout); err != nil {
			e = smtpError(CmdMail, err)
			return
		}
		if !s.pipelines() {
			e = st.envelopeOneByOne(p)
			return
		}
		s.buf = s.appendEnvelope(s.buf[:0], p)
		sc.Text.W.Write(s.buf) // an error sticks: Flush returns it
		if err := sc.Text.W.Flush(); err != nil {
			e = smtpError(CmdMail, err)
			return
		}
		e = s.readEnvelope()
	}, &e)
	return e
}

// envelopeOneByOne is envelope for a server without PIPELINING.
func (st *Stream) envelopeOneByOne(p paths) *Error {
	sc := st.s.sc
	if err := st.s.mail(p); err != nil {
		return smtpError(CmdMail, err)
	}
	if err := sc.UpdateDeadline(commandTimeout); err != nil {
		return smtpError(CmdRcpt, err)
	}
	// RFC 5321 §4.1.2: paths go in angle brackets.
	if err := sc.Rcpt("<" + p.to + ">"); err != nil {
		return smtpError(CmdRcpt, err)
	}
	if err := sc.UpdateDeadline(commandTimeout); err != nil {
		return smtpError(CmdData, err)
	}
	w, err := sc.Data()
	if err != nil {
		return smtpError(CmdData, err)
	}
	st.dw = w
	return nil
}

// End sends raw, the content of the open message, with its end-of-data
// line and returns the server's verdict (end) as Send would: nil once the
// server accepted it, an Uncertain *Error when the answer was lost after
// the end-of-data line may have gone out.
//
// When to is not "", End then starts the next message, from from to to,
// and next is Begin's answer for it. With PIPELINING, a rate token at
// hand and no Send waiting for a session, its envelope goes out in the
// same write as raw, and a session lost with the answers is replaced for
// it (its envelope delivered nothing). Otherwise it is started after
// raw's verdict, as by Begin, once the waiting Send had the session.
//
// Once ctx ended, End still sends raw (its row is committed 'sending': cut
// now, it would be sent again after a restart) but starts no next message.
// When the in-flight context has already ended, End sends nothing and
// aborts the message.
func (st *Stream) End(ctx context.Context, raw []byte, from, to string) (end, next error) {
	if !st.open {
		return errors.New("sender: End without an open message"), nil
	}
	if err := st.flight.Err(); err != nil {
		st.Abort() // nothing of it went out
		if to != "" {
			next = err
		}
		return err, next
	}
	p := st.p
	var np paths
	if to != "" {
		if err := checkPaths(from, to); err != nil {
			return st.end(raw), err
		}
		var e *Error
		if np, e = st.s.paths(from, to); e != nil {
			return st.end(raw), e
		}
	}
	var day string
	cross := to != "" && ctx.Err() == nil && st.s.pipelines() && p.waiting.Load() == 0 && !p.isClosed()
	if cross {
		// Waiting for a token here would hold the server in DATA.
		if !p.tryToken() {
			cross = false
		} else if d, err := p.daily.reserve(ctx); err != nil {
			return st.end(raw), err
		} else {
			day = d
		}
	}
	if !cross {
		end = st.end(raw)
		if to == "" {
			return end, nil
		}
		return end, st.Begin(ctx, from, to)
	}
	granted := time.Now()
	endE, nextE := st.cross(raw, np)
	end = st.ended(endE)
	if nextE == nil {
		st.open, st.day, st.granted, st.started = true, day, granted, granted
		return end, nil
	}
	if nextE.Code == 0 && ctx.Err() == nil && !p.isClosed() {
		st.s.drop()
		// The lost write was the envelope's first try.
		if nextE = st.begin(ctx, from, to, granted, 1); nextE == nil {
			st.day = day
			return end, nil
		}
	} else {
		st.s.reset(st.flight, nextE)
		p.slowDownOn(nextE, granted)
		st.report(granted, nextE)
	}
	p.daily.release(ctx, day)
	return end, nextE
}

// end sends the open message's content alone and returns its verdict.
func (st *Stream) end(raw []byte) error {
	s := st.s
	var e *Error
	s.guard(st.flight, func() {
		if st.dw == nil {
			e = s.content(raw)
			return
		}
		e = st.contentOneByOne(raw)
	}, &e)
	if e != nil {
		s.reset(st.flight, e)
	}
	return st.ended(e)
}

// contentOneByOne is content for a server without PIPELINING, through
// go-mail's dot-writer (as Send).
func (st *Stream) contentOneByOne(raw []byte) *Error {
	sc, w := st.s.sc, st.dw
	if err := sc.UpdateDeadline(bodyTimeout); err != nil {
		return smtpError(CmdEnd, err)
	}
	// The dot-writer sends the end-of-data line only in Close: a failed
	// Write leaves the transaction unfinished (RFC 5321 §3.8).
	if _, err := w.Write(raw); err != nil {
		return smtpError(CmdEnd, err)
	}
	if err := sc.UpdateDeadline(endTimeout); err != nil {
		return smtpError(CmdEnd, err)
	}
	if err := w.Close(); err != nil {
		e := smtpError(CmdEnd, err)
		e.Uncertain = e.Code == 0 // RFC 5321 §6.1
		return e
	}
	return nil
}

// cross writes raw's content, its end-of-data line and the next
// envelope, along p, in one write, then reads the verdict on raw and the
// answers to the envelope, on the in-flight context.
func (st *Stream) cross(raw []byte, p paths) (end, next *Error) {
	s := st.s
	s.guard(st.flight, func() { end, next = s.crossed(raw, p) }, &end, &next)
	return end, next
}

func (s *session) crossed(raw []byte, p paths) (end, next *Error) {
	sc := s.sc
	w := sc.Text.W
	s.buf = append(appendDotted(s.buf[:0], raw), ".\r\n"...)
	content := len(s.buf)
	s.buf = s.appendEnvelope(s.buf, p)
	lost := func(err error) *Error { return &Error{Command: CmdMail, Temporary: true, Err: err} }
	if err := sc.UpdateDeadline(bodyTimeout); err != nil {
		return smtpError(CmdEnd, err), lost(err)
	}
	n, err := w.Write(s.buf)
	if err == nil {
		err = w.Flush()
	}
	if cap(s.buf) > maxKeptBuffer {
		s.buf = nil
	}
	if err != nil {
		// What went out is what Write took less what it still holds: the
		// end-of-data line may have reached the server only if all of the
		// content went (RFC 5321 §3.8).
		end = smtpError(CmdEnd, err)
		end.Uncertain = n-w.Buffered() >= content
		return end, lost(err)
	}
	// From here the server may have the message (RFC 5321 §6.1).
	if err := sc.UpdateDeadline(endTimeout); err != nil {
		return &Error{Command: CmdEnd, Temporary: true, Uncertain: true, Err: err}, lost(err)
	}
	if _, _, err := sc.Text.ReadResponse(250); err != nil {
		end = smtpError(CmdEnd, err)
		if end.Code == 0 {
			end.Uncertain = true
			return end, lost(err)
		}
		// A refused message ends its transaction (RFC 5321 §4.1.1.4):
		// the next envelope stands.
	}
	if err := sc.UpdateDeadline(commandTimeout); err != nil {
		return end, lost(err)
	}
	errs, gone, outOfStep := s.readGroup(envelopeSteps)
	if end != nil && stray(CmdEnd, end, true) || outOfStep {
		return s.crossedOutOfStep(end, errs, gone), s.outOfStep(CmdMail)
	}
	return end, s.envelopeVerdict(errs, gone)
}

// crossedOutOfStep is the verdict on the message of a crossed group
// whose answers came out of order: which of them answered its end of
// data is unknown, but when each of the four came and none refused
// anything, that one accepted it. Otherwise the message may or may not
// have been delivered (RFC 5321 §6.1).
func (s *session) crossedOutOfStep(end *Error, errs []*Error, gone *Error) *Error {
	uncertain := &Error{Command: CmdEnd, Temporary: true, Uncertain: true, Err: ErrOutOfStep}
	if gone != nil {
		return uncertain
	}
	for _, e := range append(errs, end) {
		if e != nil && e.Code >= 400 {
			return uncertain
		}
	}
	return nil
}

// ended closes the open message with its verdict e: uncounted from the
// daily cap unless the server may have it, and a slow-down heeded.
func (st *Stream) ended(e *Error) error {
	st.open, st.dw = false, nil
	st.exchange = time.Since(st.started)
	if e == nil {
		st.report(st.started, nil)
		return nil
	}
	if !e.Uncertain {
		st.p.daily.release(context.Background(), st.day)
	}
	st.p.slowDownOn(e, st.granted)
	st.report(st.started, e)
	return e
}

// report passes a message's exchange to the pool's OnSend and health.
func (st *Stream) report(start time.Time, e *Error) {
	var err error
	if e != nil {
		err = e // never a nil *Error in a non-nil error
	}
	st.p.reportHealth(err)
	if st.p.onSend != nil {
		st.p.onSend(time.Since(start), err)
	}
}

// guard runs f, closing the connection if ctx ends meanwhile (the only
// way to interrupt go-mail); the session is then dropped, and the network
// errors f left in errs say why.
func (s *session) guard(ctx context.Context, f func(), errs ...**Error) {
	sc := s.sc
	s.lastUsed = time.Now()
	stop := context.AfterFunc(ctx, func() { sc.Text.Close() })
	f()
	if stop() {
		return
	}
	s.drop()
	for _, e := range errs {
		if *e != nil && (*e).Code == 0 {
			(*e).Err = fmt.Errorf("%w (%v)", ctx.Err(), (*e).Err)
		}
	}
}

// checkPaths checks both paths of an envelope.
func checkPaths(from, to string) error {
	if err := checkPath(CmdMail, from); err != nil {
		return err
	}
	return checkPath(CmdRcpt, to)
}

package sender

import (
	"errors"
	"net/textproto"
)

// ErrOutOfStep is the cause of an *Error for answers to pipelined
// commands that cannot be theirs: a server must answer them in the order
// they were sent (RFC 2920 §3.1), and one that does not (Postfix's
// smtp-sink with a delay, -W, answers the commands after a delayed one
// first, even before the command they follow) cannot be read with
// pipelining at all.
var ErrOutOfStep = errors.New("the server answered pipelined commands out of order (RFC 2920 §3.1); " +
	"sending one command at a time from now on")

// step is a pipelined command and the answer that accepts it, as
// textproto's expectCode (25 takes any 25x).
type step struct {
	cmd  string
	want int
}

// envelopeSteps are a message's MAIL, RCPT and DATA (RFC 5321 §3.3).
var envelopeSteps = []step{{CmdMail, 250}, {CmdRcpt, 25}, {CmdData, 354}}

// readGroup reads the answers to the pipelined commands steps, one per
// command: errs[i] is the refusal of steps[i], nil when it was accepted.
// lost is the network error that cut the group short, nil when every
// answer came. outOfStep reports answers that cannot be those of their
// commands (stray); readGroup still reads one answer per command, so that
// a caller can tell what the group's answers were, in whatever order.
func (s *session) readGroup(steps []step) (errs []*Error, lost *Error, outOfStep bool) {
	t := s.sc.Text
	accepted := true // every command of the envelope so far
	for _, st := range steps {
		_, _, err := t.ReadResponse(st.want)
		if err == nil {
			errs = append(errs, nil)
			continue
		}
		e := smtpError(st.cmd, err)
		if e.Code == 0 {
			return errs, e, outOfStep
		}
		errs = append(errs, e)
		outOfStep = outOfStep || stray(st.cmd, e, accepted)
		if st.cmd != CmdEnd {
			accepted = false
		}
	}
	return errs, nil, outOfStep
}

// stray reports an answer that no server in step gives to cmd: a
// positive answer of another command (250 to DATA, 354 to RCPT or to the
// end of data, RFC 5321 §4.3.2), or 503 "bad sequence of commands" to a
// command whose predecessors in the envelope were all accepted (to MAIL,
// the first: herald opens a transaction only once the last one ended).
func stray(cmd string, e *Error, accepted bool) bool {
	var te *textproto.Error
	if !errors.As(e.Err, &te) {
		return false
	}
	if e.Code < 400 {
		return true
	}
	return e.Code == 503 && accepted && cmd != CmdEnd
}

// outOfStep drops the session, whose answers can no longer be paired with
// commands, turns pipelining off for the pool's sessions, and returns the
// error of a lost connection before the end of data, which the callers
// retry on a new session.
func (s *session) outOfStep(cmd string) *Error {
	s.drop()
	s.pipelining = false
	if s.serial != nil && !s.serial.Swap(true) {
		s.log.Warn("the SMTP server answers pipelined commands out of order; sending one command at a time",
			"rfc", "RFC 2920 §3.1")
	}
	return &Error{Command: cmd, Temporary: true, Err: ErrOutOfStep}
}

// pipelines reports whether the session pipelines its commands: the
// server offered PIPELINING and none of the pool's sessions found it
// answering out of order.
func (s *session) pipelines() bool {
	if s.pipelining && s.serial != nil && s.serial.Load() {
		s.pipelining = false
	}
	return s.pipelining
}

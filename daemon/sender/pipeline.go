package sender

import (
	"bufio"
	"bytes"
)

// pipelined runs the transaction of session.transaction with RFC 2920
// command pipelining: MAIL, RCPT and DATA go out in one write and their
// answers are read in order (§3.1: DATA ends the group), then the
// message and its end-of-data line go out together. Two round trips
// instead of four, and two writes: on a LAN this halves the time a
// message holds its session. The errors are those of the unpipelined
// exchange: the first refused command is the one reported.
func (s *session) pipelined(p paths, raw []byte) *Error {
	sc := s.sc
	t := sc.Text
	if err := sc.UpdateDeadline(commandTimeout); err != nil {
		return smtpError(CmdMail, err)
	}
	w := t.W
	s.buf = s.appendEnvelope(s.buf[:0], p)
	w.Write(s.buf) // an error sticks: Flush returns it
	if err := w.Flush(); err != nil {
		return smtpError(CmdMail, err)
	}
	if e := s.readEnvelope(); e != nil {
		return e
	}
	return s.content(raw)
}

// content sends raw, the message of a transaction whose DATA the server
// accepted, with its end-of-data line, and reads the verdict.
func (s *session) content(raw []byte) *Error {
	sc := s.sc
	t := sc.Text
	w := t.W
	// The message and its end-of-data line in one buffer, written at once
	// (bufio hands a write bigger than its free space straight to the
	// socket): one system call where a 4 KiB buffer made three.
	s.buf = append(appendDotted(s.buf[:0], raw), ".\r\n"...)
	if err := sc.UpdateDeadline(bodyTimeout); err != nil {
		return smtpError(CmdEnd, err)
	}
	if _, err := w.Write(s.buf); err != nil {
		// A failed write did not send its last bytes, the end-of-data
		// line: the server must drop the transaction (RFC 5321 §3.8).
		return smtpError(CmdEnd, err)
	}
	if err := w.Flush(); err != nil {
		return smtpError(CmdEnd, err)
	}
	if cap(s.buf) > maxKeptBuffer {
		s.buf = nil
	}
	// From here the server may have the message: a lost answer leaves it
	// possibly delivered (RFC 5321 §6.1).
	if err := sc.UpdateDeadline(endTimeout); err != nil {
		return &Error{Command: CmdEnd, Temporary: true, Uncertain: true, Err: err}
	}
	if _, _, err := t.ReadResponse(250); err != nil {
		e := smtpError(CmdEnd, err)
		e.Uncertain = e.Code == 0
		return e
	}
	return nil
}

// appendEnvelope appends MAIL, RCPT and DATA (RFC 5321 §3.3) along p
// to dst.
func (s *session) appendEnvelope(dst []byte, p paths) []byte {
	// RFC 5321 §4.1.2: paths go in angle brackets; checkPath made sure
	// neither holds a line break.
	dst = append(append(append(dst, "MAIL FROM:<"...), p.from...), '>')
	dst = append(dst, s.mailParams...)
	if p.utf8 {
		dst = append(dst, " SMTPUTF8"...) // RFC 6531 §3.4
	}
	dst = append(dst, "\r\n"...)
	dst = append(append(append(dst, "RCPT TO:<"...), p.to...), ">\r\n"...)
	return append(dst, "DATA\r\n"...)
}

// readEnvelope reads the answers to a pipelined MAIL, RCPT and DATA in
// order (RFC 2920 §3.1: DATA ends the group) and returns the first
// refusal, as the unpipelined exchange would; nil means the server waits
// for the message. Answers that cannot be those of their commands make an
// ErrOutOfStep *Error without a code, as a lost connection: nothing was
// delivered, and the caller drops the session and starts again.
func (s *session) readEnvelope() *Error {
	errs, lost, outOfStep := s.readGroup(envelopeSteps)
	if outOfStep {
		return s.outOfStep(CmdMail)
	}
	return s.envelopeVerdict(errs, lost)
}

// envelopeVerdict is readEnvelope's answer for answers in step.
func (s *session) envelopeVerdict(errs []*Error, lost *Error) *Error {
	var first *Error
	for _, e := range errs {
		if e != nil {
			first = e
			break
		}
	}
	if lost != nil {
		// No answer: the connection is gone.
		if first != nil {
			return first
		}
		return lost
	}
	if first != nil && errs[2] == nil {
		// A server that took DATA after refusing MAIL or RCPT (RFC 2920
		// §3.1 says it must not) gets an empty message, which has no
		// recipient to go to, and the session stays in step.
		if e := s.end(s.sc.Text.W); e != nil && e.Code == 0 {
			s.drop()
		}
	}
	return first
}

// maxKeptBuffer is the largest send buffer a session keeps between
// messages; a bigger one (a large attachment) is left to the GC.
const maxKeptBuffer = 1 << 20

// end sends the end-of-data line and reads the server's verdict.
func (s *session) end(w *bufio.Writer) *Error {
	if err := s.sc.UpdateDeadline(endTimeout); err != nil {
		return smtpError(CmdEnd, err)
	}
	w.WriteString(".\r\n")
	if err := w.Flush(); err != nil {
		return smtpError(CmdEnd, err)
	}
	if _, _, err := s.sc.Text.ReadResponse(250); err != nil {
		return smtpError(CmdEnd, err)
	}
	return nil
}

// appendDotted appends raw to dst as the content of DATA (RFC 5321
// §4.5.2): a line starting with "." gets another, every line ends in CRLF
// (a bare LF becomes CRLF, as textproto's DotWriter does), and the last
// line is ended if raw does not end one. It works a line at a time, not
// a byte.
func appendDotted(dst, raw []byte) []byte {
	if len(raw) == 0 {
		return append(dst, '\r', '\n') // as DotWriter: an empty line
	}
	for len(raw) > 0 {
		line := raw
		var rest []byte
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, rest = raw[:i], raw[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(line) > 0 && line[0] == '.' {
			dst = append(dst, '.')
		}
		dst = append(append(dst, line...), '\r', '\n')
		raw = rest
	}
	return dst
}

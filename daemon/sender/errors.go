package sender

import (
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"strings"
)

// ErrDailyCap is wrapped in the error Send returns when the account has
// sent smtp.daily_cap messages today; the caller reschedules for tomorrow.
var ErrDailyCap = errors.New("daily cap reached")

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("sender pool closed")

// The commands an Error names.
const (
	CmdConnect = "connect" // dial, greeting, EHLO, STARTTLS, AUTH
	CmdMail    = "MAIL"
	CmdRcpt    = "RCPT"
	CmdData    = "DATA"
	CmdEnd     = "." // the message body and its end-of-data line
	CmdRset    = "RSET"
)

// Error is an SMTP failure: the server's answer, or a lost connection.
type Error struct {
	// Code is the reply code (550); 0 when no answer came (network error).
	Code int
	// Enhanced is the RFC 3463 status code ("5.1.1"), "" when absent.
	Enhanced string
	// Text is the server's text, without the codes.
	Text string
	// Command is the step that failed (CmdConnect, CmdMail, …). A failure
	// at CmdConnect concerns the account (credentials, server down), not
	// the message.
	Command string
	// Temporary is true for 4xx answers and network errors: try later.
	Temporary bool
	// Uncertain is true when the connection was lost after the whole
	// message was sent and before the server answered: it may have been
	// accepted, so it was not resent (RFC 5321 §4.1.1.4, §6.1).
	Uncertain bool
	// Err is the underlying error.
	Err error
}

// Error reads like "smtp RCPT: 550 5.1.1 no such user".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "smtp %s: ", e.Command)
	if e.Code != 0 {
		fmt.Fprintf(&b, "%d ", e.Code)
		if e.Enhanced != "" {
			b.WriteString(e.Enhanced + " ")
		}
		b.WriteString(e.Text)
		return b.String()
	}
	if e.Uncertain {
		b.WriteString("connection lost after the message was sent; the server may have accepted it: ")
	}
	fmt.Fprint(&b, e.Err)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// enhancedRE matches an RFC 3463 status code at the start of reply text.
var enhancedRE = regexp.MustCompile(`^([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)`)

// smtpError turns err from a step of the exchange into an *Error. A
// *textproto.Error is the server's answer; anything else is a network
// error (local problems are caught before anything is sent).
func smtpError(cmd string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var te *textproto.Error
	if !errors.As(err, &te) {
		return &Error{Command: cmd, Temporary: true, Err: err}
	}
	e = &Error{Code: te.Code, Command: cmd, Text: te.Msg, Err: err}
	// RFC 5321 §4.2.1: 4yz is a transient, 5yz a permanent negative reply.
	e.Temporary = te.Code < 500
	// RFC 2034 §3: the status code starts every line of the text.
	if m := enhancedRE.FindStringSubmatch(te.Msg); m != nil {
		e.Enhanced = m[1]
		e.Text = te.Msg[len(m[0]):]
	}
	return e
}

// slowDownRE matches the texts servers use to ask a client to send less.
var slowDownRE = regexp.MustCompile(`(?i)slow(ing)? down|try (again )?later|too many|\brate\b|rate.?limit|throttl|limit exceeded`)

// isSlowDown reports an answer that asks the whole account to send less:
// 421 (service closing, RFC 5321 §3.8), 450, and 4.7.x or rate-limit texts
// on other 4xx. A 421 4.4.2 is the server's idle timeout, not a request to
// slow down.
func isSlowDown(e *Error) bool {
	switch {
	case e.Code == 421:
		return !isIdleTimeout(e)
	case e.Code == 450:
		return true
	case e.Code >= 400 && e.Code < 500:
		return strings.HasPrefix(e.Enhanced, "4.7.") || slowDownRE.MatchString(e.Text)
	}
	return false
}

// isIdleTimeout reports "421 4.4.2": the server closed a session we left
// idle too long (RFC 3463 §3.5 X.4.2 "bad connection").
func isIdleTimeout(e *Error) bool {
	return e.Code == 421 && e.Enhanced == "4.4.2"
}

// checkPath refuses an address that would break the command line it goes
// in (RFC 5321 §4.1.2: no CR or LF in a path).
func checkPath(cmd, addr string) error {
	if addr == "" || strings.ContainsAny(addr, "\r\n<>") {
		return &Error{Command: cmd, Err: fmt.Errorf("invalid address %q", addr)}
	}
	return nil
}

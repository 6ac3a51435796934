package sender

import (
	"errors"
	"sync"

	"github.com/herald-mail/herald/daemon/service"
)

// HealthName is the component under which account's pool reports its
// server's health: "smtp habitat".
func HealthName(account string) string { return "smtp " + account }

// health reports whether the pool's server works, as the IMAP watchers
// report their mailboxes: after each message handed over, since the pool
// connects only to send. A message the server refuses (a 5xx to RCPT) is
// about the message, not the server; a failure to connect, log in or
// keep the connection, or a 421 (RFC 5321 §3.8: the service is closing)
// is the server failing. The reason goes to the log when the state
// changes, and to Health, whose /healthz shows the state alone.
type health struct {
	reg  *service.Health
	name string

	mu      sync.Mutex
	failing bool
	known   bool
}

// serverFailing reports whether err says the server, not the message,
// is the problem.
func serverFailing(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false // a context's end, the daily cap, a closed pool: ours
	}
	// Code 0 and temporary: the connection failed; permanent without a
	// code is an address this server cannot take (pathsFor).
	return e.Command == CmdConnect || e.Code == 0 && e.Temporary || e.Code == 421
}

// report records the outcome of one transaction.
func (p *Pool) reportHealth(err error) {
	h := p.health
	if h == nil || h.reg == nil {
		return
	}
	failing := serverFailing(err)
	if err != nil && !failing {
		return // the server answered: it says nothing new of its health
	}
	// The registry hears of a working server only when the state changes:
	// this runs after every message, and Set takes Health's lock. The
	// lock here orders the state and the registry together.
	h.mu.Lock()
	changed := !h.known || failing != h.failing
	h.known, h.failing = true, failing
	if failing || changed {
		h.reg.Set(h.name, err)
	}
	h.mu.Unlock()
	switch {
	case changed && failing:
		p.log.Warn("smtp server not working", "err", err)
	case changed:
		p.log.Info("smtp server working")
	}
}

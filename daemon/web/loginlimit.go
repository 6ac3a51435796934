package web

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Login attempts: after LoginFailures wrong passwords for one user name
// from one address within LoginWindow, that pair is refused with 429
// until the oldest of them is LoginWindow old. bcrypt's cost slows each
// guess; this bounds how many a client gets, without letting a stranger
// lock a person out from everywhere (the key includes the address).
const (
	LoginFailures = 5
	LoginWindow   = 15 * time.Minute
	// maxLoginKeys bounds the memory a flood of made-up names can take.
	maxLoginKeys = 10000
)

// loginLimiter counts recent failed logins by user name and address.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func loginKey(r *http.Request, name string) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return name + "\x00" + host
}

// wait is how long key must wait before its next try; 0 when it may.
func (l *loginLimiter) wait(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(key, now)
	if len(recent) < LoginFailures {
		return 0
	}
	return recent[len(recent)-LoginFailures].Add(LoginWindow).Sub(now)
}

// fail records a failed attempt.
func (l *loginLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	if _, ok := l.fails[key]; !ok && len(l.fails) >= maxLoginKeys {
		l.prune(now)
	}
	recent := append(l.recent(key, now), now)
	if len(recent) > LoginFailures {
		recent = recent[len(recent)-LoginFailures:]
	}
	l.fails[key] = recent
}

// reset forgets key's failures after a successful login.
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent is key's failures within the window; l.mu is held.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= LoginWindow {
		i++
	}
	return ts[i:]
}

// prune drops the keys without recent failures and, if the table is
// still full (a flood), half of the others: a forgotten key only gets
// its five tries again.
func (l *loginLimiter) prune(now time.Time) {
	for k := range l.fails {
		if len(l.recent(k, now)) == 0 {
			delete(l.fails, k)
		}
	}
	for k := range l.fails {
		if len(l.fails) < maxLoginKeys/2 {
			break
		}
		delete(l.fails, k)
	}
}

// retryAfter is a Retry-After value in whole seconds, rounded up
// (RFC 9110 §10.2.3).
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// validator checks a decoded and defaulted Config. Its problems join the
// decoder's, located through the decoder's key lines.
type validator struct {
	c *Config
	d *decoder
}

func validate(c *Config, d *decoder) {
	v := &validator{c: c, d: d}
	v.top()
	v.accounts()
	v.triage()
	v.lists()
	v.waves()
	v.templates()
	v.warnings()
}

// errorf records a problem at key, unless decoding already reported one
// there: a value that failed to decode is left zero, and "missing" would
// only repeat the first error.
func (v *validator) errorf(key, format string, args ...any) {
	if v.d.bad[key] {
		return
	}
	v.d.errs = append(v.d.errs, &Error{File: v.d.file, Line: v.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// badUnder reports whether decoding failed somewhere below key.
func (v *validator) badUnder(key string) bool {
	for k := range v.d.bad {
		if strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[") {
			return true
		}
	}
	return false
}

// line is the line of key, else of its closest parent present in the file.
func (v *validator) line(key string) int {
	for key != "" {
		if l := v.d.lines[key]; l > 0 {
			return l
		}
		key = parentKey(key)
	}
	return 0
}

// parentKey strips the last ".name" or "[i]" of a key path.
func parentKey(key string) string {
	i := strings.LastIndexAny(key, ".[")
	if i < 0 {
		return ""
	}
	return key[:i]
}

func (v *validator) top() {
	c := v.c
	if c.Database == "" {
		v.errorf("database", "required; give the SQLite file, e.g. data/herald.db")
	} else if msg := databaseURLProblem(c.Database); msg != "" {
		v.errorf("database", "%s", msg)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		v.errorf("timezone", "unknown time zone %q; use an IANA name such as Europe/Brussels or UTC", c.Timezone)
	}
	c.Location = loc
	// RFC 5321 §4.5.3.2.6 lets a server take 10 min to answer the end of
	// data; a longer grace only delays a stop.
	if c.ShutdownGrace < 0 || c.ShutdownGrace > 10*time.Minute {
		v.errorf("shutdown_grace", "%s is out of range; give a duration from 1s to 10m, e.g. 30s", c.ShutdownGrace)
	}
	oneOf(v, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf(v, "log.format", c.Log.Format, "text", "json")

	if c.Sandbox.IMAP != "" {
		v.loopback("sandbox.imap", c.Sandbox.IMAP)
	}
	if c.Sandbox.SMTP != "" {
		v.loopback("sandbox.smtp", c.Sandbox.SMTP)
	}
	v.http()
	v.event()
}

func (v *validator) http() {
	h := v.c.HTTP
	host, port, err := net.SplitHostPort(h.Listen)
	if err != nil || !validPort(port, true) {
		v.errorf("http.listen", "%q is not host:port; write e.g. 127.0.0.1:8025", h.Listen)
	} else if !IsLoopback(host) && h.Token == "" && len(h.Users) == 0 {
		v.errorf("http.listen", "%s is reachable from other machines; set http.token or http.users, or listen on 127.0.0.1", h.Listen)
	}
	v.users()
	if h.PublicURL != "" {
		v.absURL("http.public_url", h.PublicURL)
	}
}

func (v *validator) event() {
	e := v.c.Event
	if e.RefPrefix == "" {
		v.errorf("event.ref_prefix", "required; give the prefix of enquiry references, e.g. GCCM for GCCM-0042")
	} else if !refPrefixRE.MatchString(e.RefPrefix) {
		v.errorf("event.ref_prefix", "%q must be capital letters and digits, e.g. GCCM (references look like GCCM-0042)", e.RefPrefix)
	}
	if !e.Start.IsZero() && !e.End.IsZero() && e.End.Before(e.Start) {
		v.errorf("event.end", "%s is before event.start %s", e.End.Format(time.RFC3339), e.Start.Format(time.RFC3339))
	}
	if e.URL != "" {
		v.absURL("event.url", e.URL)
	}
}

var (
	refPrefixRE = regexp.MustCompile(`^[A-Z0-9]+$`)
	languageRE  = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

func (v *validator) absURL(key, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.errorf(key, "%q is not an absolute http or https URL; write e.g. https://rsvp.example.org", s)
	}
}

// loopback checks a sandbox address: host:port on a loopback interface,
// since the sandbox accepts any password.
func (v *validator) loopback(key, addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || !validPort(port, true) {
		v.errorf(key, "%q is not host:port; write e.g. 127.0.0.1:1143", addr)
		return
	}
	if !IsLoopback(host) {
		v.errorf(key, "%s is not a loopback address; the sandbox listens on 127.0.0.1 or ::1 only", addr)
	}
}

// IsLoopback reports whether host, the host of a listen address
// (127.0.0.1, ::1, localhost), only accepts connections from this
// machine. It is herald's one loopback check: config validation uses it
// for http.listen and the sandbox addresses, the sandbox again when it
// listens.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") { // host names are case-insensitive
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validPort(s string, zeroOK bool) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n <= 65535 && (n > 0 || (zeroOK && n == 0))
}

func oneOf(v *validator, key, got string, want ...string) {
	for _, w := range want {
		if got == w {
			return
		}
	}
	v.errorf(key, "%q is not one of %s", got, strings.Join(want, ", "))
}

// checkAddress wants a bare address (no display name), RFC 5322 §3.4.1.
func (v *validator) checkAddress(key, s string) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		v.errorf(key, "%q is not an email address; write a bare address such as contact@example.org", s)
	}
}

func (v *validator) checkLanguage(key, s string) {
	if !languageRE.MatchString(s) {
		v.errorf(key, "%q is not a language code; write e.g. en, fr or pt-BR", s)
	}
}

// databaseURLProblem checks a database: that is a URL rather than a file:
// a postgres:// URL needs a host and a database name; no other scheme is
// known. The URL's password is never repeated.
func databaseURLProblem(db string) string {
	scheme, _, ok := strings.Cut(db, "://")
	if !ok {
		return "" // a SQLite file
	}
	if scheme != "postgres" && scheme != "postgresql" {
		return fmt.Sprintf("%s:// is not a database herald knows; give a SQLite file (data/herald.db) or postgres://user@host/db?sslmode=require", scheme)
	}
	u, err := url.Parse(db)
	if err != nil {
		return "not a valid PostgreSQL URL; give postgres://user@host/db?sslmode=require"
	}
	if u.Host == "" || strings.Trim(u.Path, "/") == "" {
		return fmt.Sprintf("%s needs a host and a database name, e.g. postgres://herald@db.example/herald?sslmode=require", u.Redacted())
	}
	return ""
}

package config

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// MinTokenLength is the shortest http.token that `herald check` accepts
// without a warning: 32 random characters are beyond guessing over HTTP.
const MinTokenLength = 32

// warnings records what is allowed but unwise (`herald check` prints it;
// the daemon starts anyway), located like errors.
func (v *validator) warnings() {
	c := v.c
	if n := utf8.RuneCountInString(c.HTTP.Token); n > 0 && n < MinTokenLength {
		v.warnf("http.token", "only %d characters; use at least %d random ones, e.g. from `openssl rand -hex 32`", n, MinTokenLength)
	}
	if c.Sandbox.Enabled {
		return // the accounts talk to the sandbox on loopback, not to their hosts
	}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		key := fmt.Sprintf("accounts[%d]", i)
		v.clearText(key+".imap", a.IMAP.Host, a.IMAP.Security, &a.IMAP.Auth)
		v.clearText(key+".smtp", a.SMTP.Host, a.SMTP.Security, &a.SMTP.Auth)
	}
}

// clearText warns about credentials sent without TLS to another machine,
// where anyone on the path can read them.
func (v *validator) clearText(key, host, security string, a *Auth) {
	if security != "none" || host == "" || isLoopbackHost(host) {
		return
	}
	var cred string
	switch {
	case a.Mechanism == "xoauth2":
		cred = "token_command"
	case a.PasswordCommand != "":
		cred = "password_command"
	case a.Password != "":
		cred = "password"
	default:
		return
	}
	v.warnf(key+"."+cred, "the %s is sent in clear text: security is none and %s is not a loopback host; use security: tls or starttls",
		strings.TrimSuffix(cred, "_command"), host)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// warnf records a warning at key.
func (v *validator) warnf(key, format string, args ...any) {
	v.c.Warnings = append(v.c.Warnings, &Error{File: v.d.file, Line: v.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

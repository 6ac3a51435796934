package mailconn

import (
	"fmt"
	"slices"

	"github.com/wneessen/go-mail/smtp"
)

// smtpAuth picks the SASL mechanism once the server's EHLO is known (go-mail's
// own choice happens before, and its autodiscovery prefers CRAM-MD5 and
// SCRAM over PLAIN): XOAUTH2 when configured, else PLAIN, else LOGIN.
type smtpAuth struct {
	user, secret string
	xoauth2      bool
	// cleartext allows PLAIN and LOGIN without TLS (security: none).
	cleartext bool
	// onStart, if set, runs when authentication starts.
	onStart func()
	inner   smtp.Auth
}

// Start chooses the mechanism from those the server advertised.
func (a *smtpAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if a.onStart != nil {
		a.onStart()
	}
	switch {
	case a.xoauth2:
		if !slices.Contains(server.Auth, "XOAUTH2") {
			return "", nil, fmt.Errorf("%w: server offers %q, not XOAUTH2", errNoMechanism, server.Auth)
		}
		a.inner = smtp.XOAuth2Auth(a.user, a.secret)
	case slices.Contains(server.Auth, "PLAIN"):
		a.inner = smtp.PlainAuth("", a.user, a.secret, server.Name, a.cleartext)
	case slices.Contains(server.Auth, "LOGIN"):
		a.inner = smtp.LoginAuth(a.user, a.secret, server.Name, a.cleartext)
	default:
		return "", nil, fmt.Errorf("%w: server offers %q, neither PLAIN nor LOGIN", errNoMechanism, server.Auth)
	}
	return a.inner.Start(server)
}

// Next continues the exchange with the chosen mechanism.
func (a *smtpAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.inner.Next(fromServer, more)
}

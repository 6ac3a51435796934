package mailconn

import (
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"

	"github.com/herald-mail/herald/daemon/config"
)

// errNoMechanism is a server that offers no way to log in that we can use.
var errNoMechanism = errors.New("no usable authentication mechanism")

// authenticate logs in with secret: XOAUTH2 when a.Mechanism says so, else
// AUTHENTICATE PLAIN (RFC 4616) when offered, else LOGIN (RFC 9051 §6.2.3).
func authenticate(c *imapclient.Client, a config.Auth, secret string) error {
	if a.Username == "" {
		return errors.New("no username configured")
	}
	caps := c.Caps()
	if a.Mechanism == "xoauth2" {
		if !caps.Has(imap.AuthCap("XOAUTH2")) {
			return fmt.Errorf("%w: server does not offer AUTH=XOAUTH2", errNoMechanism)
		}
		x := &xoauth2Client{user: a.Username, token: secret}
		if err := c.Authenticate(x); err != nil {
			if x.detail != "" {
				return fmt.Errorf("%w (server detail: %s)", err, x.detail)
			}
			return err
		}
		return nil
	}
	if caps.Has(imap.AuthCap(sasl.Plain)) {
		return c.Authenticate(sasl.NewPlainClient("", a.Username, secret))
	}
	if caps.Has(imap.CapLoginDisabled) {
		return fmt.Errorf("%w: LOGINDISABLED and no AUTH=PLAIN (use security tls or starttls)", errNoMechanism)
	}
	return c.Login(a.Username, secret).Wait()
}

// imapRejected tells a refusal by the server (tagged NO or BAD, or nothing
// we can use) from a network failure during authentication. RFC 5530 codes
// that mean "try later" are not refusals.
func imapRejected(err error) bool {
	if errors.Is(err, errNoMechanism) {
		return true
	}
	var ie *imap.Error
	if !errors.As(err, &ie) {
		return false
	}
	switch ie.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug, imap.ResponseCodeInUse, imap.ResponseCodeLimit:
		return false
	}
	return true
}

// xoauth2Client is the client side of Google's and Microsoft's XOAUTH2 SASL
// mechanism (go-sasl has only OAUTHBEARER).
type xoauth2Client struct {
	user, token string
	// detail is the server's JSON error challenge, kept for the error.
	detail string
}

// Start sends "user=U^Aauth=Bearer T^A^A" as the initial response.
func (x *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the JSON error challenge with an empty response, after which
// the server sends its tagged NO. (go-imap sends an empty response as "=";
// servers reject the login either way.)
func (x *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	x.detail = string(challenge)
	if len(x.detail) > 200 {
		x.detail = x.detail[:200] + "…"
	}
	return []byte{}, nil
}

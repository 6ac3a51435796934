package sender

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// paths are a message's reverse and forward paths as one server takes
// them (RFC 5321 §4.1.2).
type paths struct {
	from, to string
	// utf8: MAIL carries the SMTPUTF8 parameter, since a path is UTF-8
	// (RFC 6531 §3.4).
	utf8 bool
}

// pathsFor writes from and to for a server that offers SMTPUTF8 or not.
// ASCII addresses go as they are. A server offering SMTPUTF8 gets the
// international ones in UTF-8, with the parameter (RFC 6531 §3.4); one
// without it gets their domains in A-labels (IDNA 2008 lookup, RFC 5891
// §5), the only form RFC 5321 §4.1.2 allows, and an address whose local
// part is not ASCII, which has no such form, cannot be sent there: that
// is a permanent failure of this message, with the reason.
func pathsFor(from, to string, smtputf8 bool) (paths, *Error) {
	if isASCII(from) && isASCII(to) {
		return paths{from: from, to: to}, nil
	}
	conv := asciiPath
	if smtputf8 {
		conv = utf8Path
	}
	f, e := conv(CmdMail, "sender", from)
	if e != nil {
		return paths{}, e
	}
	t, e := conv(CmdRcpt, "recipient", to)
	if e != nil {
		return paths{}, e
	}
	return paths{from: f, to: t, utf8: smtputf8}, nil
}

// asciiPath is addr for a server without SMTPUTF8: its domain in A-labels.
func asciiPath(cmd, role, addr string) (string, *Error) {
	local, domain := splitAddr(addr)
	if !isASCII(local) {
		return "", &Error{Command: cmd, Err: fmt.Errorf(
			"%s's address %q has a non-ASCII local part and the server does not offer SMTPUTF8 (RFC 6531)", role, addr)}
	}
	if isASCII(domain) {
		return addr, nil
	}
	a, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", badDomain(cmd, role, addr, err)
	}
	return local + "@" + a, nil
}

// utf8Path is addr for a server with SMTPUTF8: UTF-8, an international
// domain checked and written in U-labels (RFC 6531 §3.3 takes either
// form; one spelling of it for the server).
func utf8Path(cmd, role, addr string) (string, *Error) {
	local, domain := splitAddr(addr)
	if isASCII(domain) || strings.HasPrefix(domain, "[") {
		return addr, nil
	}
	a, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", badDomain(cmd, role, addr, err)
	}
	u, err := idna.Lookup.ToUnicode(a)
	if err != nil {
		return "", badDomain(cmd, role, addr, err)
	}
	return local + "@" + u, nil
}

// badDomain is the permanent failure of a path whose domain IDNA refuses.
func badDomain(cmd, role, addr string, err error) *Error {
	return &Error{Command: cmd, Err: fmt.Errorf(
		"%s's address %q: the domain is not a valid international domain name: %v", role, addr, err)}
}

// splitAddr splits addr at its last "@"; domain is "" when it has none.
func splitAddr(addr string) (local, domain string) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, ""
	}
	return addr[:at], addr[at+1:]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

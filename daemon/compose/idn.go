package compose

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// headerAddress is addr as herald's headers carry it. A message is
// composed once, before any server is met, so its header must suit a
// server without SMTPUTF8: a non-ASCII domain goes in its A-label form
// (IDNA 2008 lookup, RFC 5891 §5; "mairie-évry.fr" becomes
// "xn--mairie-vry-h7a.fr"), which leaves the header 7-bit (RFC 5322
// §3.4.1), and readers show the U-label again. A non-ASCII local part has
// no ASCII form: the address stays UTF-8 (RFC 6532 §3.2), the domain in
// U-labels, and the sender delivers such a message only through a server
// offering SMTPUTF8 (RFC 6531), failing it otherwise.
func headerAddress(addr string) (string, error) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr, nil
	}
	local, domain := addr[:at], addr[at+1:]
	if strings.HasPrefix(domain, "[") || isASCII(domain) {
		return addr, nil // a domain literal has no labels; ASCII stays as written
	}
	a, err := idna.Lookup.ToASCII(domain)
	if err != nil {
		return "", fmt.Errorf("address %q: domain %q is not a valid international domain name: %v", addr, domain, err)
	}
	if isASCII(local) {
		return local + "@" + a, nil
	}
	u, err := idna.Lookup.ToUnicode(a)
	if err != nil {
		return "", fmt.Errorf("address %q: domain %q is not a valid international domain name: %v", addr, domain, err)
	}
	return local + "@" + u, nil
}

package store

import (
	"strings"

	"golang.org/x/net/idna"
)

// asciiDomain is domain lowercased, an international one in its A-labels
// (IDNA 2008 lookup, RFC 5891 §5), so that mail from
// x@mairie-évry.fr and from x@xn--mairie-vry-h7a.fr counts as from one
// address. A domain IDNA refuses is only lowercased: a limit must still
// count it.
func asciiDomain(domain string) string {
	domain = strings.ToLower(domain)
	for i := 0; i < len(domain); i++ {
		if domain[i] >= 0x80 {
			if a, err := idna.Lookup.ToASCII(domain); err == nil {
				return a
			}
			break
		}
	}
	return domain
}

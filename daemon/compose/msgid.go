package compose

import (
	"crypto/rand"
	"strings"
)

// NewMessageID returns a new "<random@domain>" Message-ID (RFC 5322
// §3.6.4) with 128 random bits, so that herald can record it before the
// message is sent. domain may also be a whole address (decorte@un.org):
// its domain is used. An empty domain gives "localhost".
func NewMessageID(domain string) string {
	if at := strings.LastIndexByte(domain, '@'); at >= 0 {
		domain = domain[at+1:]
	}
	domain = strings.ToLower(strings.Trim(domain, " \t<>[]"))
	if domain == "" || !validIDPart(domain) {
		domain = "localhost"
	}
	return "<" + strings.ToLower(rand.Text()) + "@" + domain + ">"
}

// normID strips the angle brackets and blanks of a Message-ID and returns
// it bare, or "" when it is not a usable msg-id: one that is empty, has no
// "@", or holds characters other than printable ASCII (RFC 5322 §3.6.4
// id-left "@" id-right, read loosely, as real mail is loose).
func normID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || !validIDPart(id) {
		return ""
	}
	return id
}

func validIDPart(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c > '~' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

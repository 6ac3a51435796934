package lists

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/store"
)

// checkEmail validates the email cell and returns its identity key. The
// cell must be a bare addr-spec (RFC 5322 §3.4.1): mail.ParseAddress also
// accepts "Name <addr>" and "addr (comment)", which an email column must
// not hold, so those are refused here. UTF-8 local parts and domains are
// accepted (RFC 6532), the domain checked as IDNA 2008 (RFC 5891).
func checkEmail(s string) (string, error) {
	switch {
	case s == "":
		return "", fmt.Errorf("no email address")
	case len(s) > 254: // RFC 5321 §4.5.3.1.3 with RFC 5321 §4.1.2 path brackets
		return "", fmt.Errorf("address %q is longer than 254 characters", clip(s))
	case strings.ContainsAny(s, "<>"):
		return "", fmt.Errorf("%q has a display name or angle brackets; put only the address (local@domain) in the email column", s)
	case strings.ContainsAny(s, ",;"):
		if l, err := mail.ParseAddressList(s); err == nil && len(l) > 1 {
			return "", fmt.Errorf("%q holds several addresses; put one per row", s)
		}
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an email address: %s", s, strings.TrimPrefix(err.Error(), "mail: "))
	}
	if a.Name != "" || (a.Address != s && (&mail.Address{Address: a.Address}).String() != "<"+s+">") {
		return "", fmt.Errorf("%q has a comment or spaces; put only the address (local@domain) in the email column", s)
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 { // RFC 5321 §4.5.3.1.1
		return "", fmt.Errorf("%q: the part before @ is longer than 64 characters", s)
	}
	if !strings.HasPrefix(domain, "[") && !strings.Contains(domain, ".") {
		return "", fmt.Errorf("%q: domain %q has no dot; want a full domain such as example.org", s, domain)
	}
	return store.EmailKey(s)
}

// langRE is a language code: 2 or 3 letters (ISO 639), then optionally a
// region, two letters (ISO 3166) or three digits (UN M.49): en, fr-CA, es-419.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(?:[-_](?:[A-Za-z]{2}|[0-9]{3}))?$`)

// normLanguage checks a language cell and writes it the BCP 47 way
// (fr_ca -> fr-CA); empty stays empty (the account's language applies).
// A language written out ("Français", "Spanish") or as an ISO 639-2 code
// ("fra") becomes its two-letter code, which templates are named with.
func normLanguage(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if code, ok := languageCode(s); ok {
		return code, nil
	}
	if !langRE.MatchString(s) {
		return "", fmt.Errorf("language %q is not a language code such as en, fr, es or pt-BR, nor a language herald knows by name", clip(s))
	}
	lang, region, ok := strings.Cut(strings.ReplaceAll(s, "_", "-"), "-")
	if !ok {
		return strings.ToLower(lang), nil
	}
	return strings.ToLower(lang) + "-" + strings.ToUpper(region), nil
}

// clip shortens a cell quoted in a reason.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

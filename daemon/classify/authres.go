package classify

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/idna"

	"github.com/herald-mail/herald/daemon/message"
)

// AuthResults is one Authentication-Results field (RFC 8601 §2.2): the
// server that wrote it and the result of each method it ran.
type AuthResults struct {
	// AuthServID names the server that did the checks, lowercased.
	AuthServID string
	Results    []AuthResult
}

// AuthResult is one resinfo: "dmarc=pass header.from=example.org".
type AuthResult struct {
	// Method is lowercased, without its /version (RFC 8601 §2.2 method).
	Method string
	// Result is lowercased: pass, fail, none, ...
	Result string
	// Props are the propspecs, keyed "ptype.property" lowercased
	// ("header.from", "smtp.mailfrom"), and "reason".
	Props map[string]string
}

// ParseAuthResults reads the value of an Authentication-Results field.
// It follows the RFC 8601 §2.2 grammar strictly where it matters for
// trust: comments (RFC 5322 §3.2.2, nested, with quoted-pairs) are
// dropped, and quoted strings are read whole, so that a ";" or "=" a
// sender managed to put into a comment or a quoted local part
// (smtp.mailfrom="x;dmarc=pass"@evil) never becomes a result of its own.
// (github.com/emersion/go-msgauth's authres splits on ";" before reading
// comments or quotes, which is exactly that hole, so it is not used.)
func ParseAuthResults(v string) (AuthResults, error) {
	toks, err := lexAuthRes(v)
	if err != nil {
		return AuthResults{}, err
	}
	var ar AuthResults
	if len(toks) == 0 || toks[0].sep != 0 {
		return ar, errors.New("no authserv-id")
	}
	ar.AuthServID = strings.ToLower(toks[0].val)
	toks = toks[1:]
	// authres-version: 1*DIGIT; only version 1 exists (RFC 8601 §2.2),
	// and a field of another version must be ignored (§2.5).
	if len(toks) > 0 && toks[0].sep == 0 {
		if toks[0].val != "1" {
			return ar, fmt.Errorf("unknown version %q", toks[0].val)
		}
		toks = toks[1:]
	}
	for len(toks) > 0 {
		if toks[0].sep != ';' {
			return ar, fmt.Errorf("expected ';' before %q", toks[0].String())
		}
		toks = toks[1:]
		var end int
		for end < len(toks) && toks[end].sep != ';' {
			end++
		}
		r, err := parseResInfo(toks[:end])
		if err != nil {
			return ar, err
		}
		if r.Method != "" {
			ar.Results = append(ar.Results, r)
		}
		toks = toks[end:]
	}
	return ar, nil
}

// parseResInfo reads "method=result [reason=value] [ptype.prop=value]...",
// or "none" (no-result); an empty resinfo (a trailing ";") is tolerated.
func parseResInfo(toks []arToken) (AuthResult, error) {
	if len(toks) == 0 || len(toks) == 1 && toks[0].sep == 0 && strings.EqualFold(toks[0].val, "none") {
		return AuthResult{}, nil
	}
	r := AuthResult{Props: map[string]string{}}
	for i := 0; i < len(toks); i += 3 {
		if i+2 >= len(toks) || toks[i].sep != 0 || toks[i+1].sep != '=' || toks[i+2].sep != 0 {
			return AuthResult{}, fmt.Errorf("malformed result near %q", toks[i].String())
		}
		k, val := strings.ToLower(toks[i].val), toks[i+2].val
		if i == 0 {
			if slash := strings.IndexByte(k, '/'); slash >= 0 {
				k = k[:slash] // method-version
			}
			r.Method, r.Result = k, strings.ToLower(val)
			continue
		}
		if _, dup := r.Props[k]; !dup { // the first of a repeated property counts
			r.Props[k] = val
		}
	}
	return r, nil
}

// arToken is a lexical item of an Authentication-Results value: a
// separator (';' or '='), or a value (a token, a quoted string, or
// both run together, as in a quoted local-part followed by @domain).
type arToken struct {
	sep byte
	val string
}

func (t arToken) String() string {
	if t.sep != 0 {
		return string(t.sep)
	}
	return t.val
}

// maxAuthResTokens bounds the work on a hostile field.
const maxAuthResTokens = 1000

// lexAuthRes splits v into tokens, dropping whitespace and comments.
func lexAuthRes(v string) ([]arToken, error) {
	var toks []arToken
	var cur strings.Builder
	inVal := false
	flush := func() {
		if inVal {
			toks = append(toks, arToken{val: cur.String()})
			cur.Reset()
			inVal = false
		}
	}
	for i := 0; i < len(v); i++ {
		if len(toks) > maxAuthResTokens {
			return nil, errors.New("too many tokens")
		}
		switch c := v[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			flush()
		case c == '(':
			flush()
			end, err := skipComment(v, i)
			if err != nil {
				return nil, err
			}
			i = end
		case c == ';' || c == '=':
			flush()
			toks = append(toks, arToken{sep: c})
		case c == '"':
			end, s, err := quotedString(v, i)
			if err != nil {
				return nil, err
			}
			cur.WriteString(s)
			inVal, i = true, end
		default:
			cur.WriteByte(c)
			inVal = true
		}
	}
	flush()
	return toks, nil
}

// skipComment returns the index of the ")" closing the comment opened at
// v[i] (RFC 5322 §3.2.2: comments nest, and "\" quotes one character).
func skipComment(v string, i int) (int, error) {
	depth := 0
	for ; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, errors.New("unclosed comment")
}

// quotedString reads the quoted string opened at v[i] and returns the
// index of its closing quote and its content, quoted-pairs undone
// (RFC 5322 §3.2.4).
func quotedString(v string, i int) (int, string, error) {
	var b strings.Builder
	for i++; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if i+1 < len(v) {
				i++
				b.WriteByte(v[i])
			}
		case '"':
			return i, b.String(), nil
		default:
			b.WriteByte(v[i])
		}
	}
	return 0, "", errors.New("unclosed quoted string")
}

// TrustedAuthResults returns the Authentication-Results fields that
// m's own receiving servers wrote: those whose authserv-id is in trusted,
// taken only from the top of the header. Each server adds its fields
// above the ones already there, so ours are the first trusted one and
// those after it up to the next Received field; a field further down
// bearing our id was there when the message reached us, written by the
// sender (RFC 8601 §5 asks the MX to remove those; herald does not rely
// on it).
func TrustedAuthResults(h message.Header, trusted []string) []AuthResults {
	if len(trusted) == 0 {
		return nil
	}
	var out []AuthResults
	started := false
	for _, f := range h {
		if started && strings.EqualFold(f.Key, "Received") {
			break
		}
		if !strings.EqualFold(f.Key, "Authentication-Results") {
			continue
		}
		id := authServID(f.Raw)
		if !containsFold(trusted, id) {
			continue
		}
		started = true
		ar, err := ParseAuthResults(f.Raw)
		if err != nil {
			// Ours, but unreadable: it proves nothing, and it still
			// starts the block, so a forged field below the next
			// Received cannot stand in for it.
			continue
		}
		out = append(out, ar)
	}
	return out
}

// authServID is the authserv-id of an Authentication-Results value,
// lowercased, read even when the rest of the value is malformed: a field
// of ours that herald cannot read must still be known as ours.
func authServID(v string) string {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '(':
			end, err := skipComment(v, i)
			if err != nil {
				return ""
			}
			i = end
		case c == '"':
			_, s, err := quotedString(v, i)
			if err != nil {
				return ""
			}
			return strings.ToLower(s)
		default:
			end := i
			for end < len(v) && !strings.ContainsRune(" \t\r\n;=(\"", rune(v[end])) {
				end++
			}
			return strings.ToLower(v[i:end])
		}
	}
	return ""
}

// DMARCPass reports whether m's own servers (authserv-ids in trusted)
// found that m passes DMARC (RFC 7489) for the domain of its From
// address: a dmarc=pass result whose header.from is that domain, and no
// other DMARC verdict on it. A message with no From, or several From
// addresses (which RFC 7489 §6.6.1 leaves unauthenticated), never passes.
func DMARCPass(m *message.Message, trusted []string) bool {
	if len(m.From) != 1 {
		return false
	}
	domain := domainKey(m.From[0].Address)
	if domain == "" {
		return false
	}
	pass := false
	for _, ar := range TrustedAuthResults(m.Header, trusted) {
		for _, r := range ar.Results {
			if r.Method != "dmarc" || domainKey("@"+r.Props["header.from"]) != domain {
				continue
			}
			if r.Result != "pass" {
				return false
			}
			pass = true
		}
	}
	return pass
}

// domainKey is the domain of addr, lowercased in A-labels (so that an
// IDN From matches the form the MX wrote), without a trailing dot; ""
// when there is none.
func domainKey(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || at == len(addr)-1 {
		return ""
	}
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(addr[at+1:])), ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		d = a
	}
	return d
}

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

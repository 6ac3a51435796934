package compose

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/config"
)

// ICSInput is what Invitation needs: the event, its organizer (the
// account) and the one attendee the invitation is for (the contact).
type ICSInput struct {
	Event config.Event
	// Organizer and OrganizerName are the account's address and from_name.
	Organizer, OrganizerName string
	// Attendee and AttendeeName are the contact's address and name.
	Attendee, AttendeeName string
	// Stamp is DTSTAMP, when this copy was made; zero means now.
	Stamp time.Time
	// UID is the event's UID for this attendee, from EventUID; required.
	UID string
}

// icsProdID names herald as the product that made the object (RFC 5545
// §3.7.3).
const icsProdID = "-//herald-mail//herald//EN"

// icsLineMax is the longest content line, in octets without the CRLF
// (RFC 5545 §3.1).
const icsLineMax = 75

// Invitation returns an iCalendar object (RFC 5545) inviting in.Attendee
// to in.Event: METHOD:REQUEST as RFC 5546 §3.2.2 has an organizer send
// it, one VEVENT, CRLF line ends, lines folded at 75 octets. Outlook,
// Gmail and Apple Mail show it with Accept/Decline buttons, and their
// answer comes back as METHOD:REPLY with the same UID and the attendee's
// PARTSTAT (docs/BEHAVIOUR.md §6.3).
//
// Times are written in UTC (RFC 5545 §3.3.5 form #2), which needs no
// VTIMEZONE. An End not after Start is left out: the event then ends
// when it starts (RFC 5545 §3.6.1). SEQUENCE is 0: herald sends one
// version of an event, and a resend of the same UID with a later DTSTAMP
// is taken by clients as the same invitation again.
func Invitation(in ICSInput) []byte {
	stamp := in.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	ev := in.Event
	var w icsWriter
	w.prop("BEGIN", "VCALENDAR")
	w.prop("PRODID", icsProdID)
	w.prop("VERSION", "2.0")
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", "REQUEST") // RFC 5546 §1.4; the MIME part repeats it (RFC 6047 §2.4)
	w.prop("BEGIN", "VEVENT")
	w.prop("UID", escapeText(in.UID))
	w.prop("DTSTAMP", icsTime(stamp))
	w.prop("DTSTART", icsTime(ev.Start))
	if ev.End.After(ev.Start) {
		w.prop("DTEND", icsTime(ev.End))
	}
	w.prop("SUMMARY", escapeText(ev.Name))
	if ev.Venue != "" {
		w.prop("LOCATION", escapeText(ev.Venue))
	}
	if ev.URL != "" {
		w.prop("DESCRIPTION", escapeText(ev.URL))
		if u := icsURI(ev.URL); u != "" {
			w.prop("URL", u) // RFC 5545 §3.8.4.6: a URI, not escaped as TEXT
		}
	}
	w.prop("SEQUENCE", "0")
	w.prop("STATUS", "CONFIRMED")
	w.prop("TRANSP", "OPAQUE")
	w.prop("ORGANIZER"+cnParam(in.OrganizerName), calAddress(in.Organizer))
	w.prop("ATTENDEE"+cnParam(in.AttendeeName)+";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
		calAddress(in.Attendee))
	w.prop("END", "VEVENT")
	w.prop("END", "VCALENDAR")
	return []byte(w.String())
}

// EventUID is the UID of event's VEVENT as account sends it to one
// contact: "e1-<contactID>-<mac>@<account domain>". herald maps a
// calendar REPLY back to its contact by it (docs/BEHAVIOUR.md §6.3), so it
// carries an HMAC-SHA256 under the store's secret (the key of the
// unsubscribe tokens): nobody can compute another contact's UID from
// public data, and a reply that names it proves it answers the
// invitation that contact received (docs/BEHAVIOUR.md §6.1, proof
// before a state change). It is the same for every resend and every
// wave of the event to that contact, so clients update one entry rather
// than add another; it does not depend on the event's times, so moving the event in
// config.yaml updates the entries instead of leaving one at the old
// time. The right-hand side is the account's domain, as RFC 5545
// §3.8.4.7 suggests for global uniqueness.
func EventUID(secret []byte, event config.Event, account string, contactID int64) string {
	account = strings.ToLower(strings.TrimSpace(account))
	id := strconv.FormatInt(contactID, 10)
	return eventUIDVersion + id + "-" + hex.EncodeToString(eventUIDMAC(secret, event, account, id)) + "@" + uidDomain(account)
}

// eventUIDVersion starts every UID EventUID makes; the UIDs herald sent
// before it (LegacyEventUID) are 32 hex digits and never start so.
const eventUIDVersion = "e1-"

// ParseEventUID returns the contact a UID from EventUID names, checking
// its MAC in constant time; ok is false for any other UID, including one
// made for another event or account, or with another secret.
func ParseEventUID(secret []byte, event config.Event, account, uid string) (contactID int64, ok bool) {
	account = strings.ToLower(strings.TrimSpace(account))
	// Clients keep a UID as sent; case is forgiven all the same.
	local, domain, found := strings.Cut(strings.ToLower(strings.TrimSpace(uid)), "@")
	if len(secret) == 0 || !found || !strings.EqualFold(domain, uidDomain(account)) || !strings.HasPrefix(local, eventUIDVersion) {
		return 0, false
	}
	id, mac, found := strings.Cut(local[len(eventUIDVersion):], "-")
	n, err := strconv.ParseInt(id, 10, 64)
	if !found || err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, false
	}
	got, err := hex.DecodeString(mac)
	if err != nil || !hmac.Equal(got, eventUIDMAC(secret, event, account, id)) {
		return 0, false
	}
	return n, true
}

// EventUIDShaped reports whether uid has the form of EventUID's for
// account, whether or not its MAC is right: a reply naming such a UID
// that ParseEventUID refuses was made to look like an answer to us.
func EventUIDShaped(account, uid string) bool {
	local, domain, found := strings.Cut(strings.ToLower(strings.TrimSpace(uid)), "@")
	return found && strings.HasPrefix(local, eventUIDVersion) && domain == uidDomain(strings.ToLower(strings.TrimSpace(account)))
}

// eventUIDMAC is the truncated HMAC of what a UID stands for: 128 bits,
// ample for a MAC that can only be tested by mailing herald.
func eventUIDMAC(secret []byte, event config.Event, account, contactID string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("herald event uid 1\x00" + event.Name + "\x00" + account + "\x00" + contactID))
	return m.Sum(nil)[:16]
}

// LegacyEventUID is the UID herald put in invitations before EventUID:
// one for every contact, a plain hash of the event's name and the
// account, which anyone can compute. Replies to those invitations are
// still read, but only with other proof (README "Replies").
func LegacyEventUID(event config.Event, account string) string {
	account = strings.ToLower(strings.TrimSpace(account))
	sum := sha256.Sum256([]byte("herald event uid\x00" + event.Name + "\x00" + account))
	return hex.EncodeToString(sum[:16]) + "@" + uidDomain(account)
}

// uidDomain is the domain of account when it is fit for a UID.
func uidDomain(account string) string {
	if at := strings.LastIndexByte(account, '@'); at >= 0 && at+1 < len(account) && validIDPart(account[at+1:]) {
		return account[at+1:]
	}
	return "herald.invalid"
}

// icsWriter accumulates content lines, folded, each ending in CRLF.
type icsWriter struct{ strings.Builder }

// prop writes "name:value"; name may carry parameters, and value is
// already in its value type's form (escaped TEXT, a URI, a date).
func (w *icsWriter) prop(name, value string) {
	w.WriteString(foldLine(name + ":" + value))
}

// foldLine folds a content line to icsLineMax octets and ends it in CRLF
// (RFC 5545 §3.1): each continuation begins with one space, which counts
// towards its 75 octets. A fold never splits a UTF-8 sequence, which
// naive unfolders would turn into two invalid halves, nor a backslash
// escape, which some parsers read before unfolding.
func foldLine(s string) string {
	var b strings.Builder
	n := 0 // octets on the current line
	for i := 0; i < len(s); {
		size := unitLen(s[i:])
		if n+size > icsLineMax {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteString(s[i : i+size])
		n += size
		i += size
	}
	b.WriteString("\r\n")
	return b.String()
}

// unitLen is the length of the unit foldLine keeps whole at the start of
// s: a backslash with the character it escapes, else one UTF-8 sequence
// (one octet when s is not valid UTF-8 there).
func unitLen(s string) int {
	if s[0] == '\\' && len(s) > 1 {
		_, size := utf8.DecodeRuneInString(s[1:])
		return 1 + size
	}
	_, size := utf8.DecodeRuneInString(s)
	return size
}

// escapeText writes s as a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon and comma escaped, any line break as "\n". Other control
// characters, which TEXT cannot hold, are dropped, and invalid UTF-8
// becomes U+FFFD (RFC 5545 §3.1.4: the charset is UTF-8).
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t' || !isCTL(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cnParam is ";CN=name", or "" without a name. Parameter values have no
// escapes (RFC 5545 §3.2): a name holding ";", ":" or "," is quoted, and
// DQUOTE and control characters, which no param-value can hold, become
// "'" and spaces. RFC 6868's ^-escapes are not used: not every client
// reads them, and a name rarely needs them.
func cnParam(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case isCTL(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return ""
	}
	if strings.ContainsAny(name, ";:,") {
		name = `"` + name + `"`
	}
	return ";CN=" + name
}

// calAddress is the CAL-ADDRESS of an email address (RFC 5545 §3.3.3).
func calAddress(addr string) string {
	return "mailto:" + strings.Map(func(r rune) rune {
		if isCTL(r) || r == ' ' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(addr, ""))
}

// icsURI returns s when it is an absolute http(s) URL fit for a URI
// value, else "".
func icsURI(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' {
			return ""
		}
	}
	return s
}

// icsTime is t as a UTC DATE-TIME (RFC 5545 §3.3.5).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// isCTL reports whether r is a control character, which TEXT and
// parameter values exclude (RFC 5545 §3.1, CONTROL).
func isCTL(r rune) bool { return r < 0x20 || r == 0x7f }

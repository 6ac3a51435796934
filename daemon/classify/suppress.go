package classify

import (
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/message"
)

// Policy is what Suppress needs to know about the receiving account.
type Policy struct {
	// OwnAddresses are the account address and its aliases (SPEC §3
	// "aliases": also "me" for loop checks and RFC 3834 addressing).
	OwnAddresses []string
	// LoopHeader is the loop-marker field herald puts on every automatic
	// message, e.g. "X-Herald-Loop"; "" disables the check.
	LoopHeader string
	// LoopValue is this instance's value of LoopHeader; "" means any value.
	LoopValue string
	// Exceptions are sender patterns acknowledged even when none of
	// OwnAddresses is a recipient (SPEC §4 "configured exception list",
	// config triage.ack_exceptions), e.g. a web form relay that writes To:
	// a different address.
	Exceptions []*regexp.Regexp
}

// The reasons Suppress returns, in the order it checks them.
const (
	// ReasonLoop: the message carries our own loop marker.
	ReasonLoop = "loop"
	// ReasonOwnAddress: the sender is one of our own addresses.
	ReasonOwnAddress = "own-address"
	// ReasonAutoSubmitted: Auto-Submitted other than "no", or an older
	// auto-reply marker (X-Autoreply, X-Autorespond, Precedence: auto_reply).
	ReasonAutoSubmitted = "auto-submitted"
	// ReasonAutoResponseSuppress: X-Auto-Response-Suppress has All, OOF or AutoReply.
	ReasonAutoResponseSuppress = "x-auto-response-suppress"
	// ReasonList: a List-* field is present.
	ReasonList = "list"
	// ReasonPrecedence: Precedence is bulk, list or junk.
	ReasonPrecedence = "precedence"
	// ReasonEmptyReturnPath: the return path is the null path "<>".
	ReasonEmptyReturnPath = "empty-return-path"
	// ReasonAutomaticSender: the sender's local part looks automatic.
	ReasonAutomaticSender = "automatic-sender"
	// ReasonNotAddressedToUs: none of our addresses is in To/Cc/Bcc/Resent-*.
	ReasonNotAddressedToUs = "not-addressed-to-us"
)

// Suppress applies the header part of SPEC §4's acknowledgement policy and
// returns why no acknowledgement may be sent, or "" when one may. The
// per-sender rate limits (ack_once_per, 10 per hour) need the database and
// are the caller's. The checks run in a fixed order so the recorded reason
// is stable.
func Suppress(m *message.Message, p Policy) string {
	h := m.Header
	if p.LoopHeader != "" && hasLoopMarker(h, p.LoopHeader, p.LoopValue) {
		// Our own automatic message came back: answering would loop.
		return ReasonLoop
	}
	own := ownSet(p.OwnAddresses)
	for _, a := range append([]string{m.ReturnPath}, addrs(m.From, m.Sender)...) {
		if own[a] {
			// RFC 5230 §4.5: never respond to mail from the user's own addresses.
			return ReasonOwnAddress
		}
	}
	// RFC 3834 §2 and RFC 5230 §4.5: no response to Auto-Submitted other
	// than "no"; the older auto-reply markers are treated the same.
	if autoSubmitted(h) || flagSet(h, "X-Autoreply") || flagSet(h, "X-Autorespond") || precedenceIs(h, "auto_reply") {
		return ReasonAutoSubmitted
	}
	if autoResponseSuppressed(h) {
		return ReasonAutoResponseSuppress
	}
	// RFC 5230 §4.5 and RFC 3834 §2: no response to list mail
	// (RFC 2369 List-Help/-Unsubscribe/..., RFC 2919 List-Id).
	if h.HasPrefix("List-") {
		return ReasonList
	}
	// Precedence is not standard (RFC 2076 lists it as such) but bulk, list
	// and junk are what list software sets; Sieve implementations check it.
	if precedenceIs(h, "bulk", "list", "junk") {
		return ReasonPrecedence
	}
	// RFC 3834 §2: never respond to a null return path ("<>").
	if m.HasReturnPath && m.ReturnPath == "" {
		return ReasonEmptyReturnPath
	}
	for _, a := range append([]string{m.ReturnPath}, addrs(m.From, m.Sender)...) {
		if automaticLocalPart(localPart(a)) {
			return ReasonAutomaticSender
		}
	}
	// RFC 5230 §4.5 (and RFC 3834 §2 for personal responders): answer only
	// mail that names us in To, Cc, Bcc or Resent-To/Cc/Bcc. Delivered-To
	// is deliberately not used: Bcc'd bulk mail must not be answered.
	if len(own) > 0 && !addressedTo(m, own) && !excepted(m, p.Exceptions) {
		return ReasonNotAddressedToUs
	}
	return ""
}

// hasLoopMarker reports our loop-marker field with our value (or any value
// when want is ""). Several herald instances may have stamped a message, so
// every occurrence and comma-separated value is looked at.
func hasLoopMarker(h message.Header, name, want string) bool {
	for _, v := range h.Values(name) {
		if want == "" {
			return true
		}
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), want) {
				return true
			}
		}
	}
	return false
}

// autoResponseSuppressed reads Microsoft's X-Auto-Response-Suppress
// ([MS-OXCMAIL] §2.2.3.2.20): a comma-separated list of None, All, DR, NDR,
// RN, NRN, OOF, AutoReply. All, OOF and AutoReply ask for no auto-reply.
func autoResponseSuppressed(h message.Header) bool {
	for _, v := range h.Values("X-Auto-Response-Suppress") {
		for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == ';' }) {
			switch strings.ToLower(tok) {
			case "all", "oof", "autoreply":
				return true
			}
		}
	}
	return false
}

// automaticLocalPart recognises the senders RFC 5230 §4.5 and RFC 3834 §2
// name as not to be answered — MAILER-DAEMON, LISTSERV, majordomo, owner-*,
// *-request — plus noreply/no-reply and Mailman's *-bounces. A "+detail"
// (VERP, e.g. list-bounces+user=example.org@) is ignored.
func automaticLocalPart(lp string) bool {
	if i := strings.IndexByte(lp, '+'); i > 0 {
		lp = lp[:i]
	}
	switch lp {
	case "mailer-daemon", "listserv", "majordomo":
		return true
	}
	for _, p := range []string{"noreply", "no-reply", "no_reply"} {
		if strings.HasPrefix(lp, p) || strings.HasSuffix(lp, p) {
			return true
		}
	}
	return strings.HasPrefix(lp, "owner-") || strings.HasSuffix(lp, "-request") || strings.HasSuffix(lp, "-bounces")
}

// addressedTo reports whether one of own is among the RFC 5230 §4.5 recipients.
func addressedTo(m *message.Message, own map[string]bool) bool {
	for _, a := range m.Recipients() {
		if own[a.Address] {
			return true
		}
	}
	return false
}

// excepted reports a sender (From, else Return-Path) matching an exception.
func excepted(m *message.Message, patterns []*regexp.Regexp) bool {
	for _, a := range append(addrs(m.From), m.ReturnPath) {
		if a == "" {
			continue
		}
		for _, re := range patterns {
			if re != nil && re.MatchString(a) {
				return true
			}
		}
	}
	return false
}

// ReplyAddress returns where an automatic reply to m goes, or "" when none
// may be sent. RFC 3834 §4: to the Return-Path (the envelope sender, which
// is where problems with the message are meant to go), else From. Reply-To
// is deliberately not used: it is meant for human replies and often names a
// list or a shared address that would then receive our robot's mail. A
// present but null Return-Path ("<>") means "do not answer" (§2).
func ReplyAddress(m *message.Message) string {
	if m.HasReturnPath {
		return m.ReturnPath
	}
	return m.FromAddress()
}

func ownSet(list []string) map[string]bool {
	s := map[string]bool{}
	for _, a := range list {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			s[a] = true
		}
	}
	return s
}

func addrs(lists ...[]message.Address) []string {
	var out []string
	for _, l := range lists {
		for _, a := range l {
			out = append(out, a.Address)
		}
	}
	return out
}

// localPart returns the lowercased part of an address before the last "@".
func localPart(a string) string {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		return strings.ToLower(a[:i])
	}
	return strings.ToLower(a)
}

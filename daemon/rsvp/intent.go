package rsvp

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/textmatch"
)

// The intents a reply can carry (docs/BEHAVIOUR.md §6.3).
const (
	Accepted = "accepted"
	Declined = "declined"
	Maybe    = "maybe"
)

// maxWords is the longest reply, greetings and signature aside, taken as
// a clear answer: a longer one says something else a human should read.
const maxWords = 60

// Result is what a text reply to an invitation says.
type Result struct {
	// Intent is "accepted", "declined" or "maybe" when the reply reads as
	// one of them, "" when it reads as none or as several. With Clear
	// false it is a suggestion for the human, never to be acted on.
	Intent string
	// Lang is "en", "fr" or "es" when known, for the confirmation template.
	Lang string
	// Evidence quotes the sentences that decided, and what made the
	// answer unclear, for the human reading the rsvp-unclear enquiry. It
	// quotes the message: keep it out of logs (STYLE §9).
	Evidence string
	// Clear reports an answer safe to act on automatically; otherwise
	// the caller opens an rsvp-unclear enquiry (docs/BEHAVIOUR.md §6.3).
	Clear bool
}

// match is one phrase found in one sentence; start and end index the
// sentence's matched form.
type match struct {
	cat        category
	lang       string
	sent       int
	start, end int
}

// signal is one piece of evidence that survived: a phrase, a short reply
// or the subject.
type signal struct {
	intent string
	lang   string
	sent   int // -1 for the subject and short replies
	weak   bool
	// negated marks an acceptance with a negation just before it.
	negated bool
	quote   string
}

// Intent reads the intent of a reply from its text (pass ReplyText's
// result; quoted lines, attributions and Outlook header blocks it left in
// are stripped, and so are the banner, signature, disclaimer, office-hours
// notice and mobile footer around the answer, see stripTrailer) and its
// subject, whose Outlook-style "Accepted:",
// "Refusé :", "Aceptado:" prefix counts as evidence. English, French and
// Spanish are read; accents are optional.
//
// Negations beat the verbs they contain ("I will not be able to attend"
// is declined, not accepted). Conflicting answers give Intent "" and Clear
// false; a question, a condition ("if"), a contrast after an acceptance
// ("yes but"), partial or online attendance, a substitute or companion,
// a negated acceptance ("don't count on me" reads declined), another
// request, or a reply over 60 words keep the Intent but set Clear false.
func Intent(reply, subject string) Result {
	text := stripTrailer(cleanReply(reply))
	sents, sigs, nWords := collect(text, subject)
	return decide(text, sents, sigs, nWords)
}

// collect finds the signals in text, which is already clean, and subject.
func collect(text, subject string) ([]sentence, []signal, int) {
	sents := splitSentences(text)

	var sigs []signal
	activeHedge := map[int]bool{}
	var hedges []match
	for i, s := range sents {
		form := matchForm(s.norm)
		ms := resolve(findMatches(i, form))
		hasMaybe := false
		for _, m := range ms {
			if m.cat == catMaybe || m.cat == catHedge {
				hasMaybe = true
			}
		}
		for _, m := range ms {
			switch {
			case m.cat == catIgnore:
			case m.cat == catHedge:
				hedges = append(hedges, m)
			case hasMaybe && (m.cat == catAccept || m.cat == catWeak):
				// "not sure I can attend": the hedge qualifies the acceptance.
				activeHedge[i] = true
			case (m.cat == catAccept || m.cat == catWeak) && negatedAt(form, m.start):
				// "I never said I will attend": read as a refusal, for a human.
				sigs = append(sigs, signal{intent: Declined, lang: m.lang, sent: i, negated: true, quote: s.orig})
			default:
				sigs = append(sigs, signal{intent: m.cat.intent(), lang: m.lang, sent: i, weak: m.cat == catWeak, quote: s.orig})
			}
		}
	}

	body, nWords := answerText(text)
	short := nWords <= 8
	for _, h := range hedges {
		if activeHedge[h.sent] || short {
			sigs = append(sigs, signal{intent: Maybe, lang: h.lang, sent: h.sent, quote: sents[h.sent].orig})
		}
	}
	if in := shortAnswer(body); in != "" {
		sigs = append(sigs, signal{intent: in, lang: shortLang[strings.Fields(body)[0]], sent: -1, quote: strings.TrimSpace(text)})
	}
	if in, lang := subjectIntent(subject); in != "" {
		sigs = append(sigs, signal{intent: in, lang: lang, sent: -1, quote: "subject " + subject})
	}
	return sents, dropWeakAgainstDecline(sigs), nWords
}

// matchForm strips the greetings and thanks a sentence starts with, so
// that "Hello, no thanks" and "Merci, je serai présent" start with the
// answer and anchored phrases see it.
func matchForm(n string) string {
	for range 4 {
		loc := leadingFiller().FindStringIndex(n)
		if loc == nil || loc[1] == 0 {
			break
		}
		n = n[loc[1]:]
	}
	return n
}

func findMatches(sent int, n string) []match {
	var ms []match
	if n == "" {
		return nil
	}
	for _, p := range phrases {
		for _, loc := range p.re().FindAllStringIndex(n, -1) {
			ms = append(ms, match{cat: p.cat, lang: p.lang, sent: sent, start: loc[0], end: loc[1]})
		}
	}
	return ms
}

// negatedAt reports a negation among the three words before position
// start of the normalized sentence n; a comma ends its reach ("No, I'll
// be there" answers a question).
func negatedAt(n string, start int) bool {
	before := strings.Fields(n[:start])
	for k := 0; k < 3 && k < len(before); k++ {
		w := before[len(before)-1-k]
		if w == "," {
			return false
		}
		if negation[w] && !(k > 0 && notNegating[before[len(before)-k]]) {
			return true
		}
	}
	return false
}

// resolve drops the matches that overlap a stronger one: a decline or a
// maybe beats the acceptance it contains ("cannot accept your
// invitation", "may not be able to attend"); otherwise the longer match
// wins ("would be happy to attend" is weak, not "happy to attend").
func resolve(ms []match) []match {
	var out []match
	for i, a := range ms {
		lost := false
		for j, b := range ms {
			if i != j && a.start < b.end && b.start < a.end && beats(b, a, j < i) {
				lost = true
				break
			}
		}
		if !lost {
			out = append(out, a)
		}
	}
	return out
}

// beats reports whether b removes the overlapping a; bFirst breaks exact
// ties between equal matches.
func beats(b, a match, bFirst bool) bool {
	gb, ga := group(b.cat), group(a.cat)
	if gb != ga {
		return gb > ga
	}
	lb, la := b.end-b.start, a.end-a.start
	if lb != la {
		return lb > la
	}
	if rank(b.cat) != rank(a.cat) {
		return rank(b.cat) > rank(a.cat)
	}
	return bFirst
}

func group(c category) int {
	if c == catIgnore {
		return 2
	}
	if c == catDecline || c == catMaybe || c == catHedge {
		return 1
	}
	return 0
}

func rank(c category) int {
	switch c {
	case catMaybe, catAccept:
		return 3
	case catDecline, catWeak:
		return 2
	}
	return 1
}

// dropWeakAgainstDecline removes weak acceptances when the reply also
// declines: "I would love to come but I cannot" is a refusal.
func dropWeakAgainstDecline(sigs []signal) []signal {
	declined := false
	for _, s := range sigs {
		declined = declined || s.intent == Declined
	}
	if !declined {
		return sigs
	}
	var out []signal
	for _, s := range sigs {
		if !s.weak {
			out = append(out, s)
		}
	}
	return out
}

// answerText returns the normalized reply without greetings, thanks and
// signature lines, and its word count.
func answerText(text string) (string, int) {
	lines := dropSignature(strings.Split(text, "\n"))
	n := normalize(strings.Join(lines, "\n"))
	n = filler().ReplaceAllString(n, " ")
	var toks []string
	for _, f := range strings.Fields(n) {
		if f != "," {
			toks = append(toks, f)
		}
	}
	return strings.Join(toks, " "), len(toks)
}

// shortAnswer reads a reply that is essentially "Yes", "Non", "Sí",
// "Maybe": body is answerText's output.
func shortAnswer(body string) string {
	switch {
	case body == "":
		return ""
	case shortYes().MatchString(body):
		return Accepted
	case shortNo().MatchString(body):
		return Declined
	case shortMaybe().MatchString(body):
		return Maybe
	}
	return ""
}

var nameConnector = map[string]bool{"of": true, "de": true, "la": true, "le": true, "du": true, "des": true, "del": true, "y": true, "et": true, "and": true, "the": true, "for": true, "à": true, "a": true, "van": true, "von": true}

// maxSignatureLines is the most lines dropSignature removes (blank lines
// at the end aside); IsUnsubscribe's pre-screen relies on it.
const maxSignatureLines = 4

// dropSignature removes the name and title lines a reply ends with
// ("John Smith", "Mayor of Mechelen"): up to maxSignatureLines lines of
// capitalised words, never the whole reply, never a line that is itself an
// answer.
func dropSignature(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for k := 0; k < maxSignatureLines && len(lines) > 1; k++ {
		if !looksLikeName(lines[len(lines)-1]) {
			break
		}
		lines = lines[:len(lines)-1]
	}
	return lines
}

func looksLikeName(line string) bool {
	fs := strings.Fields(strings.TrimSpace(line))
	if len(fs) == 0 || len(fs) > 5 {
		return false
	}
	n := normalize(line)
	if shortAnswer(n) != "" || len(findMatches(0, n)) > 0 {
		return false
	}
	for _, f := range fs {
		if nameConnector[strings.ToLower(f)] {
			continue
		}
		r := []rune(f)
		if !unicode.IsUpper(r[0]) {
			return false
		}
		for _, c := range r {
			if !unicode.IsLetter(c) && !strings.ContainsRune(".-'’,", c) {
				return false
			}
		}
	}
	return true
}

// decide turns the signals into a Result, conservatively.
func decide(text string, sents []sentence, sigs []signal, nWords int) Result {
	byIntent := map[string][]signal{}
	for _, s := range sigs {
		byIntent[s.intent] = append(byIntent[s.intent], s)
	}
	var r Result
	switch len(byIntent) {
	case 0:
		r.Lang = message.DetectLanguage(text)
		r.Evidence = "no answer found"
		if text == "" {
			r.Evidence = "no new text"
		}
		return r
	case 1:
		for in := range byIntent {
			r.Intent = in
		}
	default:
		r.Lang = message.DetectLanguage(text)
		r.Evidence = "conflicting answers: " + quoteSignals(sigs)
		return r
	}
	chosen := byIntent[r.Intent]
	r.Lang = signalLang(chosen, text)
	reasons := caveats(r.Intent, sents, chosen, nWords)
	r.Clear = len(reasons) == 0
	r.Evidence = quoteSignals(chosen)
	if !r.Clear {
		r.Evidence += "; unclear: " + strings.Join(reasons, "; ")
	}
	return r
}

// caveats lists what keeps a single answer from being acted on.
func caveats(intent string, sents []sentence, chosen []signal, nWords int) []string {
	var out []string
	add := func(what, quote string) { out = append(out, fmt.Sprintf("%s %q", what, clip(quote))) }
	withSignal := map[int]bool{}
	strong := false
	for _, s := range chosen {
		withSignal[s.sent] = true
		strong = strong || !s.weak
		if s.negated {
			add("negated acceptance", s.quote)
		}
	}
	if !strong {
		out = append(out, "only a polite or conditional acceptance")
	}
	for i, s := range sents {
		body := filler().ReplaceAllString(s.norm, " ")
		switch {
		case strings.ContainsAny(s.orig, "?¿") && !(withSignal[i] && recordRequest().MatchString(s.norm)):
			add("question", s.orig)
		case substitution().MatchString(body):
			add("someone else or a companion", s.orig)
		case otherRequest().MatchString(body) || unsubCore().MatchString(body):
			add("another request", s.orig)
		case withSignal[i] && partial().MatchString(body):
			add("partial attendance", s.orig)
		case intent == Accepted && contrast().MatchString(body):
			add("reservation", s.orig)
		case intent == Accepted && withSignal[i] && hasCondition(body):
			add("condition", s.orig)
		}
	}
	if nWords > maxWords {
		out = append(out, fmt.Sprintf("long reply (%d words)", nWords))
	}
	return out
}

// hasCondition reports "if", "provided", "ne … que" and the French and
// Spanish "si" + verb, but not "Si, asistiré" typed without the accent.
func hasCondition(n string) bool {
	if condition().MatchString(n) {
		return true
	}
	for _, m := range conditionalSi().FindAllStringSubmatch(n, -1) {
		if !siNotIf[m[1]] {
			return true
		}
	}
	return false
}

// signalLang is the one language the deciding phrases are in, else the
// language message.DetectLanguage finds.
func signalLang(sigs []signal, text string) string {
	langs := map[string]bool{}
	for _, s := range sigs {
		if s.lang != "" {
			langs[s.lang] = true
		}
	}
	if len(langs) == 1 {
		for l := range langs {
			return l
		}
	}
	return message.DetectLanguage(text)
}

func quoteSignals(sigs []signal) string {
	seen := map[string]bool{}
	var parts []string
	for _, s := range sigs {
		q := fmt.Sprintf("%s %q", s.intent, clip(s.quote))
		if !seen[q] {
			seen[q] = true
			parts = append(parts, q)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// clip shortens a quote for Evidence.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		return string(r[:100]) + "…"
	}
	return s
}

// Outlook, Google Calendar and Apple Calendar put the answer in front of
// the event title: "Accepted: …", "Refusé : …", "Provisional: …".
var subjectMarkers = []struct {
	intent, lang string
	re           func() *regexp.Regexp
}{
	{Maybe, "en", textmatch.Lazy(`^(?:tentative|tentatively accepted|accepted tentatively|invitation tentatively accepted|maybe)\s*:`)},
	{Maybe, "fr", textmatch.Lazy(`^(?:provisoire|accepte(?:e)? provisoirement|invitation acceptee provisoirement|peut etre)\s*:`)},
	{Maybe, "es", textmatch.Lazy(`^(?:provisional|aceptad[oa] provisionalmente|aceptad[oa] como provisional|invitacion aceptada provisionalmente|quizas)\s*:`)},
	{Accepted, "en", textmatch.Lazy(`^(?:accepted|invitation accepted)\s*:`)},
	{Accepted, "fr", textmatch.Lazy(`^(?:acceptee?|invitation acceptee)\s*:`)},
	{Accepted, "es", textmatch.Lazy(`^(?:aceptad[oa]|invitacion aceptada)\s*:`)},
	{Declined, "en", textmatch.Lazy(`^(?:declined|invitation declined)\s*:`)},
	{Declined, "fr", textmatch.Lazy(`^(?:refusee?|declinee?|invitation refusee|invitation declinee)\s*:`)},
	{Declined, "es", textmatch.Lazy(`^(?:rechazad[oa]|declinad[oa]|invitacion rechazada)\s*:`)},
}

var subjectTags = textmatch.Lazy(`^(?:\s*\[[^\]]{0,40}\])+\s*`)

// subjectIntent reads a calendar answer prefix from the subject. Only a
// prefix counts: "Re: Declined: …" is someone answering a refusal.
func subjectIntent(subject string) (string, string) {
	s := strings.ToLower(strings.TrimSpace(subject))
	s = subjectTags().ReplaceAllString(s, "")
	s = foldAccents(s)
	for _, m := range subjectMarkers {
		if m.re().MatchString(s) {
			return m.intent, m.lang
		}
	}
	return "", ""
}

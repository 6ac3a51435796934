package rsvp

import (
	"fmt"
	"regexp/syntax"
	"strings"
	"sync"
)

// unsubVocabulary is every word an essentially-"unsubscribe" text can be
// made of: unsubAllowed, and the words of every phrase unsubCore and
// filler can match. A normalized text with any other word cannot be such a
// request (see essentiallyUnsubscribe), which settles almost every
// enquiry with map lookups instead of the large alternations.
var unsubVocabulary = sync.OnceValue(func() map[string]bool {
	v := map[string]bool{}
	for w := range unsubAllowed {
		v[w] = true
	}
	for _, re := range []string{unsubCore().String(), filler().String()} {
		for w := range languageWords(re) {
			v[w] = true
		}
	}
	return v
})

// onlyUnsubWords reports whether every word of the normalized text n (each
// maximal run of ASCII letters, digits and "_", what the patterns' \b
// sees as a word) is in unsubVocabulary.
func onlyUnsubWords(n string) bool {
	vocab := unsubVocabulary()
	start := -1
	for i := 0; i <= len(n); i++ {
		if i < len(n) && isWordByte(n[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if !vocab[n[start:i]] {
				return false
			}
			start = -1
		}
	}
	return true
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// languageWords returns the words (as onlyUnsubWords cuts them) of every
// string the regular expression expr matches. expr must match finitely
// many strings, case-sensitively: the phrase tables do, and a change that
// breaks this panics at the first use (and in the tests).
func languageWords(expr string) map[string]bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err)
	}
	words := map[string]bool{}
	for _, s := range language(re.Simplify()) {
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r > 0x7f || !isWordByte(byte(r)) }) {
			words[w] = true
		}
	}
	return words
}

// maxLanguage bounds language's work on a pattern that is finite but huge.
const maxLanguage = 1 << 20

// language enumerates the strings re matches.
func language(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			panic(fmt.Sprintf("rsvp: %v is case-insensitive; the phrase tables match normalized (lowercase) text", re))
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) > 256 {
					panic(fmt.Sprintf("rsvp: class %v is too large to enumerate", re))
				}
				out = append(out, string(r))
			}
		}
		return out
	case syntax.OpCapture:
		return language(re.Sub[0])
	case syntax.OpQuest:
		return append([]string{""}, language(re.Sub[0])...)
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			out = append(out, language(sub)...)
		}
		return out
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			next := language(sub)
			if len(out)*len(next) > maxLanguage {
				panic(fmt.Sprintf("rsvp: %v matches too many strings to enumerate", re))
			}
			cross := make([]string, 0, len(out)*len(next))
			for _, a := range out {
				for _, b := range next {
					cross = append(cross, a+b)
				}
			}
			out = cross
		}
		return out
	}
	panic(fmt.Sprintf("rsvp: %v (op %v) matches infinitely many strings", re, re.Op))
}

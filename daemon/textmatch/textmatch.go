// Package textmatch makes case-insensitive regular expressions over whole
// mail bodies cheap when, as is usual, they do not match: a Regexp is
// first screened by substrings that every match must contain (what RE2
// calls a prefilter), looked for with strings.Contains in a case-folded
// copy of the text, and run only when one of them is there.
//
// Go's regexp has no such screen for (?i) patterns or alternations: each
// of the classifier's "known bounce text" patterns walked every byte of
// every body, the costliest step of triaging a message.
package textmatch

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Regexp is a regexp.Regexp with its screen.
type Regexp struct {
	re *regexp.Regexp
	// anchors are folded substrings of which every match holds at least
	// one; nil means no screen (the pattern has a branch without any).
	anchors []string
}

// MustCompile compiles expr like regexp.MustCompile and derives its screen.
func MustCompile(expr string) *Regexp {
	re := regexp.MustCompile(expr)
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err) // regexp.MustCompile accepted it
	}
	anchors, ok := required(tree.Simplify())
	if !ok {
		anchors = nil
	}
	for i, a := range anchors {
		anchors[i] = Fold(a)
	}
	return &Regexp{re: re, anchors: anchors}
}

// screened reports whether the screen lets the text through; folded is
// Fold of it. When false, MatchString is false too.
func (r *Regexp) screened(folded string) bool {
	if r.anchors == nil {
		return true
	}
	for _, a := range r.anchors {
		if strings.Contains(folded, a) {
			return true
		}
	}
	return false
}

// Match reports whether s matches; folded must be Fold(s).
func (r *Regexp) Match(s, folded string) bool {
	return r.screened(folded) && r.re.MatchString(s)
}

// MatchString folds s and reports whether it matches. Callers that test
// one text against several expressions fold it once and call Match.
func (r *Regexp) MatchString(s string) bool { return r.Match(s, Fold(s)) }

// Fold maps every character of s to one representative of its Unicode
// simple case-folding orbit (the orbit's smallest member, so "K", "k" and
// the Kelvin sign all become "K"; "ſ", "s" and "S" become "S"). Two
// strings equal under (?i) fold to the same string, which strings.ToLower
// does not guarantee.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s) // the orbit minimum of an ASCII letter is its capital
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune is the smallest rune of r's simple folding orbit.
func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// required returns literals of which every match of re holds at least
// one, or false when there is no such set (a branch could match without
// any literal, or only with a single character, too common to screen).
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) < 2 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false
		}
		return required(re.Sub[0])
	case syntax.OpConcat:
		// Any one child's set will do: take the one whose shortest
		// literal is longest, the most selective.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			set, ok := required(sub)
			if !ok {
				continue
			}
			if n := shortest(set); n > bestLen {
				best, bestLen = set, n
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			set, ok := required(sub)
			if !ok {
				return nil, false
			}
			all = append(all, set...)
		}
		return all, true
	}
	return nil, false
}

func shortest(set []string) int {
	n := -1
	for _, s := range set {
		if l := utf8.RuneCountInString(s); n < 0 || l < n {
			n = l
		}
	}
	return n
}

package textmatch

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// Anchored is a regexp anchored at the start of the text (^ without the m
// flag) with the set of bytes a match can begin with: a line that starts
// with any other byte is refused without running the regexp. The mail
// text scanners try several such patterns on every line of every body.
type Anchored struct {
	re    *regexp.Regexp
	first [256]bool
	any   bool // no screen: the pattern can match the empty string
}

// MustCompileAnchored compiles expr, which must be anchored at the start,
// and derives its first bytes.
func MustCompileAnchored(expr string) *Anchored {
	re := regexp.MustCompile(expr)
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		panic(err)
	}
	tree = tree.Simplify()
	prog, err := syntax.Compile(tree)
	if err != nil {
		panic(err)
	}
	if prog.StartCond()&syntax.EmptyBeginText == 0 {
		panic(fmt.Sprintf("textmatch: %q is not anchored at the start of the text", expr))
	}
	a := &Anchored{re: re}
	if nullable := firstBytes(tree, &a.first); nullable {
		a.any = true
	}
	return a
}

// MatchString reports whether s matches.
func (a *Anchored) MatchString(s string) bool {
	if !a.any && (s == "" || !a.first[s[0]]) {
		return false
	}
	return a.re.MatchString(s)
}

// firstBytes adds to set every byte a match of re can begin with, and
// reports whether re can match the empty string (then the caller must also
// look at what follows).
func firstBytes(re *syntax.Regexp, set *[256]bool) (nullable bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true
		}
		addRune(set, re.Rune[0], re.Flags&syntax.FoldCase != 0)
		return false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			addRange(set, re.Rune[i], re.Rune[i+1])
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		addRange(set, 0, unicode.MaxRune)
		return false
	case syntax.OpCapture:
		return firstBytes(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		firstBytes(re.Sub[0], set)
		return true
	case syntax.OpPlus:
		return firstBytes(re.Sub[0], set)
	case syntax.OpRepeat:
		n := firstBytes(re.Sub[0], set)
		return n || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !firstBytes(sub, set) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		nullable := false
		for _, sub := range re.Sub {
			if firstBytes(sub, set) {
				nullable = true
			}
		}
		return nullable
	}
	// Empty-width assertions and the empty match.
	return true
}

// addRune adds the first byte of r's UTF-8 form, and of every case
// variant of r when fold is set.
func addRune(set *[256]bool, r rune, fold bool) {
	var buf [utf8.UTFMax]byte
	add := func(r rune) {
		utf8.EncodeRune(buf[:], r)
		set[buf[0]] = true
	}
	add(r)
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			add(f)
		}
	}
}

// addRange adds the first bytes of the runes lo..hi.
func addRange(set *[256]bool, lo, hi rune) {
	for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
		set[r] = true
	}
	if hi >= utf8.RuneSelf {
		// Leading bytes of multi-byte forms (and of invalid UTF-8, which
		// the regexp reads as U+FFFD): any of them may start such a rune.
		for b := 0x80; b <= 0xff; b++ {
			set[b] = true
		}
	}
}

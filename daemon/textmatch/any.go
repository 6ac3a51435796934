package textmatch

// Any is a pattern of the form PREFIX(A|B|C…) run as the separate
// patterns PREFIX(A), PREFIX(B), …, each with its own screen. A single
// Regexp's screen is the union of its branches' words: one common word
// in one branch ("your", "address") lets the whole alternation run on
// nearly every text. Split, only the branches whose words are there run,
// each a small pattern. It matches exactly when the whole pattern does:
// an alternation matches when one of its branches does.
type Any struct {
	parts []*Regexp
}

// MustCompileAny compiles expr, split when it has the form
// PREFIX(A|B|…), PREFIX holding no group of its own but flags ((?i)) and
// the group reaching the end of expr; otherwise it is one part.
func MustCompileAny(expr string) *Any {
	prefix, branches := splitAlternation(expr)
	if branches == nil {
		return &Any{parts: []*Regexp{MustCompile(expr)}}
	}
	a := &Any{}
	for _, b := range branches {
		a.parts = append(a.parts, MustCompile(prefix+b+")"))
	}
	// The whole must compile too, so that a mistake in it is the same
	// panic as before it was split.
	MustCompile(expr)
	return a
}

// LazyScreenedAny is Once for MustCompileAny(expr).
func LazyScreenedAny(expr string) func() *Any {
	return Once(func() *Any { return MustCompileAny(expr) })
}

// Match reports whether s matches; folded must be Fold(s).
func (a *Any) Match(s, folded string) bool {
	for _, p := range a.parts {
		if p.Match(s, folded) {
			return true
		}
	}
	return false
}

// MatchString reports whether s matches.
func (a *Any) MatchString(s string) bool { return a.Match(s, Fold(s)) }

// splitAlternation cuts expr into the prefix up to and including its
// first capturing group's "(" and the top-level branches of that group,
// when the group closes at expr's end; nil branches otherwise. It reads
// the syntax as RE2 does: \ escapes the next character, [...] is a class
// (a ] first in it is literal), (? opens a non-capturing or flag group.
func splitAlternation(expr string) (prefix string, branches []string) {
	open := -1
	for i := 0; i < len(expr); i++ {
		switch expr[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(expr, i)
		case '(':
			if i+1 < len(expr) && expr[i+1] == '?' {
				// A flag group "(?i)" may come first; any other group
				// before the alternation: not this form.
				end := i + 2
				for end < len(expr) && expr[end] != ')' && expr[end] != ':' {
					end++
				}
				if end >= len(expr) || expr[end] != ')' {
					return "", nil
				}
				i = end
				continue
			}
			open = i
		case '|', ')':
			return "", nil
		}
		if open >= 0 {
			break
		}
	}
	if open < 0 {
		return "", nil
	}
	depth, start := 0, open+1
	for i := open + 1; i < len(expr); i++ {
		switch expr[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(expr, i)
		case '(':
			depth++
		case ')':
			if depth == 0 {
				if i != len(expr)-1 {
					return "", nil // the group does not reach the end
				}
				branches = append(branches, expr[start:i])
				return expr[:open+1], branches
			}
			depth--
		case '|':
			if depth == 0 {
				branches = append(branches, expr[start:i])
				start = i + 1
			}
		}
	}
	return "", nil
}

// classEnd returns the index of the "]" that closes the class opened at
// expr[i] ("[").
func classEnd(expr string, i int) int {
	j := i + 1
	if j < len(expr) && expr[j] == '^' {
		j++
	}
	if j < len(expr) && expr[j] == ']' {
		j++ // a ] first is literal
	}
	for ; j < len(expr); j++ {
		switch expr[j] {
		case '\\':
			j++
		case '[':
			if j+1 < len(expr) && expr[j+1] == ':' { // [:alpha:]
				if k := indexFrom(expr, j+2, ":]"); k >= 0 {
					j = k + 1
				}
			}
		case ']':
			return j
		}
	}
	return len(expr) - 1
}

func indexFrom(s string, from int, sub string) int {
	for k := from; k+len(sub) <= len(s); k++ {
		if s[k:k+len(sub)] == sub {
			return k
		}
	}
	return -1
}

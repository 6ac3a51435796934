package textmatch

import (
	"regexp"
	"slices"
	"testing"
)

func TestSplitAlternation(t *testing.T) {
	for _, tt := range []struct {
		expr, prefix string
		branches     []string
	}{
		{`(?i)(ab|cd|e[|)]f)`, `(?i)(`, []string{`ab`, `cd`, `e[|)]f`}},
		{`(?i)\b(this (is|was) it|that\)|x)`, `(?i)\b(`, []string{`this (is|was) it`, `that\)`, `x`}},
		{`(?i)(?m:^a)(b|c)`, "", nil},                      // a group before the alternation
		{`(?i)(a|b)+`, "", nil},                            // the group does not reach the end
		{`(?i)(a|b)c`, "", nil},                            // nor here
		{`a|(b|c)`, "", nil},                               // a top-level branch before it
		{`(?i)([]|]x|y)`, `(?i)(`, []string{`[]|]x`, `y`}}, // a ] first in a class is literal
		{`(?i)([[:alpha:]|]x|y)`, `(?i)(`, []string{`[[:alpha:]|]x`, `y`}},
	} {
		prefix, branches := splitAlternation(tt.expr)
		if prefix != tt.prefix || !slices.Equal(branches, tt.branches) {
			t.Errorf("splitAlternation(%q) = %q, %q; want %q, %q", tt.expr, prefix, branches, tt.prefix, tt.branches)
		}
	}
}

// TestAnyMatchesAsTheWhole: split or not, Any answers as the whole
// pattern does.
func TestAnyMatchesAsTheWhole(t *testing.T) {
	exprs := []string{
		`(?i)(` + `(?m:^\s*(message|mensaje) (autom[áa]tic[oa])\b)|\byour (enquiry|request)( reference| id)+ is\b|` +
			`\b(this|the) (mailbox|address) (is )?(no longer|not) (monitored|read)|\bdo not reply\b)`,
		`(?i)\b(ceci est une r[ée]ponse automatique|this is an? (automatic|automated) (reply|response)|この(メール|メッセージ)は自動(応答|返信))`,
		`(?i)remove|unsubscribe`, // not of the form: one part
	}
	texts := []string{
		"", "Hello", "Message automatique\nmerci", "hello\n  MENSAJE AUTOMÁTICO de la alcaldía", "Your enquiry reference is 42",
		"your request id id is", "This mailbox is no longer monitored.", "the address not read", "Please do not reply.",
		"Ceci est une réponse automatique", "THIS IS AN AUTOMATED RESPONSE", "このメールは自動返信です", "please remove me",
		"your enquiry is", "message automatico?", "This is a automatic reply",
	}
	for _, e := range exprs {
		whole, any := regexp.MustCompile(e), MustCompileAny(e)
		for _, s := range texts {
			if got, want := any.MatchString(s), whole.MatchString(s); got != want {
				t.Errorf("%q on %q: Any %v, whole %v", e, s, got, want)
			}
		}
	}
	if n := len(MustCompileAny(exprs[0]).parts); n != 4 {
		t.Errorf("first pattern split into %d parts, want 4", n)
	}
}

func FuzzAnyMatchesAsTheWhole(f *testing.F) {
	f.Add("Your enquiry reference is 42. This mailbox is no longer monitored.")
	f.Add("Ceci est une réponse automatique")
	e := `(?i)(` + `(?m:^\s*(message|mensaje) (autom[áa]tic[oa])\b)|\byour (enquiry|request)( reference| id)+ is\b|` +
		`\b(this|the) (mailbox|address) (is )?(no longer|not) (monitored|read)|\bdo not reply\b|[^.\n]{0,5} ya no es)`
	whole, any := regexp.MustCompile(e), MustCompileAny(e)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := any.MatchString(s), whole.MatchString(s); got != want {
			t.Errorf("on %q: Any %v, whole %v", s, got, want)
		}
	})
}

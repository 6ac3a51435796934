package textmatch

import (
	"slices"
	"strings"
	"testing"
)

// patterns are shaped like the classifier's: case-insensitive
// alternations of phrases, some with classes, optional parts and
// repetitions; the last two have branches without any literal.
var patterns = []string{
	`(?i)This message was created automatically by mail delivery software|A message that you sent could not be delivered to one or more of its|following address\(es\) failed`,
	`(?i)This is the mail system at host|I'm sorry to have to inform you that your message could not\s+be delivered`,
	`(?i)Delivery has failed to these recipients or groups|Your message to \S+ couldn'?t be delivered|La remise a échoué pour ces destinataires`,
	`(?i)\b(wrote|a [ée]crit|escribi[óo])\s*:\s*$|^\s*.{0,200}\bwrote on\b.{0,100}:\s*$`,
	`unsubscribe|opt(?:ing)? out|(?:se |me )?desabonn(?:er|ez|ement|e)`,
	`(?i)abc|x+`,
	`(?i)[a-z]{3}@`,
}

var texts = []string{
	"",
	"Hello, this is the MAIL SYSTEM at host mx.example.org.",
	"I'm sorry to have to inform you that your message could not\n   be delivered",
	"Your message to someone@example.org couldnt be delivered.",
	"LA REMISE A ÉCHOUÉ POUR CES DESTINATAIRES",
	"la remise a Échoué pour ces destinataires",
	"On Monday, Ana wrote :",
	"Le 3 mars, Luc a Écrit:",
	"nothing to see here",
	"please UNSUBSCRIBE me", // case-sensitive pattern: no match
	"opting out; me desabonnement",
	"the \u212Aelvin sign and the long \u017F: thi\u017F i\u017F the mail \u017Fy\u017Ftem at ho\u017Ft",
	"ABC", "xxx", "abd@",
}

// TestMatchAgreesWithRegexp is the package's contract: the screen never
// changes an answer, only skips work.
func TestMatchAgreesWithRegexp(t *testing.T) {
	for _, p := range patterns {
		r := MustCompile(p)
		for _, s := range texts {
			for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s), "prefix " + s + " suffix"} {
				if got, want := r.MatchString(v), r.re.MatchString(v); got != want {
					t.Errorf("pattern %q on %q: Match = %v, regexp = %v", p, v, got, want)
				}
			}
		}
	}
}

func TestScreens(t *testing.T) {
	cases := []struct {
		pattern string
		screen  bool // whether anchors were found
	}{
		{patterns[0], true},
		{patterns[2], true},
		{patterns[3], true},
		{patterns[5], false}, // x+ has no literal of two characters
		{patterns[6], false},
	}
	for _, c := range cases {
		r := MustCompile(c.pattern)
		if got := r.anchors != nil; got != c.screen {
			t.Errorf("%q: screened = %v (anchors %q), want %v", c.pattern, got, r.anchors, c.screen)
		}
	}
	r := MustCompile(patterns[1])
	want := []string{Fold("This is the mail system at host"), Fold("I'm sorry to have to inform you that your message could not")}
	if !slices.Equal(r.anchors, want) {
		t.Errorf("anchors = %q, want %q", r.anchors, want)
	}
	if r.screened(Fold("an ordinary enquiry about visas")) {
		t.Error("an ordinary text passed the screen")
	}
}

func TestFold(t *testing.T) {
	for _, c := range [][2]string{
		{"Kelvin \u212A k K", "KELVIN K K K"},
		{"long \u017F s S", "LONG S S S"},
		{"ÉCHOUÉ échoué", Fold("échoué échoué")},
	} {
		if got := Fold(c[0]); got != c[1] {
			t.Errorf("Fold(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}

func FuzzMatch(f *testing.F) {
	for i := range patterns {
		for _, s := range texts {
			f.Add(i, s)
		}
	}
	compiled := make([]*Regexp, len(patterns))
	for i, p := range patterns {
		compiled[i] = MustCompile(p)
	}
	f.Fuzz(func(t *testing.T, i int, s string) {
		if i < 0 {
			i = -i
		}
		r := compiled[i%len(compiled)]
		if got, want := r.MatchString(s), r.re.MatchString(s); got != want {
			t.Errorf("%q on %q: Match = %v, regexp = %v", r.re, s, got, want)
		}
	})
}

var anchoredPatterns = []string{
	`(?i)^(?:(-{2,}|_{2,})\s*(original message|message d'origine)\s*(-{2,}|_{2,})?\s*$|(begin forwarded message|d[ée]but du message r[ée]exp[ée]di[ée])\s?:\s*$)`,
	`(?i)^(sent from my \S+|envoy[ée] de mon \S+|get outlook for (ios|android))`,
	`(?i)^\*?(from|de|von)\s?:\*?\s*\S`,
	`(?i)^\s*\*?(from|de)\s?:.{1,200}\b(sent|envoy[ée])\s?:`,
	`^x*`,  // matches the empty string: no screen
	`^.ab`, // any first character
	`(?i)^(?:ſtop|Kelvin)`,
}

var anchoredTexts = []string{
	"", "-- Original Message --", "----- original message -----", "__ Message d'origine __",
	"Begin forwarded message:", "DÉBUT DU MESSAGE RÉEXPÉDIÉ :", "début du message réexpédié:",
	"Sent from my iPhone", "ENVOYÉ DE MON iPad", "Get Outlook for Android", "From: Ana", "*From:* Ana",
	"  de : Luc envoyé : lundi", "De: x Sent: y", "hello", "xyz", "zab", "Stop", "STOP", "\u212Aelvin", "kelvin",
	"\xff\xfe", "é", " From: x",
}

// TestAnchoredAgreesWithRegexp: the first-byte screen never changes an
// answer.
func TestAnchoredAgreesWithRegexp(t *testing.T) {
	for _, p := range anchoredPatterns {
		a := MustCompileAnchored(p)
		for _, s := range anchoredTexts {
			for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s)} {
				if got, want := a.MatchString(v), a.re.MatchString(v); got != want {
					t.Errorf("%q on %q: MatchString = %v, regexp = %v", p, v, got, want)
				}
			}
		}
	}
	if !MustCompileAnchored(`^x*`).any || !MustCompileAnchored(`^.ab`).first['z'] {
		t.Error("screens too narrow")
	}
	if a := MustCompileAnchored(anchoredPatterns[2]); a.first['h'] || !a.first['F'] || !a.first['v'] || !a.first['*'] {
		t.Errorf("first bytes of %q wrong", anchoredPatterns[2])
	}
}

func TestAnchoredRefusesUnanchored(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an unanchored pattern was accepted")
		}
	}()
	MustCompileAnchored(`(?i)from:|^sent`)
}

func FuzzAnchored(f *testing.F) {
	for i := range anchoredPatterns {
		for _, s := range anchoredTexts {
			f.Add(i, s)
		}
	}
	compiled := make([]*Anchored, len(anchoredPatterns))
	for i, p := range anchoredPatterns {
		compiled[i] = MustCompileAnchored(p)
	}
	f.Fuzz(func(t *testing.T, i int, s string) {
		if i < 0 {
			i = -i
		}
		a := compiled[i%len(compiled)]
		if got, want := a.MatchString(s), a.re.MatchString(s); got != want {
			t.Errorf("%q on %q: MatchString = %v, regexp = %v", a.re, s, got, want)
		}
	})
}

package rsvp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestReplyTextBounds: a bottom-posted answer is found below a quote, but
// not past maxBody, and a body cut inside a character stays valid UTF-8.
func TestReplyTextBounds(t *testing.T) {
	quote := "On Mon, X wrote:\n> Will you attend?\n"
	if got := ReplyText(quote + "Yes, I will attend."); got != "Yes, I will attend." {
		t.Errorf("ReplyText(bottom-posted) = %q, want the answer", got)
	}
	long := quote + strings.Repeat("> Will you attend?\n", maxBody/19+1) + "Yes, I will attend."
	if got := ReplyText(long); got != "" {
		t.Errorf("ReplyText(answer past maxBody) = %q, want \"\"", clip(got))
	}
	top := "a" + strings.Repeat("é", maxBody/2) // the cut falls inside a character
	got := ReplyText(top)
	if len(got) > maxBody || !utf8.ValidString(got) || !strings.HasPrefix(top, got) {
		t.Errorf("ReplyText(%d bytes) = %d bytes, valid UTF-8 %v; want a valid prefix of at most %d", len(top), len(got), utf8.ValidString(got), maxBody)
	}
}

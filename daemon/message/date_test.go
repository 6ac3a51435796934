package message

import (
	"net/mail"
	"testing"
	"time"
)

// TestParseDateAgreesWithNetMail: the fast path for the common form gives
// what net/mail gives, and the other forms still parse.
func TestParseDateAgreesWithNetMail(t *testing.T) {
	for _, s := range []string{
		"Mon, 2 Oct 2017 10:00:00 +0200",
		"Tue, 17 Oct 2017 09:05:59 -0000",
		"Fri, 01 Sep 2017 08:00:00 +0000",
		"Mon, 2 Oct 2017 10:00:00 +0200 (CEST)",
		"2 Oct 2017 10:00 +0200",
		"Mon, 2 Oct 2017 10:00:00 GMT",
	} {
		want, err := mail.ParseDate(s)
		if err != nil {
			t.Fatalf("net/mail refuses %q: %v", s, err)
		}
		if got := parseDate(s); !got.Equal(want) || got.Format(time.RFC3339) != want.Format(time.RFC3339) {
			t.Errorf("parseDate(%q) = %v, want %v", s, got, want)
		}
	}
	if got := parseDate("Wed, 32 Oct 2017 10:00:00 +0200"); !got.IsZero() {
		t.Errorf("an impossible date gave %v", got)
	}
}

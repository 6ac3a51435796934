package rsvp

import (
	"strings"
	"testing"
)

// BenchmarkIntentFixtures reads every fixture's reply text once per op.
func BenchmarkIntentFixtures(b *testing.B) {
	var texts, subjects []string
	for _, m := range fixtureMessages(nil) {
		texts = append(texts, ReplyText(m.Text))
		subjects = append(subjects, m.Subject)
	}
	b.ResetTimer()
	for range b.N {
		for i := range texts {
			Intent(texts[i], subjects[i])
		}
	}
}

// BenchmarkIntentLong is the worst case the fuzzer finds: maxText of
// sentences that match many phrases.
func BenchmarkIntentLong(b *testing.B) {
	text := strings.Repeat("I will not be able to attend the meeting but maybe. ", 320)
	for range b.N {
		Intent(text, "")
	}
}

// BenchmarkUnsubscribeEnquiry is the common case IsUnsubscribe sees: an
// enquiry, with a signature and a disclaimer, that is no such request.
func BenchmarkUnsubscribeEnquiry(b *testing.B) {
	text := ReplyText("Dear secretariat,\n\nCould you tell me where the venue is and whether there is parking nearby?\n\n" +
		"Best regards,\nJohn Smith\nDeputy Commissioner\nCity of X\nThis email and any attachments are confidential.")
	for range b.N {
		IsUnsubscribe("Question about the venue", text)
	}
}

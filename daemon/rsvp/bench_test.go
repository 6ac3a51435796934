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

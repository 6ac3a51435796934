package message

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestEachToken compares eachToken with the plain definition it
// streams: lowercase, then split on anything but letters and apostrophes.
func TestEachToken(t *testing.T) {
	for _, text := range []string{
		"", "Hello, World!", "J’ai reçu l'invitation — MERCI.", "¿Podría ASISTIR? ¡Sí!",
		"don't 42x_y\tÑandú\nend'", "日本語 text", "'''", "a\u0301b",
	} {
		var got []string
		eachToken(text, func(tok string) { got = append(got, tok) })
		want := strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(text, "’", "'")), func(r rune) bool {
			return !unicode.IsLetter(r) && r != '\''
		})
		if !slices.Equal(got, want) {
			t.Errorf("eachToken(%q) = %q, want %q", text, got, want)
		}
	}
}

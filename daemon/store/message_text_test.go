package store

import (
	"testing"
	"unicode/utf8"
)

// TestCutText: a text is cut on a character boundary, never inside one.
func TestCutText(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
		cut  bool
	}{
		{"hello", 10, "hello", false},
		{"hello", 5, "hello", false},
		{"hello", 3, "hel", true},
		{"aé", 2, "a", true},   // é is 2 bytes: not split
		{"a😀b", 4, "a", true},  // a 4-byte emoji does not fit in 3
		{"a😀b", 5, "a😀", true}, // it fits in 4
		{"é", 0, "", true},
	} {
		got, cut := CutText(c.in, c.n)
		if got != c.want || cut != c.cut || !utf8.ValidString(got) {
			t.Errorf("CutText(%q, %d) = %q, %v; want %q, %v", c.in, c.n, got, cut, c.want, c.cut)
		}
	}
}

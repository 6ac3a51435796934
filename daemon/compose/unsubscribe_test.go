package compose

import (
	"math"
	"strings"
	"testing"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func TestUnsubscribeTokenRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		id   int64
	}{
		{"invitation", 42},
		{"reminder-2017", 1},
		{"participants", 0},
		{"", 7},
		{"délégations-amérique-latine", 123456789},
		{strings.Repeat("w", 200), math.MaxInt64},
		{"negative", -5},
	}
	for _, tt := range tests {
		tok := UnsubscribeToken(testSecret, tt.name, tt.id)
		if !validToken(tok) || strings.ContainsAny(tok, "=+/") {
			t.Errorf("UnsubscribeToken(%q, %d) = %q, not URL-safe", tt.name, tt.id, tok)
		}
		name, id, ok := ParseUnsubscribeToken(testSecret, tok)
		if !ok || name != tt.name || id != tt.id {
			t.Errorf("ParseUnsubscribeToken(%q) = %q, %d, %v; want %q, %d", tok, name, id, ok, tt.name, tt.id)
		}
	}
	if tok := UnsubscribeToken(testSecret, "invitation", 42); len(tok) > 40 {
		t.Errorf("token %q is %d characters, want a short one", tok, len(tok))
	}
}

func TestUnsubscribeTokenRejects(t *testing.T) {
	tok := UnsubscribeToken(testSecret, "invitation", 42)
	// Every single-character change is refused.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(tok) {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%64], alphabet[(strings.IndexByte(alphabet, tok[i])+33)%64]} {
			bad := tok[:i] + string(c) + tok[i+1:]
			if name, id, ok := ParseUnsubscribeToken(testSecret, bad); ok {
				t.Errorf("tampered token %q accepted as %q, %d", bad, name, id)
			}
		}
	}
	other := UnsubscribeToken(testSecret, "invitation", 43)
	rejects := map[string]string{
		"empty":         "",
		"truncated":     tok[:len(tok)-1],
		"shortened":     tok[:10],
		"padded":        tok + "=",
		"extended":      tok + "AA",
		"not base64":    "not a token!",
		"spliced":       other[:len(other)-22] + tok[len(tok)-22:],
		"std alphabet":  strings.NewReplacer("-", "+", "_", "/").Replace(tok + "-_"),
		"whitespace":    " " + tok,
		"just a mac":    tok[len(tok)-22:],
		"overlong":      strings.Repeat("A", 2000),
		"other version": UnsubscribeToken(testSecret, "x", 1)[:1] + "Q",
	}
	for what, s := range rejects {
		if _, _, ok := ParseUnsubscribeToken(testSecret, s); ok {
			t.Errorf("%s: ParseUnsubscribeToken(%q) accepted", what, s)
		}
	}
	if _, _, ok := ParseUnsubscribeToken([]byte("another secret"), tok); ok {
		t.Error("token accepted under another secret")
	}
	if _, _, ok := ParseUnsubscribeToken(nil, UnsubscribeToken(nil, "invitation", 42)); ok {
		t.Error("token accepted with an empty secret")
	}
}

// FuzzParseUnsubscribeToken: no input panics, and an accepted token is
// the one UnsubscribeToken makes for what it names (one spelling each).
func FuzzParseUnsubscribeToken(f *testing.F) {
	f.Add(UnsubscribeToken(testSecret, "invitation", 42))
	f.Add(UnsubscribeToken(testSecret, "", -1))
	f.Add("AQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		name, id, ok := ParseUnsubscribeToken(testSecret, tok)
		if ok && UnsubscribeToken(testSecret, name, id) != tok {
			t.Fatalf("ParseUnsubscribeToken(%q) = %q, %d: not the token made for them", tok, name, id)
		}
	})
}

package compose

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

func TestUnsubscribeTokenRoundTrip(t *testing.T) {
	tests := []UnsubscribeTarget{
		{"habitat", "mayors", 42},
		{"iom", "reminder-2017", 1},
		{"habitat", "participants", 0},
		{"", "", 7},
		{"onu-hábitat", "délégations-amérique-latine", 123456789},
		{strings.Repeat("a", 130), strings.Repeat("w", 200), math.MaxInt64},
		{"a", "negative", -5},
	}
	for _, tt := range tests {
		tok := UnsubscribeToken(testSecret, tt.Account, tt.List, tt.Contact)
		if !validToken(tok) || strings.ContainsAny(tok, "=+/") {
			t.Errorf("UnsubscribeToken(%+v) = %q, not URL-safe", tt, tok)
		}
		got, ok := ParseUnsubscribeToken(testSecret, tok)
		if !ok || got != tt {
			t.Errorf("ParseUnsubscribeToken(%q) = %+v, %v; want %+v", tok, got, ok, tt)
		}
	}
	if tok := UnsubscribeToken(testSecret, "habitat", "mayors", 42); len(tok) > 50 {
		t.Errorf("token %q is %d characters, want a short one", tok, len(tok))
	}
}

// tokenV1For makes a token as herald did before tokens named the account.
func tokenV1For(secret []byte, name string, id int64) string {
	payload := binary.AppendVarint([]byte{tokenV1}, id)
	payload = append(payload, name...)
	return tokenEncoding.EncodeToString(append(payload, tokenMAC(secret, payload)...))
}

// Links in mail sent before tokens named the account keep working: they
// name a list (or wave) and no account.
func TestUnsubscribeTokenVersion1(t *testing.T) {
	got, ok := ParseUnsubscribeToken(testSecret, tokenV1For(testSecret, "mayors", 42))
	if want := (UnsubscribeTarget{List: "mayors", Contact: 42}); !ok || got != want {
		t.Errorf("ParseUnsubscribeToken(v1) = %+v, %v; want %+v", got, ok, want)
	}
}

func TestUnsubscribeTokenRejects(t *testing.T) {
	tok := UnsubscribeToken(testSecret, "habitat", "invitation", 42)
	// Every single-character change is refused.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(tok) {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%64], alphabet[(strings.IndexByte(alphabet, tok[i])+33)%64]} {
			bad := tok[:i] + string(c) + tok[i+1:]
			if got, ok := ParseUnsubscribeToken(testSecret, bad); ok {
				t.Errorf("tampered token %q accepted as %+v", bad, got)
			}
		}
	}
	other := UnsubscribeToken(testSecret, "habitat", "invitation", 43)
	// A payload whose account length runs past its end, correctly signed.
	overrun := append(binary.AppendVarint([]byte{tokenV2}, 1), 9, 'a')
	rejects := map[string]string{
		"empty":           "",
		"truncated":       tok[:len(tok)-1],
		"shortened":       tok[:10],
		"padded":          tok + "=",
		"extended":        tok + "AA",
		"not base64":      "not a token!",
		"spliced":         other[:len(other)-22] + tok[len(tok)-22:],
		"std alphabet":    strings.NewReplacer("-", "+", "_", "/").Replace(tok + "-_"),
		"whitespace":      " " + tok,
		"just a mac":      tok[len(tok)-22:],
		"overlong":        strings.Repeat("A", 2000),
		"other version":   UnsubscribeToken(testSecret, "a", "x", 1)[:1] + "Q",
		"account overrun": tokenEncoding.EncodeToString(append(overrun, tokenMAC(testSecret, overrun)...)),
	}
	for what, s := range rejects {
		if _, ok := ParseUnsubscribeToken(testSecret, s); ok {
			t.Errorf("%s: ParseUnsubscribeToken(%q) accepted", what, s)
		}
	}
	if _, ok := ParseUnsubscribeToken([]byte("another secret"), tok); ok {
		t.Error("token accepted under another secret")
	}
	if _, ok := ParseUnsubscribeToken(nil, UnsubscribeToken(nil, "habitat", "invitation", 42)); ok {
		t.Error("token accepted with an empty secret")
	}
}

// FuzzParseUnsubscribeToken: no input panics, and an accepted token is
// the one UnsubscribeToken makes for what it names (one spelling each).
func FuzzParseUnsubscribeToken(f *testing.F) {
	f.Add(UnsubscribeToken(testSecret, "habitat", "invitation", 42))
	f.Add(UnsubscribeToken(testSecret, "", "", -1))
	f.Add(tokenV1For(testSecret, "invitation", 42))
	f.Add("AQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, tok string) {
		got, ok := ParseUnsubscribeToken(testSecret, tok)
		if !ok {
			return
		}
		again := UnsubscribeToken(testSecret, got.Account, got.List, got.Contact)
		if raw, _ := tokenEncoding.DecodeString(tok); raw[0] == tokenV1 {
			again = tokenV1For(testSecret, got.List, got.Contact)
		}
		if again != tok {
			t.Fatalf("ParseUnsubscribeToken(%q) = %+v: not the token made for it", tok, got)
		}
	})
}

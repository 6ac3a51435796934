package compose

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"
)

// Unsubscribe tokens name a contact and the wave or list it unsubscribes
// from, and carry their own proof: herald reads them back from the
// List-Unsubscribe mailto subject or the https link (RFC 8058, RFC 2369)
// without a table of issued tokens, and nobody can forge one for another
// contact without the secret.
//
// Layout, before URL-safe base64 without padding (RFC 4648 §5):
//
//	version (1 octet, 1) | varint(contactID) | waveOrList | HMAC-SHA256[:16]
//
// The MAC covers everything before it. 16 octets (128 bits) is ample for
// a MAC that an attacker can only test online, and keeps the token short
// enough for a mailto subject: about 40 characters for a usual wave name.
const (
	tokenVersion = 1
	tokenMACLen  = 16
)

// tokenEncoding is strict, so that each token has exactly one spelling.
var tokenEncoding = base64.RawURLEncoding.Strict()

// UnsubscribeToken returns the token that unsubscribes contactID from
// waveOrList. secret should be at least 32 random octets kept in the
// store; an empty secret gives a token ParseUnsubscribeToken refuses.
func UnsubscribeToken(secret []byte, waveOrList string, contactID int64) string {
	payload := make([]byte, 0, 1+binary.MaxVarintLen64+len(waveOrList)+tokenMACLen)
	payload = append(payload, tokenVersion)
	payload = binary.AppendVarint(payload, contactID)
	payload = append(payload, waveOrList...)
	return tokenEncoding.EncodeToString(append(payload, tokenMAC(secret, payload)...))
}

// ParseUnsubscribeToken checks token against secret and returns what it
// names. ok is false for a token that is malformed, was made with another
// secret or was altered; the MAC is compared in constant time.
func ParseUnsubscribeToken(secret []byte, token string) (waveOrList string, contactID int64, ok bool) {
	if len(secret) == 0 || len(token) > 1024 {
		return "", 0, false
	}
	raw, err := tokenEncoding.DecodeString(token)
	if err != nil || len(raw) < 2+tokenMACLen {
		return "", 0, false
	}
	payload, mac := raw[:len(raw)-tokenMACLen], raw[len(raw)-tokenMACLen:]
	if !hmac.Equal(mac, tokenMAC(secret, payload)) {
		return "", 0, false
	}
	if payload[0] != tokenVersion {
		return "", 0, false
	}
	id, n := binary.Varint(payload[1:])
	if n <= 0 {
		return "", 0, false
	}
	name := payload[1+n:]
	if !utf8.Valid(name) {
		return "", 0, false
	}
	return string(name), id, true
}

// tokenMAC is the truncated HMAC-SHA256 of payload.
func tokenMAC(secret, payload []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(payload)
	return m.Sum(nil)[:tokenMACLen]
}

// validToken reports whether s looks like a token: URL-safe base64
// only, so it can go into a mailto subject or a URL path unescaped.
func validToken(s string) bool {
	if s == "" || len(s) > 1024 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

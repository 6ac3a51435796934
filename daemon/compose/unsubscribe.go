package compose

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"
)

// Unsubscribe tokens name a contact, the account whose lists it leaves
// and the list the message was sent for, and carry their own proof:
// herald reads them back from the List-Unsubscribe mailto subject or the
// https link (RFC 8058, RFC 2369) without a table of issued tokens, and
// nobody can forge one for another contact without the secret.
//
// Layout, before URL-safe base64 without padding (RFC 4648 §5):
//
//	2 | varint(contactID) | uvarint(len(account)) | account | list | HMAC-SHA256[:16]
//
// Version 1, which herald made before tokens named the account, is still
// read (links in mail already sent keep working):
//
//	1 | varint(contactID) | waveOrList | HMAC-SHA256[:16]
//
// The MAC covers everything before it. 16 octets (128 bits) is ample for
// a MAC that an attacker can only test online, and keeps the token short
// enough for a mailto subject: about 50 characters for usual names.
const (
	tokenV1     = 1
	tokenV2     = 2
	tokenMACLen = 16
)

// tokenEncoding is strict, so that each token has exactly one spelling.
var tokenEncoding = base64.RawURLEncoding.Strict()

// UnsubscribeTarget is what an unsubscribe token names.
type UnsubscribeTarget struct {
	// Account is the account whose lists the contact leaves (docs/BEHAVIOUR.md
	// §6.2); "" in a version 1 token.
	Account string
	// List is the list the message was sent for (in a version 1 token,
	// the wave or list it named).
	List    string
	Contact int64
}

// UnsubscribeToken returns the token that unsubscribes contactID from the
// lists of account, for a message sent to list. secret should be at least
// 32 random octets kept in the store; an empty secret gives a token
// ParseUnsubscribeToken refuses.
func UnsubscribeToken(secret []byte, account, list string, contactID int64) string {
	payload := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(account)+len(list)+tokenMACLen)
	payload = append(payload, tokenV2)
	payload = binary.AppendVarint(payload, contactID)
	payload = binary.AppendUvarint(payload, uint64(len(account)))
	payload = append(payload, account...)
	payload = append(payload, list...)
	return tokenEncoding.EncodeToString(append(payload, tokenMAC(secret, payload)...))
}

// ParseUnsubscribeToken checks token against secret and returns what it
// names. ok is false for a token that is malformed, was made with another
// secret or was altered; the MAC is compared in constant time.
func ParseUnsubscribeToken(secret []byte, token string) (t UnsubscribeTarget, ok bool) {
	if len(secret) == 0 || len(token) > 1024 {
		return t, false
	}
	raw, err := tokenEncoding.DecodeString(token)
	if err != nil || len(raw) < 2+tokenMACLen {
		return t, false
	}
	payload, mac := raw[:len(raw)-tokenMACLen], raw[len(raw)-tokenMACLen:]
	if !hmac.Equal(mac, tokenMAC(secret, payload)) {
		return t, false
	}
	version := payload[0]
	if version != tokenV1 && version != tokenV2 {
		return t, false
	}
	id, n := binary.Varint(payload[1:])
	if n <= 0 {
		return t, false
	}
	rest := payload[1+n:]
	var account []byte
	if version == tokenV2 {
		l, n := binary.Uvarint(rest)
		if n <= 0 || l > uint64(len(rest)-n) {
			return t, false
		}
		account, rest = rest[n:n+int(l)], rest[n+int(l):]
	}
	if !utf8.Valid(account) || !utf8.Valid(rest) {
		return t, false
	}
	return UnsubscribeTarget{Account: string(account), List: string(rest), Contact: id}, true
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

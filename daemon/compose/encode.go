package compose

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Header lines are kept to 76 octets, as RFC 2047 §2 asks of lines with
// encoded words, well under RFC 5322's 998. go-message folds only at
// spaces and puts a 75-octet encoded word after "Subject: " whole, so
// text fields are folded here.
const lineMax = 76

// addText adds an unstructured field (Subject, a template's X- header):
// plain printable ASCII as it is, which go-message folds at spaces;
// anything else as RFC 2047 Q words folded to lineMax.
func (f *fields) addText(name, value string) {
	if plain(value) && !hasWordLongerThan(value, hardWord) {
		f.add(name, value)
		return
	}
	f.addRaw(name, name+": "+strings.Join(encodedWords(value, lineMax-len(name)-2), "\r\n "))
}

// addAddress adds an address field of one mailbox, "display <addr>",
// the display name encoded when it is not ASCII.
func (f *fields) addAddress(name, display, addr string) {
	if plain(display) {
		f.add(name, (&mail.Address{Name: display, Address: addr}).String())
		return
	}
	words := encodedWords(display, lineMax-len(name)-2)
	sep := " "
	if len(words[len(words)-1])+len(addr)+3 > lineMax-1 {
		sep = "\r\n "
	}
	f.addRaw(name, name+": "+strings.Join(words, "\r\n ")+sep+"<"+addr+">")
}

// hardWord is the longest run without whitespace a plain field value may
// hold: a header line may not pass 998 octets (RFC 5322 §2.1.1), and a
// longer word could only be folded by inserting a space into it, which
// changes the value. Such a value is written as encoded words, which
// split anywhere and decode to the value as it was (RFC 2047 §6.2).
const hardWord = 900

// hasWordLongerThan reports whether s has a run of more than n octets
// without a space or a tab.
func hasWordLongerThan(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			run = 0
			continue
		}
		if run++; run > n {
			return true
		}
	}
	return false
}

// plain reports whether s can be written as it is: printable ASCII that
// a reader would not take for an encoded word.
func plain(s string) bool {
	return isASCII(s) && !strings.Contains(s, "=?")
}

// encodedWords encodes s as "=?utf-8?q?...?=" words (RFC 2047 §4.2),
// the first at most first octets long and the others at most lineMax-1,
// so each fits its line after the field name or the folding space. A
// word never splits a UTF-8 character (RFC 2047 §5). Spaces are encoded
// as "_": whitespace between encoded words is dropped when decoding
// (RFC 2047 §6.2), so it must live inside them. Only letters, digits and
// "!*+-/" stay literal, which makes the words valid in a phrase too.
func encodedWords(s string, first int) []string {
	const open, close = "=?utf-8?q?", "?="
	limit := max(first, len(open)+len(close)+12) // room for one character
	var words []string
	w := append(make([]byte, 0, lineMax), open...)
	var buf [3 * utf8.UTFMax]byte
	for _, r := range s {
		enc := appendQRune(buf[:0], r)
		if len(w)+len(enc)+len(close) > limit && len(w) > len(open) {
			words = append(words, string(append(w, close...)))
			w = append(w[:0], open...)
			limit = lineMax - 1
		}
		w = append(w, enc...)
	}
	return append(words, string(append(w, close...)))
}

// appendQRune appends r in Q encoding to dst.
func appendQRune(dst []byte, r rune) []byte {
	switch {
	case r == ' ':
		return append(dst, '_')
	case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
		return append(dst, byte(r))
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, b := range buf[:n] {
		dst = append(dst, '=', upperHex[b>>4], upperHex[b&15])
	}
	return dst
}

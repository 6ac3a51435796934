package compose

// upperHex are the hexadecimal digits of quoted-printable and Q words.
const upperHex = "0123456789ABCDEF"

// appendQP appends s to dst in quoted-printable (RFC 2045 §6.7), as
// mime/quotedprintable's text mode writes it: "\n" and "\r\n" are line
// breaks (written CRLF), every other control byte, "=" and non-ASCII
// are =XX, a space or tab that ends a line is encoded so that no
// transport can strip it, and lines are broken softly ("=" CRLF) to stay
// within 76 octets. One pass over s into a buffer sized once: the
// wave messages' bodies were the biggest cost of building them through
// go-message's writers.
func appendQP(dst []byte, s string) []byte {
	const hex = upperHex
	const max = 76 // octets per line, the soft break's "=" included
	n := 0         // octets on the current line
	for i := 0; i < len(s); i++ {
		// Fast path: a run of bytes that stand for themselves, as much as
		// fits on the line. A space or tab is one of them when a byte
		// other than a line break follows it; the others go below.
		if j := i; qpLiteral(s, j) {
			end := min(len(s), i+max-1-n)
			for j < end && qpLiteral(s, j) {
				j++
			}
			if j > i {
				dst = append(dst, s[i:j]...)
				n += j - i
				i = j - 1
				continue
			}
		}
		c := s[i]
		if c == '\n' || c == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			if c == '\r' {
				i++
			}
			dst = append(dst, '\r', '\n')
			n = 0
			continue
		}
		literal := c >= '!' && c <= '~' && c != '='
		if c == ' ' || c == '\t' {
			// Literal unless it ends a line (or the text).
			end := i+1 == len(s) || s[i+1] == '\n' || s[i+1] == '\r' && i+2 < len(s) && s[i+2] == '\n'
			literal = !end
		}
		w := 1
		if !literal {
			w = 3
		}
		if n+w > max-1 {
			dst = append(dst, '=', '\r', '\n')
			n = 0
		}
		if literal {
			dst = append(dst, c)
		} else {
			dst = append(dst, '=', hex[c>>4], hex[c&15])
		}
		n += w
	}
	return dst
}

// qpLiteral reports whether s[j] is written as it is wherever it falls
// in a line: printable ASCII but "=", or a space or tab followed by a
// byte that is not a line break (CR or LF: a space before a lone CR is
// literal too, but the slow path decides that).
func qpLiteral(s string, j int) bool {
	c := s[j]
	if qpSafe[c] {
		return true
	}
	return (c == ' ' || c == '\t') && j+1 < len(s) && s[j+1] != '\n' && s[j+1] != '\r'
}

// qpSafe marks the bytes quoted-printable writes as they are anywhere in
// a line: printable ASCII but "=" (RFC 2045 §6.7 rule 2). Spaces and tabs
// depend on what follows them.
var qpSafe = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '='
	}
	return t
}()

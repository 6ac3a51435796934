package compose

import (
	"bytes"
	"io"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// TestAppendQP: what appendQP writes decodes to the text, with its line
// breaks as CRLF, in lines of at most 76 octets that end in no bare
// space or tab.
func TestAppendQP(t *testing.T) {
	long := strings.Repeat("Estimada señora López, ", 20)
	for _, s := range []string{
		"", "a", "plain text\n", "ends with space \n", "ends with tab\t", "trailing space ",
		"a=b\r\nc\rd\n", "\x00\x7f\xff", ".dot first\n.\n", long, long + "\n" + long + " \n",
		strings.Repeat("=", 200), strings.Repeat("x", 75) + " \n" + strings.Repeat("é", 40),
		strings.Repeat("y", 74) + "\t", "line one\r\n\r\nline three",
	} {
		out := appendQP(nil, s)
		got, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(out)))
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		if err != nil || string(got) != want {
			t.Errorf("appendQP(%q) = %q, decodes to %q, %v", s, out, got, err)
		}
		for _, line := range strings.Split(string(out), "\r\n") {
			if len(line) > 76 || strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t") || strings.ContainsAny(line, "\r\n") {
				t.Errorf("appendQP(%q): bad line %q", s, line)
			}
		}
	}
}

// appendQPRef is appendQP as it was before spaces joined its fast path:
// the output of wave messages must stay byte for byte the same.
func appendQPRef(dst []byte, s string) []byte {
	const hex = upperHex
	const max = 76 // octets per line, the soft break's "=" included
	n := 0         // octets on the current line
	for i := 0; i < len(s); i++ {
		// Fast path: a run of bytes that stand for themselves, as much as
		// fits on the line.
		if j := i; qpSafe[s[j]] {
			for j < len(s) && qpSafe[s[j]] && n+(j-i) < max-1 {
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

// TestAppendQPUnchanged compares appendQP with appendQPRef on random
// text made of the bytes that matter: spaces and tabs before line
// breaks, lone CRs, "=", UTF-8, long lines.
func TestAppendQPUnchanged(t *testing.T) {
	alpha := []string{"a", "b", ".", " ", "\t", "\n", "\r", "\r\n", "=", "é", "\x00", strings.Repeat("x", 40)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b strings.Builder
		for range r.IntN(60) {
			b.WriteString(alpha[r.IntN(len(alpha))])
		}
		s := b.String()
		if got, want := appendQP(nil, s), appendQPRef(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendQP(%q) =\n %q, was\n %q", s, got, want)
		}
	}
}

func FuzzAppendQP(f *testing.F) {
	f.Add("Estimada señora López:\n\nTenemos el placer de invitarla. \n")
	f.Add("a \r b\t\r\n c \r\r\n" + strings.Repeat("y ", 50))
	f.Fuzz(func(t *testing.T, s string) {
		out := appendQP(nil, s)
		if want := appendQPRef(nil, s); !bytes.Equal(out, want) {
			t.Fatalf("appendQP(%q) =\n %q, was\n %q", s, out, want)
		}
		got, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(out)))
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		if err != nil || string(got) != want {
			t.Fatalf("appendQP(%q) = %q, decodes to %q, %v", s, out, got, err)
		}
	})
}

// BenchmarkAppendQP encodes the text and HTML of a wave message of the
// waves benchmark's size:
//
//	go test ./daemon/compose -run '^$' -bench AppendQP -benchmem
func BenchmarkAppendQP(b *testing.B) {
	text := strings.Repeat("We have the honour to invite you to the Global Conference, to be held\n"+
		"at the Lamot Congress Centre, Mechelen, Belgium. Merci, Valérie Lefèvre.\n", 32)
	buf := make([]byte, 0, 2*len(text))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		buf = appendQP(buf[:0], text)
	}
}

package sandbox

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/emersion/go-message/textproto"
)

func TestStorable(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Subject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\nbody\r\n"},
		{"Subject: a\nTo: b\n\nbody\n", "Subject: a\r\nTo: b\r\n\r\nbody\r\n"},
		{"Subject: a\r\n folded\r\n\r\nbody", "Subject: a\r\n folded\r\n\r\nbody"},
		{"not a header\r\n\r\nbody\r\n", "\r\nnot a header\r\n\r\nbody\r\n"},
		{"Subject: a\r\nbroken line\r\nmore\r\n", "Subject: a\r\n\r\nbroken line\r\nmore\r\n"},
		{" leading fold\r\n", "\r\n leading fold\r\n"},
		{"Subject: only header", "Subject: only header\r\n\r\n"},
		{"Subject: only header\r\n", "Subject: only header\r\n\r\n"},
		{"", "\r\n"},
	}
	for _, c := range cases {
		if got := string(storable([]byte(c.in))); got != c.want {
			t.Errorf("storable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzStorable checks that whatever a client sends, the stored message has a
// header the IMAP library can read and keeps every byte of the input other
// than line breaks.
func FuzzStorable(f *testing.F) {
	for _, s := range []string{"Subject: a\r\n\r\nb", "x\ny", "A:\r\n b\r\n\r\n", ":\r\n", "\r\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		out := storable(raw)
		if _, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(out))); err != nil {
			t.Fatalf("storable(%q) = %q: header unreadable: %v", raw, out, err)
		}
		strip := func(b []byte) []byte {
			return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r"), nil), []byte("\n"), nil)
		}
		if !bytes.Equal(strip(out), strip(raw)) {
			t.Fatalf("storable(%q) = %q lost input", raw, out)
		}
	})
}

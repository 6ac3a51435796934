package compose

import (
	"bytes"
	"strings"
	"testing"

	"github.com/emersion/go-message/textproto"
)

// TestAppendHeaderAsGoMessage: the wave path's header writer writes what
// go-message writes for the same fields, folding included.
func TestAppendHeaderAsGoMessage(t *testing.T) {
	long := "Plain ASCII subject long enough that it has to be folded across more than one header line, twice over even"
	var f fields
	f.addAddress("From", "Point focal ONU-Hábitat", "decorte@un.org")
	f.addAddress("To", "O'Brien, Seán", "sean@example.ie")
	f.addAddress("Reply-To", "", "decorte@un.org")
	f.addText("Subject", long)
	f.addText("X-Note", "Invitación: Conferencia mundial sobre ciudades y migración, Malinas")
	f.add("x-lower-case", "value")
	f.add("X-Empty", "")
	f.add("X-Word", strings.Repeat("w", 120))
	f.add("X-Words", strings.Repeat("word ", 30)+strings.Repeat("x", 90))
	f.addRaw("Message-ID", "Message-ID: <a@b>")
	f.addRaw("MIME-Version", "MIME-Version: 1.0")
	h, err := f.header()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := textproto.WriteHeader(&want, h.Header); err != nil {
		t.Fatal(err)
	}
	got, err := f.appendHeader(nil)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("appendHeader() = %v\n%s\nwant (go-message)\n%s", err, got, want.Bytes())
	}
	f.add("X-Bad", "a\r\nBcc: x@y")
	if _, err := f.appendHeader(nil); err == nil {
		t.Error("appendHeader() took a value with a line break")
	}
}

// TestAppendFoldedLongName: a field name longer than a line does not
// crash the writer, and every line but the name's stays within 998.
func TestAppendFoldedLongName(t *testing.T) {
	name := "X-" + strings.Repeat("N", 100)
	out := string(appendFolded(nil, name, "short value and "+strings.Repeat("v", 1100)))
	if !strings.HasPrefix(out, name+": ") || !strings.HasSuffix(out, "\r\n") {
		t.Errorf("appendFolded() = %q", out)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")[1:] {
		if len(line) > 998 || line == "" || line[0] != ' ' && line[0] != '\t' {
			t.Errorf("bad continuation line %q", line)
		}
	}
}

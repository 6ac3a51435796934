package compose

import (
	"bytes"
	"io"
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

func FuzzAppendQP(f *testing.F) {
	f.Add("Estimada señora López:\n\nTenemos el placer de invitarla. \n")
	f.Fuzz(func(t *testing.T, s string) {
		out := appendQP(nil, s)
		got, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(out)))
		want := strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
		if err != nil || string(got) != want {
			t.Fatalf("appendQP(%q) = %q, decodes to %q, %v", s, out, got, err)
		}
	})
}

package message

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/herald-mail/herald/daemon/testmail"
)

// FuzzParse checks that no input makes Parse, NewText or DetectLanguage
// panic, and that decoded text is always valid UTF-8.
// Run with: go test -run ^$ -fuzz FuzzParse ./daemon/message/
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		if raw, err := os.ReadFile(name); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("From: a@b\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: multipart/mixed; boundary=x\n\n--x\n"))
	f.Add([]byte("Subject: =?utf-8?B?////?= =?x?q?=ZZ?=\nContent-Type: text/html\n\n<blockquote><pre><li><p></blockquote"))
	// The hostile messages of issue 11, the first two at the issue's
	// size, the last two scaled down (their size only costs time here).
	e := testmail.Envelope{From: "a@city.example", To: "decorte@un.org", MessageID: "seed@city.example", Subject: "seed"}
	f.Add(testmail.NestedQuotes(e, 340<<10))
	f.Add(testmail.ManyReferences(e, 40000))
	f.Add(testmail.DeepMultipart(e, 31, 64<<10))
	f.Add(testmail.Flat(e, 64<<10))
	f.Add([]byte("From: a@b\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\nno header\n--xy\n--x \t\r\nContent-Type: text/html\n\n<p>two</p>\n--x--"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			return
		}
		for _, s := range []string{m.Text, m.Subject, m.NewText()} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
		DetectLanguage(m.Text)
		HTMLToText(string(raw))
	})
}

package message

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
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

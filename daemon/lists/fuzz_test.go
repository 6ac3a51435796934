package lists

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/store"
)

// FuzzReader feeds arbitrary files to the CSV row parser: it must never
// panic, lines must move forward, and every accepted row must be one a
// store can key and a template can put in a header.
//
//	go test ./daemon/lists -fuzz FuzzReader -fuzztime 1m
func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		"email,name,language\nbart@mechelen.example,Bart Somers,en\n",
		"\ufeffemail;name;desk\nmaire@montreal.example;\"Valérie\nPlante\";Americas\n",
		"email,name\n\"a@x.example\",\"O\"\"Brien\"\n\"unterminated\n",
		"email\njürgen@bücher.example\nJÜRGEN@xn--bcher-kva.example\n\"a b\"@x.example\n",
		"email,language\na@x.example,pt_br\nb@x.example,zz-999\n",
		"name\nno email column\n",
		"sep=;\rCourriel;Nom\rmaire@montreal.example;Val\xe9rie\r",
		"\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00a\x00@\x00x\x00.\x00e\x00\n\x00",
		"Titre\n\nPr\xe9nom\tNom\tE-mail\nA\tB\ta@x.example\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := newReader(bytes.NewReader(data), readOptions{})
		if err != nil {
			return
		}
		last := 1
		for range 10000 {
			line, row, err := rd.next()
			var re *rowError
			switch {
			case errors.Is(err, io.EOF):
				return
			case errors.As(err, &re):
				if re.line < last || re.reason == "" {
					t.Fatalf("rejection at line %d after line %d: %q", re.line, last, re.reason)
				}
				last = re.line
				continue
			case err != nil:
				t.Fatalf("next() = %v", err)
			}
			if line < last {
				t.Fatalf("row at line %d after line %d", line, last)
			}
			last = line
			key, err := store.EmailKey(row.Email)
			if err != nil || key != row.Key {
				t.Fatalf("accepted %q: key %q, EmailKey = %q, %v", row.Email, row.Key, key, err)
			}
			if k2, err := store.EmailKey(key); err != nil || k2 != key {
				t.Fatalf("EmailKey(%q) = %q, %v; not idempotent", key, k2, err)
			}
			for _, v := range row.Known {
				if strings.ContainsAny(v, "\r\n") || v != strings.TrimSpace(v) {
					t.Fatalf("known column %q is not one trimmed line", v)
				}
			}
			if l := row.Known[store.ColLanguage]; l != "" {
				if n, err := normLanguage(l); err != nil || n != l {
					t.Fatalf("language %q not normalised: %q, %v", l, n, err)
				}
			}
		}
	})
}

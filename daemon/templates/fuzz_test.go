package templates

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseHeaderBlock checks that the header parser never panics and
// that what it accepts obeys the package's rules.
func FuzzParseHeaderBlock(f *testing.F) {
	for _, s := range []string{
		"Subject: s\n\nbody\n",
		"\ufeffSubject: s\r\nX-Tag: t\r\n\r\nb",
		"Subject: a\n  b\n\tc\n\n",
		"Dear sender,\n\n",
		" x\nSubject: s\n\n",
		"Subject:\n\n",
		"Subject: s\nSubject: t\nReply-To: x\n\n",
		"Subject: s",
		"r\xe9f\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		b, errs := parseHeaderBlock(src)
		for _, e := range errs {
			if e.Line < 1 || e.Msg == "" {
				t.Fatalf("bad error %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		if !utf8.Valid(src) || b.BodyLine < 2 {
			t.Fatalf("accepted invalid input: %+v", b)
		}
		text := strings.ReplaceAll(strings.TrimPrefix(string(src), "\ufeff"), "\r\n", "\n")
		if !strings.HasSuffix(text, b.Body) {
			t.Fatalf("body %q is not the end of the file", b.Body)
		}
		head := text[:len(text)-len(b.Body)]
		// (An empty body after a last blank line without "\n" has no line.)
		if got := strings.Count(head, "\n") + 1; b.Body != "" && got != b.BodyLine {
			t.Fatalf("BodyLine = %d, but the body starts on line %d", b.BodyLine, got)
		}
		subjects := 0
		for _, fl := range b.Fields {
			if fl.Name == "Subject" {
				subjects++
			} else if !strings.HasPrefix(fl.Name, "X-") || allowedHeader(fl.Name) != "" {
				t.Fatalf("accepted header %q", fl.Name)
			}
			if strings.TrimSpace(fl.Value) == "" || fl.Line < 1 || fl.Line >= b.BodyLine {
				t.Fatalf("bad field %+v", fl)
			}
		}
		if subjects != 1 {
			t.Fatalf("%d Subject headers accepted", subjects)
		}
	})
}

// FuzzSanitizeHeader checks that no rendered value can span two lines.
func FuzzSanitizeHeader(f *testing.F) {
	f.Add("Eve\r\nBcc: x@evil")
	f.Add("a\u2028b\x00c\t d")
	f.Fuzz(func(t *testing.T, s string) {
		got := sanitizeHeader(s)
		if strings.ContainsAny(got, "\r\n\x00\u2028\u2029\u0085") || strings.Contains(got, "  ") ||
			strings.TrimSpace(got) != got {
			t.Fatalf("sanitizeHeader(%q) = %q", s, got)
		}
	})
}

// FuzzRender renders the waves benchmark's template and the shipped
// invitation and reminder, in every language, for fuzzed contacts: each
// render must match one of tame values of the same shape (checkHostile),
// and the template prepared for the shared data must render the same
// bytes (checkPrepared).
func FuzzRender(f *testing.F) {
	var entries []*entry
	for _, dir := range templateDirs {
		s, err := Load(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range []string{"bench", "invitation", "reminder"} {
			for _, lang := range s.Languages(name) {
				entries = append(entries, s.entries[name][lang])
			}
		}
	}
	if len(entries) < 7 {
		f.Fatalf("%d entries", len(entries))
	}
	base := benchData(f)
	for i, h := range hostile {
		g := hostile[(i+3)%len(hostile)]
		f.Add(h, g, h, g, h, g, h, uint8(i))
	}
	f.Fuzz(func(t *testing.T, name, title, org, city, email, salutation, url string, mode uint8) {
		d := base
		c := &Contact{Email: email, Name: name, Title: title, Organisation: org, City: city, Country: salutation}
		switch mode % 4 {
		case 1:
			c.Fields = map[string]string{"salutation": salutation}
		case 2:
			c.Fields = map[string]string{"delegation": salutation, "salutation": ""}
		case 3:
			c = nil
		}
		d.Contact = c
		if mode&4 != 0 {
			d.UnsubscribeURL = url
		}
		if mode&8 != 0 {
			d.Event.Name, d.Event.URL, d.Account.FromName = org, url, title
		}
		if mode&16 != 0 {
			d.Location = nil
		}
		for _, e := range entries {
			checkHostile(t, e, d)
			checkPrepared(t, e, d)
		}
	})
}

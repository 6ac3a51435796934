package templates

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShippedTemplates renders every template of the repository's
// templates/ folder in en, fr and es.
func TestShippedTemplates(t *testing.T) {
	s, err := Load("../../templates")
	if err != nil {
		t.Fatalf("Load(templates) = %v", err)
	}
	if len(s.Names()) == 0 {
		t.Fatal("no shipped templates found")
	}
	dates := map[string]string{
		"en": "16 November 2017", "fr": "16 novembre 2017", "es": "16 de noviembre de 2017",
	}
	data := sampleData(brussels(t))
	for _, name := range s.Names() {
		for lang, date := range dates {
			t.Run(name+"."+lang, func(t *testing.T) {
				if !s.Has(name, lang) {
					t.Fatalf("%s.%s.txt is not shipped", name, lang)
				}
				r, err := s.Render(name, []string{lang}, data)
				if err != nil {
					t.Fatalf("Render() = %v", err)
				}
				if r.Lang != lang || r.Name != name {
					t.Errorf("Render() chose %s.%s", r.Name, r.Lang)
				}
				if strings.ContainsAny(r.Subject, "\r\n") {
					t.Errorf("Subject = %q", r.Subject)
				}
				// Acknowledgements carry the reference in the subject; the
				// digest lists it in the text.
				switch {
				case strings.HasPrefix(name, "ack") && !strings.Contains(r.Subject, "GCCM-0042"):
					t.Errorf("Subject = %q, want the reference", r.Subject)
				case name == "digest" && !strings.Contains(r.Text, "GCCM-0042"):
					t.Errorf("digest lacks the waiting enquiry:\n%s", r.Text)
				}
				for _, bad := range []string{"<no value>", "{{", "}}"} {
					if strings.Contains(r.Text, bad) || strings.Contains(r.Subject, bad) {
						t.Errorf("output contains %q:\n%s", bad, r.Text)
					}
				}
				if !strings.Contains(r.Text, data.Event.Name) {
					t.Errorf("Text lacks the event name:\n%s", r.Text)
				}
				// The acknowledgement gives the conference dates.
				if name == "ack" && !strings.Contains(r.Text, date) {
					t.Errorf("Text lacks %q:\n%s", date, r.Text)
				}
			})
		}
	}
}

func TestFallback(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"m.en.txt":    "Subject: en\n\nen\n",
		"m.fr.txt":    "Subject: fr\n\nfr\n",
		"m.pt-BR.txt": "Subject: pt-BR\n\npt\n",
	})
	tests := []struct {
		langs []string
		want  string
	}{
		{[]string{"fr", "en"}, "fr"},
		{[]string{"de", "fr", "en"}, "fr"},
		{[]string{"", "es", "en"}, "en"},
		{[]string{"fr-CA", "en"}, "fr"},
		{[]string{"FR"}, "fr"},
		{[]string{"pt_BR", "en"}, "pt-br"},
		{[]string{"pt", "en"}, "en"}, // pt-BR is not pt
	}
	for _, tt := range tests {
		r, err := s.Render("m", tt.langs, Data{})
		if err != nil {
			t.Errorf("Render(%v) = %v", tt.langs, err)
			continue
		}
		if r.Lang != tt.want {
			t.Errorf("Render(%v).Lang = %q, want %q", tt.langs, r.Lang, tt.want)
		}
	}
	if got := s.Languages("m"); fmt.Sprint(got) != "[en fr pt-br]" {
		t.Errorf("Languages() = %v", got)
	}
	if !s.Has("m", "pt-BR") || s.Has("m", "es") || s.Has("x", "en") {
		t.Error("Has() wrong")
	}
}

func TestMissingTemplate(t *testing.T) {
	s := mustLoad(t, map[string]string{"m.fr.txt": "Subject: s\n\nb\n"})
	for _, tc := range []struct {
		name  string
		langs []string
	}{{"nope", []string{"en"}}, {"m", []string{"de", "en"}}, {"m", nil}} {
		_, err := s.Render(tc.name, tc.langs, Data{})
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("Render(%s, %v) = %v, want ErrNotFound naming it", tc.name, tc.langs, err)
		}
	}
}

// TestRenderErrors: what only a recipient's data can make fail (a field
// that does not exist fails Load, see TestFieldProblems).
func TestRenderErrors(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"key.fr.txt":      "Subject: s\n\n{{.Contact.Fields.colum}}\n",
		"nilc.es.txt":     "Subject: {{.Contact.Name}}\n\nb\n",
		"empty.en.txt":    "Subject: {{.Enquiry.Subject}}\n\nb\n",
		"htmlerr.en.txt":  "Subject: s\n\nb\n",
		"htmlerr.en.html": "<p>{{.Contact.Fields.nom}}</p>\n",
	})
	data := sampleData(nil)
	tests := []struct {
		name, lang string
		data       Data
		want       []string
	}{
		{"key", "fr", data, []string{"render key (fr)", "key.fr.txt:3:", `no entry for key "colum"`}},
		{"nilc", "es", Data{}, []string{"render nilc (es)", "Subject", "nilc.es.txt:1:", "nil pointer"}},
		{"empty", "en", Data{Enquiry: &EnquiryData{Subject: " \r\n "}}, []string{"render empty (en)", "Subject renders empty"}},
		{"htmlerr", "en", data, []string{"render htmlerr (en)", "html", "htmlerr.en.html:1:", `no entry for key "nom"`}},
	}
	for _, tt := range tests {
		_, err := s.Render(tt.name, []string{tt.lang}, tt.data)
		if err == nil {
			t.Errorf("Render(%s) = nil error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Render(%s) = %v, want it to contain %q", tt.name, err, w)
			}
		}
	}
}

// TestInjection: contact values are data, never template code, and never
// a header line.
func TestInjection(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"inv.en.txt":  "Subject: Invitation for {{.Contact.Name}}\nX-Org: {{.Contact.Organisation}}\n\nDear {{.Contact.Name}},\n{{.Contact.Fields.note}}\n",
		"inv.en.html": "<p>Dear {{.Contact.Name}}</p><p>{{.Contact.Fields.note}}</p>\n",
	})
	d := sampleData(nil)
	d.Contact.Name = "Eve\r\nBcc: x@evil"
	d.Contact.Organisation = "Org\nTo: y@evil\u2028Cc: z@evil"
	d.Contact.Fields = map[string]string{"note": `{{.Event}} {{template "x"}} <script>alert(1)</script>`}
	r, err := s.Render("inv", []string{"en"}, d)
	if err != nil {
		t.Fatalf("Render() = %v", err)
	}
	if r.Subject != "Invitation for Eve Bcc: x@evil" {
		t.Errorf("Subject = %q, want CR/LF folded to one space", r.Subject)
	}
	if got := r.Headers["X-Org"]; got != "Org To: y@evil Cc: z@evil" {
		t.Errorf("X-Org = %q", got)
	}
	if !strings.Contains(r.Text, `{{.Event}} {{template "x"}}`) {
		t.Errorf("Text did not print the field literally:\n%s", r.Text)
	}
	if !strings.Contains(r.HTML, "{{.Event}}") || strings.Contains(r.HTML, "<script>") ||
		!strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("HTML = %s", r.HTML)
	}
}

func TestHTMLPart(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"a.en.txt":  "Subject: a\n\ntext {{.Contact.Name}}\n",
		"a.fr.txt":  "Subject: a\n\ntexte\n",
		"a.en.html": "<p>Hello {{.Contact.Name}}, <a href=\"{{.UnsubscribeURL}}\">unsubscribe</a></p>\n",
	})
	d := sampleData(nil)
	d.Contact.Name = "Ana & Bo"
	r, err := s.Render("a", []string{"en"}, d)
	if err != nil {
		t.Fatalf("Render(en) = %v", err)
	}
	if want := `<p>Hello Ana &amp; Bo, <a href="https://rsvp.example.org/u/abc123">unsubscribe</a></p>` + "\n"; r.HTML != want {
		t.Errorf("HTML = %q, want %q", r.HTML, want)
	}
	if r.Text != "text Ana & Bo\n" {
		t.Errorf("Text = %q", r.Text)
	}
	r, err = s.Render("a", []string{"fr"}, d)
	if err != nil || r.HTML != "" || r.Text != "texte\n" {
		t.Errorf("Render(fr) = %+v, %v; want no HTML", r, err)
	}
}

func TestHeadersAndLang(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"h.es.txt": "subject: [{{.Enquiry.Ref}}]\n  {{.Enquiry.Subject}}\nx-category: {{.Enquiry.Category}}\n\n{{.Lang}}",
	})
	r, err := s.Render("h", []string{"es"}, sampleData(nil))
	if err != nil {
		t.Fatalf("Render() = %v", err)
	}
	if r.Subject != "[GCCM-0042] Demande de visa pour la délégation" {
		t.Errorf("Subject = %q", r.Subject)
	}
	if len(r.Headers) != 1 || r.Headers["X-Category"] != "visa" {
		t.Errorf("Headers = %v", r.Headers)
	}
	if r.Text != "es" {
		t.Errorf(".Lang = %q", r.Text)
	}
}

// TestConcurrentZones renders one entry from many goroutines with
// different zones: each render must see its own (run with -race).
func TestConcurrentZones(t *testing.T) {
	s := mustLoad(t, map[string]string{"z.en.txt": "Subject: s\n\n{{time .Event.Start}}"})
	start := time.Date(2017, 11, 16, 8, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			off := i%5 - 2
			d := Data{Event: sampleData(nil).Event, Location: time.FixedZone("z", off*3600)}
			d.Event.Start = start
			r, err := s.Render("z", []string{"en"}, d)
			if want := fmt.Sprintf("%02d:00", 8+off); err != nil || r.Text != want {
				t.Errorf("Render(offset %d) = %v, %v; want %s", off, r, err, want)
			}
		})
	}
	wg.Wait()
}

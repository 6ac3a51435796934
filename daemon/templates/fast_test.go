package templates

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// The fast path (fast.go) must render exactly what the standard executor
// renders. These tests compare the two on the shipped and benchmark
// templates, on templates written to use every construct the compiler
// accepts, and on some it must decline.

var templateDirs = []string{"../../templates", "../../bench/waves/templates"}

// hostile are contact values that have broken template engines and mail
// headers before.
var hostile = []string{
	"",
	" ",
	"Valérie Lefèvre",
	"<script>alert('x')</script>",
	`"'&+<>=` + "`",
	"a\x00b\x00",
	"r\xe9f\xff\xfe\xc3",
	"{{.}}{{.Event}}{{template \"x\"}}",
	"\r\nBcc: x@evil.example",
	"Ángela Peña-Ibáñez 北京市 مدينة",
	"javascript:alert(1)",
	"https://example.org/a b?c=d&e=f#g",
	"%41%zz%",
	"\u2028\u2029\ufdd0\uffff\ufeff",
	"  \t\n ",
	"&amp; &lt;",
	strings.Repeat("Lefèvre <b> & ", 500),
}

// benchData is a wave message's Data as the waves benchmark builds it
// (bench/waves/bench_test.go, daemon/waves/message.go).
func benchData(tb testing.TB) Data {
	loc, err := time.LoadLocation("Europe/Brussels")
	if err != nil {
		tb.Skipf("no tzdata: %v", err)
	}
	d := sampleData(loc)
	d.Contact = &Contact{Email: "mayor.000001@city001.example", Name: "Valérie Lefèvre", Language: "en",
		Organisation: "City of Kampala", Title: "Mayor", City: "Kampala", Country: "BE",
		Fields: map[string]string{"delegation": "D-00001"}}
	d.Wave = &WaveData{Name: "bench"}
	d.Enquiry, d.Enquiries, d.UnsubscribeURL = nil, nil, ""
	return d
}

// contactsFor returns contacts made of hostile values, the i-th value
// in each field shifted so that every value meets every field.
func contactsFor() []*Contact {
	var cs []*Contact
	n := len(hostile)
	for i := range n {
		h := func(k int) string { return hostile[(i+k)%n] }
		var fields map[string]string
		switch i % 4 {
		case 0: // nil
		case 1:
			fields = map[string]string{}
		case 2:
			fields = map[string]string{"salutation": h(7), "delegation": h(8)}
		case 3:
			fields = map[string]string{"delegation": h(9), "note": h(10)}
		}
		cs = append(cs, &Contact{Email: h(0), Name: h(1), Language: h(2), Organisation: h(3),
			Title: h(4), City: h(5), Country: h(6), Fields: fields})
	}
	return append(cs, nil, &Contact{})
}

// variants returns Data values around base: every contact, and the other
// fields empty, missing or hostile.
func variants(base Data) []Data {
	var ds []Data
	for i, c := range contactsFor() {
		for mode := range 5 {
			d := base
			d.Contact = c
			h := hostile[(i+mode)%len(hostile)]
			switch mode {
			case 1:
				d.UnsubscribeURL = "https://rsvp.example.org/u/" + h
			case 2:
				d.UnsubscribeURL = h
				d.Wave = nil
			case 3:
				d.Location = nil
				d.Enquiry = nil
				d.Enquiries = nil
			case 4:
				d.Event.Name, d.Event.Venue, d.Event.URL = h, hostile[(i+1)%len(hostile)], hostile[(i+2)%len(hostile)]
				d.Account = AccountData{Name: h, Address: h, FromName: h}
				d.Wave = &WaveData{Name: h}
				d.Enquiry = &EnquiryData{Ref: h, Subject: h, Category: h}
				d.Enquiries = []EnquiryData{
					{Ref: "GCCM-0001", Subject: h, From: h, Status: "waiting", ReceivedAt: time.Date(2017, 9, 1, 0, 0, 0, 0, time.UTC)},
					{Ref: h, Subject: "", ReceivedAt: d.Event.Start},
				}
			}
			ds = append(ds, d)
		}
	}
	d := base
	d.Event = config.Event{}
	d.Account = AccountData{}
	ds = append(ds, d, Data{})
	return ds
}

// diff describes where two renders differ.
func diff(a, b *Rendered) string {
	if a == nil || b == nil {
		return fmt.Sprintf("fast %v, std %v", a, b)
	}
	for _, f := range []struct{ name, x, y string }{
		{"Subject", a.Subject, b.Subject}, {"Text", a.Text, b.Text}, {"HTML", a.HTML, b.HTML},
		{"Name", a.Name, b.Name}, {"Lang", a.Lang, b.Lang},
	} {
		if f.x == f.y {
			continue
		}
		i := 0
		for i < len(f.x) && i < len(f.y) && f.x[i] == f.y[i] {
			i++
		}
		from := max(i-40, 0)
		return fmt.Sprintf("%s differs at byte %d:\nfast: %q\nstd:  %q", f.name, i,
			f.x[from:min(len(f.x), i+40)], f.y[from:min(len(f.y), i+40)])
	}
	return fmt.Sprintf("headers: fast %q, std %q", a.Headers, b.Headers)
}

// stdOnly returns a copy of e without its programs, which renders with
// the standard executor alone.
func stdOnly(e *entry) *entry {
	c := *e
	c.textProg, c.htmlProg = nil, nil
	c.headers = make([]header, len(e.headers))
	for i, h := range e.headers {
		h.prog = nil
		c.headers[i] = h
	}
	return &c
}

// whyDeclined returns why the first part of e without a program (a
// header, the text, the HTML) was declined, naming the part; "" when
// every part has one.
func whyDeclined(e *entry) string {
	fm := funcMap(e.lang)
	for _, h := range e.headers {
		if h.prog == nil {
			_, why := compileFast(h.tmpl.Tree, fm, false)
			return h.name + ": " + why
		}
	}
	switch {
	case e.text == nil:
		return "text: none"
	case e.textProg == nil:
		_, why := compileFast(e.text.Tree, fm, false)
		return "text: " + why
	case e.html != nil && e.htmlProg == nil:
		_, why := compileFast(e.html.Tree, fm, true)
		return "html: " + why
	}
	return ""
}

// compareRender renders d with e, then with the standard executor alone.
// The results must be equal, and so must the errors: a render's error is
// always the standard executor's (where a program fails, the standard
// executor runs again and reports), so this checks that the fast path
// does not render what the standard executor refuses. And where the
// standard executor succeeds, the fast path must have rendered alone,
// without falling back.
func compareRender(t testing.TB, e *entry, d Data) {
	t.Helper()
	before := fastFallbacks.Load()
	fr, ferr := e.render(d)
	fell := fastFallbacks.Load() != before
	sr, serr := stdOnly(e).render(d)
	if (ferr == nil) != (serr == nil) || ferr != nil && ferr.Error() != serr.Error() {
		t.Fatalf("%s.%s: fast error %v, std error %v", e.name, e.lang, ferr, serr)
	}
	if !reflect.DeepEqual(fr, sr) {
		t.Fatalf("%s.%s: %s", e.name, e.lang, diff(fr, sr))
	}
	if serr == nil && fell {
		t.Fatalf("%s.%s: the fast path fell back on data the standard executor renders", e.name, e.lang)
	}
}

func loadDir(t testing.TB, dir string) *Set {
	t.Helper()
	s, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s) = %v", dir, err)
	}
	return s
}

// TestFastDifferential renders every shipped and benchmark template, in
// every language, for hostile contacts, both ways.
func TestFastDifferential(t *testing.T) {
	base := benchData(t)
	base.UnsubscribeURL = "https://rsvp.example.org/u/abc123"
	base.Enquiry = &EnquiryData{Ref: "GCCM-0042", Subject: "Demande de visa", Category: "visa"}
	base.Enquiries = sampleData(nil).Enquiries
	ds := variants(base)
	n := 0
	for _, dir := range templateDirs {
		s := loadDir(t, dir)
		for _, name := range s.Names() {
			for _, lang := range s.Languages(name) {
				e := s.entries[name][lang]
				for _, d := range ds {
					compareRender(t, e, d)
					n++
				}
			}
		}
	}
	if n < 2500 {
		t.Errorf("only %d renders compared", n)
	}
}

// TestFastUsed checks that the templates a wave renders run on the fast
// path, every part of them, without falling back.
func TestFastUsed(t *testing.T) {
	d := benchData(t)
	for _, tc := range []struct {
		dir   string
		names []string
	}{
		{"../../bench/waves/templates", []string{"bench"}},
		{"../../templates", []string{"invitation", "reminder", "ack", "ack-visa", "digest",
			"rsvp-accepted", "rsvp-declined", "rsvp-maybe", "unsubscribed"}},
	} {
		s := loadDir(t, tc.dir)
		for _, name := range tc.names {
			for _, lang := range s.Languages(name) {
				e := s.entries[name][lang]
				if why := whyDeclined(e); why != "" {
					t.Errorf("%s.%s not compiled: %s", name, lang, why)
				}
				before := fastFallbacks.Load()
				dd := d
				dd.Enquiry = &EnquiryData{Ref: "GCCM-0042", Subject: "s", Category: "visa"}
				if _, err := e.render(dd); err != nil {
					t.Errorf("%s.%s: %v", name, lang, err)
				}
				if fastFallbacks.Load() != before {
					t.Errorf("%s.%s fell back to the standard executor", name, lang)
				}
			}
		}
	}
}

// TestFastConstructs runs templates using every construct the compiler
// accepts, and some it declines (one each), both ways on many Data values.
func TestFastConstructs(t *testing.T) {
	files := map[string]string{
		// Accepted.
		"fields.en.txt": "Subject: {{.Event.Name}} {{.Contact.Fields.delegation}}\nX-Org: {{with .Contact}}{{.Organisation}}{{end}}\n\n" +
			"{{.Lang}}|{{.Event}}|{{.Event.Start}}|{{.Event.End}}|{{.Account}}|{{.Contact}}|{{.Wave}}|{{.Enquiry}}|{{.Location}}\n" +
			"{{.Enquiries}}|{{.Contact.Fields}}|{{.Wave.Name}}|{{.Enquiry.Ref}}|{{$.Contact.Name}}|{{.}}\n",
		"funcs.fr.txt": "Subject: {{upper .Event.Name}}\n\n" +
			"{{date .Event.Start}}|{{datetime .Event.End}}|{{time .Event.Start}}|{{weekday .Event.End}}|" +
			"{{lower .Contact.Name}}|{{.Contact.Name | upper | lower}}|{{default \"Madame\" .Contact.Title}}|" +
			"{{.Contact.City | default \"?\"}}|{{default \"x\"}}|{{default .Contact.Name .Contact.Title .Contact.City}}|" +
			"{{printf \"%s-%q-%v-%d\" .Contact.Name .Contact.City .Event.Start (len .Enquiries)}}|" +
			"{{print .Contact.Name 3}}|{{println .Contact.Name .Event.End}}|{{printf \"%v\" .Contact}}|" +
			"{{len .Contact.Name}}|{{len .Contact.Fields}}|{{len .Enquiries}}|{{index .Contact.Fields \"note\"}}|" +
			"{{index .Contact.Fields .Contact.Name}}|{{not .Contact.Name}}|{{not .Enquiries}}|{{not .Wave}}|" +
			"{{(.Contact.Name)}}|{{(upper .Contact.City) | lower}}|{{\"lit\"}}|{{printf \"%s\" \"x\" | upper}}|{{printf \"%d\" 3}}\n",
		"control.es.txt": "Subject: s\n\n" +
			"{{if .Contact}}c{{if .Contact.Name}}n={{.Contact.Name}}{{else if .Contact.Title}}t{{else}}-{{end}}{{end}}|" +
			"{{with .Wave}}{{.Name}}{{else}}no wave{{end}}|{{with .Enquiry}}{{.Ref}}{{else with .Wave}}{{.Name}}{{end}}|" +
			"{{with .Location}}{{.}}{{end}}|{{with .Event.Start}}{{.}}{{end}}|{{if not .UnsubscribeURL}}none{{end}}|" +
			"{{range .Enquiries}}[{{.Ref}} {{date .ReceivedAt}} {{.From}}]{{else}}empty{{end}}|" +
			"{{range $i, $e := .Enquiries}}{{$i}}:{{$e.Subject}}:{{.Status}};{{end}}|" +
			"{{range $e := .Enquiries}}{{$e.Ref}}{{$x := $e.From}}{{$x}}{{end}}|" +
			"{{- $s := \"Señora\"}}{{$c := \"Atentamente\"}}{{with .Contact}}{{with .Name}}{{$s = printf \"Estimada %s\" .}}{{$c = \"Saludos\"}}{{end}}" +
			"{{with index .Fields \"salutation\"}}{{$s = .}}{{end}}{{end}}{{$s}}, {{$c}}|" +
			"{{$w := .Wave}}{{with $w}}{{$w.Name}}{{end}}|{{$n := len .Enquiries}}{{$n}}|{{$t := .Event.Start}}{{date $t}}|" +
			"{{if $u := .UnsubscribeURL}}{{$u}}{{else}}{{$u}}-none{{end}}|{{$x := 1 | print}}{{$x}}\n" +
			"{{/* a comment */}}{{- if .Contact -}}  trimmed  {{- end -}}\n",
		"control.es.html": "<!DOCTYPE html><html><head><title>{{.Event.Name}} {{.Contact.Name}}</title></head><body>\n" +
			"<p title=\"{{.Contact.Title}}\" data-x={{.Contact.City}} class='{{.Contact.Country}}'>{{.Contact.Name}} {{.Event.Start}} {{len .Enquiries}} {{.Contact}}</p>\n" +
			"<a href=\"{{.Event.URL}}\">x</a><a href='{{.UnsubscribeURL}}'>u</a><a href=\"https://e.org/?q={{.Contact.Name}}&amp;r={{.Contact.Email}}\">q</a>\n" +
			"<a href=\"/p/{{.Contact.City}}/{{.Contact.Fields.delegation}}\">p</a><a href={{.Event.URL}}>unq</a>\n" +
			"<textarea>{{.Contact.Organisation}}</textarea><!-- {{.Contact.Name}} -->\n" +
			"{{range .Enquiries}}<li>{{.Ref}} {{date .ReceivedAt}}</li>{{end}}{{with .Contact}}{{with index .Fields \"note\"}}<i>{{.}}</i>{{end}}{{end}}\n" +
			"{{$s := \"Dear\"}}{{with .Contact}}{{$s = printf \"Dear %s\" .Name}}{{end}}<p>{{$s}}</p></body></html>\n",
		// Declined, one construct each: the standard executor runs these.
		"decl-template.en.txt":    "Subject: s\n\n{{define \"x\"}}X{{.}}{{end}}{{template \"x\" .Contact.Name}}\n",
		"decl-method.en.txt":      "Subject: s\n\n{{.Event.Start.Year}}\n",
		"decl-rangemap.en.txt":    "Subject: s\n\n{{range $k, $v := .Contact.Fields}}{{$k}}={{$v}};{{end}}\n",
		"decl-eq.en.txt":          "Subject: s\n\n{{if eq .Contact.Language \"fr\"}}fr{{end}}\n",
		"decl-js.en.txt":          "Subject: s\n\n{{.Contact.Name | js}}\n",
		"decl-retype.en.txt":      "Subject: s\n\n{{$x := .Contact.Name}}{{$x = .Event.Start}}{{$x}}\n",
		"decl-break.en.txt":       "Subject: s\n\n{{range .Enquiries}}{{if .Ref}}{{break}}{{end}}{{.Ref}}{{end}}\n",
		"decl-indexslice.en.txt":  "Subject: s\n\n{{index .Enquiries 0}}\n",
		"decl-script.en.txt":      "Subject: s\n\nx\n",
		"decl-script.en.html":     "<script>var n = {{.Contact.Name}};</script><p>{{.Contact.Name}}</p>\n",
		"decl-style.en.txt":       "Subject: s\n\nx\n",
		"decl-style.en.html":      "<p style=\"color: {{.Contact.City}}\">{{.Contact.Name}}</p>\n",
		"decl-stringfield.en.txt": "Subject: s\n\n{{.Contact.Fields.note.x}}\n",
	}
	s := mustLoad(t, files)
	// declined holds, for each declined template, how the reason it was
	// declined for must begin: its one construct. The others compile.
	declined := map[string]string{
		"decl-template":    "text: node {{template",
		"decl-method":      "text: Year is a method",
		"decl-rangemap":    "text: range over map",
		"decl-eq":          "text: function eq",
		"decl-js":          "text: function js",
		"decl-retype":      "text: $x changes type",
		"decl-break":       "text: node {{break}}",
		"decl-indexslice":  "text: index of []templates.EnquiryData by int",
		"decl-script":      "html: HTML action without an escaper: .Contact.Name | _html_template_jsvalescaper",
		"decl-style":       "html: function _html_template_cssvaluefilter",
		"decl-stringfield": "text: field x of a string",
	}
	for _, name := range s.Names() {
		for _, lang := range s.Languages(name) {
			why, want := whyDeclined(s.entries[name][lang]), declined[name]
			if want == "" && why != "" || !strings.HasPrefix(why, want) {
				t.Errorf("%s.%s: declined for %q, want %q", name, lang, why, want)
			}
		}
	}
	base := sampleData(brussels(t))
	base.Contact.Fields["note"] = "<b>note</b>"
	for _, d := range variants(base) {
		for _, name := range s.Names() {
			for _, lang := range s.Languages(name) {
				compareRender(t, s.entries[name][lang], d)
			}
		}
	}
	// A declined template still renders, with the standard executor.
	r, err := s.Render("decl-retype", []string{"en"}, sampleData(nil))
	if err != nil || !strings.HasPrefix(r.Text, "2017-11-16 09:00:00 +0100") {
		t.Errorf("Render(decl-retype) = %+v, %v", r, err)
	}
}

// TestFastEscapers compares the reproduced escapers with html/template's
// on hostile strings, through templates in every context they serve.
func TestFastEscapers(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"e.en.txt": "Subject: s\n\nx\n",
		"e.en.html": "<p>{{.Contact.Name}}</p><a title=\"{{.Contact.Name}}\" href=\"{{.Contact.Name}}\">x</a>" +
			"<a href=\"/x?q={{.Contact.Name}}\">y</a><a href=\"{{.Contact.Name}}?{{.Contact.Name}}\">y</a>" +
			"<b title={{.Contact.Name}}>z</b><a href={{.Contact.Name}}>w</a><title>{{.Contact.Name}}</title><!-- {{.Contact.Name}} -->\n",
	})
	e := s.entries["e"]["en"]
	if e.htmlProg == nil {
		_, why := compileFast(e.html.Tree, funcMap("en"), true)
		t.Fatalf("not compiled: %s", why)
	}
	extra := []string{"http://a.b/c?d=e", "HTTPS://x", "mailto:a@b", "data:text/html,x", "/rel:x", "%", "%4", "%4g%41",
		"\x7f\x01\x1f", "\ufdef\ufff0\ufffd", "a=b c\td\ne\rf\vg\fh`", "é" + "\xed\xa0\x80"}
	for _, v := range append(hostile, extra...) {
		d := Data{Contact: &Contact{Name: v}}
		compareRender(t, e, d)
	}
}

// BenchmarkRender renders the waves benchmark's template for one of its
// contacts: fast is Render, std the standard executor alone.
func BenchmarkRender(b *testing.B) {
	s := loadDir(b, "../../bench/waves/templates")
	d := benchData(b)
	langs := []string{"en", "en", "en"}
	e := s.pick("bench", langs)
	std := &Set{entries: map[string]map[string]*entry{"bench": {e.lang: stdOnly(e)}}}
	want, err := std.Render("bench", langs, d)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := s.Render("bench", langs, d)
			if err != nil || len(r.HTML) != len(want.HTML) {
				b.Fatalf("Render() = %v", err)
			}
		}
	})
	b.Run("std", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r, err := std.Render("bench", langs, d)
			if err != nil || len(r.HTML) != len(want.HTML) {
				b.Fatalf("Render() = %v", err)
			}
		}
	})
}

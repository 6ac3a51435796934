package templates

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"golang.org/x/net/html"
)

// Contact data is data: whatever a list holds, a rendered header stays
// one line and the HTML part keeps the template's markup, only ever
// escaped text and safe URLs in it (html/template's contextual
// escaping). These tests render the shipped and benchmark templates with
// hostile values and compare each render with one of tame values of the
// same shape.

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
	"</title><a href=x onclick=y>",
	"--><!--",
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

// tame returns a copy of d with every string replaced by one of the same
// shape for a template: empty, blank (true for {{with}}, empty for
// default) or a plain word. The shipped templates branch only on that.
func tame(d Data) Data {
	t := func(s string) string {
		switch {
		case s == "":
			return ""
		case strings.TrimSpace(s) == "":
			return " "
		}
		return "x"
	}
	if c := d.Contact; c != nil {
		tc := Contact{Email: t(c.Email), Name: t(c.Name), Language: t(c.Language), Organisation: t(c.Organisation),
			Title: t(c.Title), City: t(c.City), Country: t(c.Country)}
		if c.Fields != nil {
			tc.Fields = map[string]string{}
			for k, v := range c.Fields {
				tc.Fields[k] = t(v)
			}
		}
		d.Contact = &tc
	}
	d.Event.Name, d.Event.Venue, d.Event.URL = t(d.Event.Name), t(d.Event.Venue), t(d.Event.URL)
	d.Account = AccountData{Name: t(d.Account.Name), Address: t(d.Account.Address), FromName: t(d.Account.FromName)}
	if d.Wave != nil {
		d.Wave = &WaveData{Name: t(d.Wave.Name)}
	}
	if e := d.Enquiry; e != nil {
		d.Enquiry = &EnquiryData{Ref: t(e.Ref), Subject: t(e.Subject), Category: t(e.Category)}
	}
	es := make([]EnquiryData, len(d.Enquiries))
	for i, e := range d.Enquiries {
		es[i] = EnquiryData{Ref: t(e.Ref), Subject: t(e.Subject), Category: t(e.Category), From: t(e.From),
			Status: t(e.Status), ReceivedAt: e.ReceivedAt}
	}
	if d.Enquiries != nil {
		d.Enquiries = es
	}
	d.UnsubscribeURL = t(d.UnsubscribeURL)
	return d
}

// htmlShape is the markup of an HTML document: its tags, comments and
// doctype with their attribute names, in order, without the text. It
// fails the test on an href with a script or data URL.
func htmlShape(t testing.TB, doc string) []string {
	t.Helper()
	var shape []string
	z := html.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return shape
		}
		if tt == html.TextToken {
			continue
		}
		tok := z.Token()
		s := tt.String() + " " + tok.Data
		if tt == html.CommentToken || tt == html.DoctypeToken {
			s = tt.String()
		}
		for _, a := range tok.Attr {
			s += " " + a.Key
			v := strings.ToLower(strings.TrimSpace(a.Val))
			if a.Key == "href" && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
				strings.HasPrefix(v, "data:")) {
				t.Fatalf("unsafe href %q in\n%s", a.Val, doc)
			}
		}
		shape = append(shape, s)
	}
}

// checkHostile renders d and tame(d) with e: both must fail alike or
// both succeed, with one-line headers and HTML of the same shape.
func checkHostile(t testing.TB, e *entry, d Data) {
	t.Helper()
	r, err := e.render(d)
	tr, terr := e.render(tame(d))
	if (err == nil) != (terr == nil) {
		t.Fatalf("%s.%s: error %v with hostile data, %v with tame data", e.name, e.lang, err, terr)
	}
	if err != nil {
		return
	}
	heads := []string{r.Subject}
	for _, v := range r.Headers {
		heads = append(heads, v)
	}
	for _, v := range heads {
		if v != sanitizeHeader(v) {
			t.Fatalf("%s.%s: header value %q not sanitized", e.name, e.lang, v)
		}
	}
	if !reflect.DeepEqual(htmlShape(t, r.HTML), htmlShape(t, tr.HTML)) {
		t.Fatalf("%s.%s: hostile data changed the HTML's markup:\n%s\n---- tame:\n%s", e.name, e.lang, r.HTML, tr.HTML)
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

// TestHostileData renders every shipped and benchmark template, in every
// language, for hostile contacts and other values.
func TestHostileData(t *testing.T) {
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
				for _, d := range ds {
					checkHostile(t, s.entries[name][lang], d)
					n++
				}
			}
		}
	}
	if n < 2500 {
		t.Errorf("only %d renders checked", n)
	}
}

// TestEscaping pins down how html/template escapes a value in each
// context an HTML template puts one: what the recipients' mail clients
// get for the values of a list.
func TestEscaping(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"e.en.txt": "Subject: {{.Contact.Name}}\n\n{{.Contact.Name}}\n",
		"e.en.html": "<p>{{.Contact.Name}}</p>|<b title=\"{{.Contact.Name}}\">|<b title={{.Contact.Name}}>|" +
			"<a href=\"{{.Contact.Name}}\">|<a href=\"/x?q={{.Contact.Name}}\">|<title>{{.Contact.Name}}</title>",
	})
	tests := []struct {
		in   string
		want []string // the HTML's parts between |
	}{
		{"<script>alert('x')</script>", []string{
			"<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>",
			`<b title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">`,
			"<b title=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;>",
			`<a href="%3cscript%3ealert%28%27x%27%29%3c/script%3e">`,
			`<a href="/x?q=%3cscript%3ealert%28%27x%27%29%3c%2fscript%3e">`,
			"<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"}},
		{"javascript:alert(1)", []string{
			"<p>javascript:alert(1)</p>", `<b title="javascript:alert(1)">`, "<b title=javascript:alert(1)>",
			`<a href="#ZgotmplZ">`, `<a href="/x?q=javascript%3aalert%281%29">`, "<title>javascript:alert(1)</title>"}},
		{`Ana "Bo" & Co a=b`, []string{
			"<p>Ana &#34;Bo&#34; &amp; Co a=b</p>", `<b title="Ana &#34;Bo&#34; &amp; Co a=b">`,
			"<b title=Ana&#32;&#34;Bo&#34;&#32;&amp;&#32;Co&#32;a&#61;b>", `<a href="Ana%20%22Bo%22%20&amp;%20Co%20a=b">`,
			`<a href="/x?q=Ana%20%22Bo%22%20%26%20Co%20a%3db">`, "<title>Ana &#34;Bo&#34; &amp; Co a=b</title>"}},
	}
	for _, tt := range tests {
		d := Data{Contact: &Contact{Name: tt.in}}
		r, err := s.Render("e", []string{"en"}, d)
		if err != nil {
			t.Fatalf("Render(%q) = %v", tt.in, err)
		}
		got := strings.Split(r.HTML, "|")
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Render(%q).HTML:\n got  %q\n want %q", tt.in, got, tt.want)
		}
		// The text part and the Subject are not HTML: the value as it is.
		if r.Text != tt.in+"\n" || r.Subject != sanitizeHeader(tt.in) {
			t.Errorf("Render(%q) = Subject %q, Text %q", tt.in, r.Subject, r.Text)
		}
	}
}

// BenchmarkRender renders the waves benchmark's template for one of its
// contacts:
//
//	go test ./daemon/templates -run '^$' -bench Render -benchmem
func BenchmarkRender(b *testing.B) {
	s := loadDir(b, "../../bench/waves/templates")
	d := benchData(b)
	langs := []string{"en", "en", "en"}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		r, err := s.Render("bench", langs, d)
		if err != nil {
			b.Fatal(err)
		}
		size = len(r.Text) + len(r.HTML)
	}
	b.ReportMetric(float64(size), "bytes/render")
}

// BenchmarkRenderPrepared is BenchmarkRender through a template prepared
// once for what the wave's messages share, as a wave renders:
//
//	go test ./daemon/templates -run '^$' -bench Render -benchmem
func BenchmarkRenderPrepared(b *testing.B) {
	s := loadDir(b, "../../bench/waves/templates")
	d := benchData(b)
	p := s.Prepare("bench", d)
	langs := []string{"en", "en", "en"}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		r, err := p.Render(langs, d.Contact, d.UnsubscribeURL)
		if err != nil {
			b.Fatal(err)
		}
		size = len(r.Text) + len(r.HTML)
	}
	b.ReportMetric(float64(size), "bytes/render")
}

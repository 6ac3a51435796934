package templates

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
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

// FuzzFastRender renders the waves benchmark's template and the shipped
// invitation and reminder, in every language, for fuzzed contacts, both with the fast
// path and with the standard executor: the results must be identical.
func FuzzFastRender(f *testing.F) {
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
			compareRender(t, e, d)
		}
	})
}

// FuzzFastTemplate generates templates from the fuzzer's bytes (see
// gen): whatever the standard packages accept must render
// identically both ways, whether the fast path compiles it, declines it
// or falls back at run time.
func FuzzFastTemplate(f *testing.F) {
	for i := range 20 {
		f.Add([]byte(fmt.Sprintf("seed %d: some bytes to start from, %d", i, i*7919)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkGenerated(t, &gen{b: b})
	})
}

// TestFastGenerated is FuzzFastTemplate on a fixed set of pseudo-random
// inputs, so that every test run covers it.
func TestFastGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	compiled := 0
	for range 3000 {
		b := make([]byte, 200)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if checkGenerated(t, &gen{b: b}) {
			compiled++
		}
	}
	// A good share of generated templates use only what the fast path does.
	if compiled < 500 {
		t.Errorf("only %d of 3000 generated templates compiled", compiled)
	}
}

var genData = func() []Data {
	d := sampleData(time.FixedZone("X", 3600))
	h := d
	h.Contact = &Contact{Name: "<b>&'\"+\x00\xff", City: "javascript:x", Title: " ",
		Fields: map[string]string{"delegation": "{{.}}", "salutation": "Dear <you>"}}
	h.Enquiries = nil
	h.Wave = nil
	e := d
	e.Contact = &Contact{}
	e.Enquiry = nil
	return []Data{d, h, e, {}}
}()

// checkGenerated renders the template g generates, as text and as HTML,
// both ways, and reports whether the fast path compiled all of it.
func checkGenerated(t *testing.T, g *gen) bool {
	text, html := "Subject: s"+g.pipeAction(0)+"\n\n"+g.body(0), g.body(0)
	e := &entry{name: "g", lang: "fr"}
	if probs := e.compileText("g.fr.txt", []byte(text)); len(probs) > 0 {
		return false // not a template (an undefined variable, ...)
	}
	if probs := e.compileHTML("g.fr.html", html); len(probs) > 0 {
		e.html = nil
	}
	for _, d := range genData {
		compareRender(t, e, d)
	}
	if t.Failed() {
		t.Logf("template:\n%s\nHTML:\n%s", text, html)
		t.FailNow()
	}
	return e.textProg != nil && e.headers[0].prog != nil
}

// gen writes a template from bytes: each choice takes one byte, and
// zeros once they run out. It mostly writes what fits the type of dot
// (dots names the fields it may use), sometimes anything: type errors
// must be declined or fall back, and render as the standard executor
// does.
type gen struct {
	b    []byte
	vars []string
	dot  string // a key of dots
}

func (g *gen) pick(n int) int {
	if len(g.b) == 0 {
		return 0
	}
	c := int(g.b[0])
	g.b = g.b[1:]
	return c % n
}

func (g *gen) one(xs ...string) string { return xs[g.pick(len(xs))] }

var genTexts = []string{"x", " ", "\n", "<p>", "</p>", "<a href=\"", "\">", "<b title=", ">", "'", "<!-- ", " -->",
	"<textarea>", "</textarea>", "<a href=\"/q?x=", "&amp;", "é ", "<title>", "</title>", "<a href='", "' class=x>"}

// dots lists, for each type of dot, fields by type: strings, times, and
// others (with what dot becomes when "with" or "range" takes them).
var dots = map[string]struct{ str, time, other []string }{
	"data": {
		str: []string{".Contact.Name", ".Contact.Title", ".Contact.City", ".Contact.Fields.delegation",
			".Contact.Fields.salutation", ".Event.Name", ".Event.URL", ".Wave.Name", ".Enquiry.Ref", ".Lang",
			".UnsubscribeURL", "$.Contact.Email", "(index .Contact.Fields \"salutation\")"},
		time:  []string{".Event.Start", ".Event.End", "$.Event.Start"},
		other: []string{".Contact", ".Wave", ".Enquiries", ".Enquiry", ".Event", ".Location", ".Contact.Fields", "."},
	},
	"contact": {
		str:   []string{".Name", ".Title", ".City", ".Email", ".Fields.delegation", "$.Event.Name", "(index .Fields \"x\")"},
		time:  []string{"$.Event.End"},
		other: []string{".", ".Fields", "$.Wave"},
	},
	"enquiry": {
		str:   []string{".Ref", ".From", ".Subject", ".Status", "$.Contact.Name"},
		time:  []string{".ReceivedAt"},
		other: []string{".", "$.Enquiries"},
	},
	"wave":   {str: []string{".Name", "$.Lang"}, time: []string{"$.Event.Start"}, other: []string{"."}},
	"string": {str: []string{".", "$.Contact.Name"}, time: []string{"$.Event.Start"}, other: []string{"$.Wave"}},
	"time":   {str: []string{"$.Event.Name"}, time: []string{"."}, other: []string{"$.Contact"}},
	"other":  {str: []string{"$.Lang"}, time: []string{"$.Event.End"}, other: []string{"."}},
}

// becomes is what dot is inside {{with F}} or {{range F}}.
var becomes = map[string]string{".Contact": "contact", ".Wave": "wave", ".Enquiries": "enquiry", "$.Enquiries": "enquiry",
	".Enquiry": "enquiry", "$.Wave": "wave", ".": ""}

var genWild = []string{".", ".Contact", ".Name", ".Ref", ".Event.Start.Year", ".Nope", ".Contact.Fields.nosuch",
	"$", "$.Contact.Title", `"lit"`, `"<&>"`, `""`, "3", "-1", "1.5", "true", "nil"}

func (g *gen) body(depth int) string {
	var sb strings.Builder
	for range g.pick(5) + 1 {
		sb.WriteString(g.statement(depth))
	}
	return sb.String()
}

func (g *gen) statement(depth int) string {
	k := g.pick(10)
	if depth > 2 && k >= 6 {
		k = 0
	}
	switch k {
	case 0, 1:
		return genTexts[g.pick(len(genTexts))]
	case 2, 3:
		return g.pipeAction(depth)
	case 4:
		v := fmt.Sprintf("$v%d", len(g.vars))
		s := "{{" + v + " := " + g.pipe(depth) + "}}"
		g.vars = append(g.vars, v)
		return s
	case 5:
		if len(g.vars) == 0 {
			return "{{/* c */}}"
		}
		return "{{" + g.vars[g.pick(len(g.vars))] + " = " + g.pipe(depth) + "}}"
	default:
		kw := g.one("if", "with", "range", "with", "if")
		mark, outer := len(g.vars), g.dot
		var head, inner string
		switch {
		case kw == "range" && g.pick(4) != 0:
			head, inner = g.one(".Enquiries", "$.Enquiries"), "enquiry"
		case kw == "with" && g.pick(3) != 0:
			head = g.operand(depth, "")
			inner = becomes[head]
			if inner == "" {
				inner = "other"
			}
		default:
			head, inner = g.pipe(depth), "other"
		}
		if kw == "if" {
			inner = outer
		}
		if g.pick(4) == 0 {
			v := fmt.Sprintf("$v%d", len(g.vars))
			if kw == "range" && g.pick(2) == 0 {
				head = fmt.Sprintf("$i%d, %s := %s", len(g.vars), v, head)
			} else {
				head = v + " := " + head
			}
			g.vars = append(g.vars, v)
		}
		g.dot = inner
		s := "{{" + kw + " " + head + "}}" + g.body(depth+1)
		if kw == "range" && g.pick(5) == 0 {
			s += "{{" + g.one("break", "continue") + "}}"
		}
		g.dot = outer
		switch g.pick(3) {
		case 1:
			s += "{{else}}" + g.body(depth+1)
		case 2:
			if kw != "range" {
				s += "{{else " + kw + " " + g.pipe(depth) + "}}" + g.body(depth+1)
			}
		}
		g.vars = g.vars[:mark]
		return s + g.one("{{end}}", "{{- end}}", "{{end -}}")
	}
}

func (g *gen) pipeAction(depth int) string { return "{{" + g.pipe(depth) + "}}" }

// operand returns an operand of type typ ("str", "time", or "" for any).
func (g *gen) operand(depth int, typ string) string {
	if g.pick(10) == 0 {
		return genWild[g.pick(len(genWild))]
	}
	if len(g.vars) > 0 && g.pick(5) == 0 {
		return g.vars[g.pick(len(g.vars))]
	}
	if depth < 3 && g.pick(10) == 0 {
		return "(" + g.pipe(depth+1) + ")"
	}
	d := g.dot
	if d == "" {
		d = "data"
	}
	fs := dots[d]
	switch typ {
	case "str":
		return fs.str[g.pick(len(fs.str))]
	case "time":
		return fs.time[g.pick(len(fs.time))]
	}
	all := append(append(append([]string{}, fs.str...), fs.time...), fs.other...)
	return all[g.pick(len(all))]
}

func (g *gen) pipe(depth int) string {
	var s string
	switch g.pick(8) {
	case 0:
		s = g.one("date", "datetime", "time", "weekday") + " " + g.operand(depth, "time")
	case 1:
		s = g.one("upper", "lower", "len", "not", "print") + " " + g.operand(depth, "str")
	case 2:
		s = g.one("default", "printf", "println", "print", "default", "printf", "eq") + " " + g.operand(depth, "str") + " " + g.operand(depth, "str")
	case 3:
		s = `printf "%s|%v" ` + g.operand(depth, "str") + " " + g.operand(depth, "")
	case 4:
		s = g.one("len", "not", "print", "len", "not", "print", "html") + " " + g.operand(depth, "")
	default:
		s = g.operand(depth, "")
	}
	for range g.pick(6) / 4 {
		switch g.pick(4) {
		case 0:
			s += " | " + g.one("len", "not", "print", "urlquery")
		case 1:
			s += " | " + g.one("default", "printf", "println") + " " + g.operand(depth, "str")
		default:
			s += " | " + g.one("upper", "lower", "print")
		}
	}
	return s
}

package templates

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Rendered is one template executed for one recipient.
type Rendered struct {
	Name    string
	Lang    string // the language chosen
	Subject string // one line, safe to put in a header
	// Headers holds the template's X- headers, canonical name to one-line
	// value; empty when it has none.
	Headers map[string]string
	Text    string
	HTML    string // empty without NAME.LANG.html
}

// Render executes template name in the first of langs that exists (the
// caller passes contact, account, then "en"). A tag with a region, fr-CA,
// falls back to its language, fr, before the next tag is tried. The
// error names the template, the language and the cause; it wraps
// ErrNotFound when no language exists.
func (s *Set) Render(name string, langs []string, data Data) (*Rendered, error) {
	return s.renderWith(name, langs, data, nil)
}

// renderWith is Render executing the entry prepare returns for the one
// picked, or that entry itself when prepare is nil.
func (s *Set) renderWith(name string, langs []string, data Data, prepare func(*entry) *entry) (*Rendered, error) {
	e := s.pick(name, langs)
	if e == nil {
		return nil, fmt.Errorf("render %s: %w in any of %v; create %s", name, ErrNotFound, langs,
			filepath.Join(s.dir, name+".en.txt"))
	}
	if prepare != nil {
		e = prepare(e)
	}
	r, err := e.render(data)
	if err != nil {
		return nil, fmt.Errorf("render %s (%s): %w", e.name, e.lang, err)
	}
	return r, nil
}

// Has reports whether NAME.LANG.txt was loaded.
func (s *Set) Has(name, lang string) bool {
	return s.entries[name][normLang(lang)] != nil
}

// Names returns the names of the loaded templates, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.entries))
	for n := range s.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Languages returns the languages of template name, sorted.
func (s *Set) Languages(name string) []string {
	langs := make([]string, 0, len(s.entries[name]))
	for l := range s.entries[name] {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	return langs
}

func (s *Set) pick(name string, langs []string) *entry {
	byLang := s.entries[name]
	for _, l := range langs {
		l = normLang(l)
		if e := byLang[l]; e != nil {
			return e
		}
		if e := byLang[primary(l)]; e != nil {
			return e
		}
	}
	return nil
}

// render executes e's parts. The parsed templates are shared and
// executed concurrently (text/template and html/template allow it; the
// HTML one was escaped at load, see compileHTML); the times of data are
// first moved into data.Location, where the date functions show them.
func (e *entry) render(data Data) (*Rendered, error) {
	data.Lang = e.lang
	inZone(&data)
	buf := bufs.Get().(*bytes.Buffer)
	defer putBuf(buf)
	dot := any(data) // boxed once for the three or four executions
	r := &Rendered{Name: e.name, Lang: e.lang, Headers: map[string]string{}}
	for _, h := range e.headers {
		s, err := execute(buf, h.tmpl, dot)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.name, err)
		}
		v := sanitizeHeader(s)
		if v == "" {
			return nil, fmt.Errorf("%s renders empty", h.name)
		}
		if h.name == "Subject" {
			r.Subject = v
		} else {
			r.Headers[h.name] = v
		}
	}
	s, err := execute(buf, e.text, dot)
	if err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	r.Text = s
	if e.html != nil {
		s, err := execute(buf, e.html, dot)
		if err != nil {
			return nil, fmt.Errorf("html: %w", err)
		}
		r.HTML = s
	}
	return r, nil
}

// executor is a text/template or html/template template.
type executor interface {
	Execute(w io.Writer, data any) error
}

// execute runs t into buf, reset first, and returns what it wrote.
func execute(buf *bytes.Buffer, t executor, dot any) (string, error) {
	buf.Reset()
	if err := t.Execute(buf, dot); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// bufs holds the buffers renders write into: a wave renders one message
// per row, and a buffer grown to a message's size once is reused instead
// of growing a new one part by part.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest buffer put back in bufs, so that one huge
// render does not pin its memory.
const maxPooled = 64 << 10

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= maxPooled {
		bufs.Put(b)
	}
}

// normLang lower-cases a tag and accepts "_" for "-" (pt_BR).
func normLang(l string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), "_", "-"))
}

// primary is a tag's language subtag: fr-ca -> fr.
func primary(l string) string {
	p, _, _ := strings.Cut(l, "-")
	return p
}

// inZone moves every time of d into d.Location (a no-op without one).
// The Enquiries slice is copied, never changed in place: it is the caller's.
func inZone(d *Data) {
	loc := d.Location
	if loc == nil {
		return
	}
	d.Event.Start, d.Event.End = d.Event.Start.In(loc), d.Event.End.In(loc)
	if len(d.Enquiries) > 0 {
		es := make([]EnquiryData, len(d.Enquiries))
		for i, e := range d.Enquiries {
			e.ReceivedAt = e.ReceivedAt.In(loc)
			es[i] = e
		}
		d.Enquiries = es
	}
}

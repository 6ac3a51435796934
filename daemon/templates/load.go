package templates

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

// Set is a folder of compiled templates. It is safe for concurrent use.
type Set struct {
	dir     string
	entries map[string]map[string]*entry // name -> lang (lower case) -> entry
	// warnings are the problems that do not stop a template from
	// rendering for every recipient; fields the custom fields read.
	warnings []Problem
	fields   []FieldUse
}

// entry is one NAME.LANG: its headers, text body and optional HTML body.
type entry struct {
	name, lang string
	headers    []header // Subject first
	text       *texttemplate.Template
	html       *htmltemplate.Template // nil without NAME.LANG.html
	// htmlTree is a copy of html's tree as parsed, before html/template
	// escaped it in place: Prepare escapes copies of it.
	htmlTree *parse.Tree
	fields   []FieldUse // the custom fields its parts read
}

type header struct {
	name string
	tmpl *texttemplate.Template
}

// langRE accepts language tags such as en, fr, es, pt-BR, zh-Hant.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// Load compiles every NAME.LANG.txt and NAME.LANG.html in dir. Hidden
// files, folders and files with other extensions are ignored. All
// problems are returned together as a *LoadError; warnings (Check
// reports them) do not fail it.
func Load(dir string) (*Set, error) {
	s, probs, err := load(dir)
	if err != nil {
		return nil, err
	}
	var errs []Problem
	for _, p := range probs {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		return nil, &LoadError{Problems: errs}
	}
	return s, nil
}

// Report is what Check finds in a folder of templates.
type Report struct {
	// Problems are every problem of every file, warnings included, in
	// file and line order.
	Problems []Problem
	// Fields are the custom fields the templates read, errors or not.
	Fields []FieldUse
	// Names are the templates loaded, sorted.
	Names []string
}

// Errors counts the problems that are not warnings: Load fails on them.
func (r *Report) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}

// Check is Load for `herald check`: it reports what Load fails on and
// what it only warns about, and the custom fields each template reads,
// to be compared with the lists' columns.
func Check(dir string) (*Report, error) {
	s, probs, err := load(dir)
	if err != nil {
		return nil, err
	}
	return &Report{Problems: probs, Fields: s.fields, Names: s.Names()}, nil
}

// load compiles dir into a Set and returns it with every problem found.
func load(dir string) (*Set, []Problem, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("load templates: %w", err)
	}
	s := &Set{dir: dir, entries: map[string]map[string]*entry{}}
	var probs []Problem
	// Text files first: an HTML file joins the entry its .txt made.
	for _, ext := range []string{".txt", ".html"} {
		for _, de := range des {
			fn := de.Name()
			if de.IsDir() || strings.HasPrefix(fn, ".") || filepath.Ext(fn) != ext {
				continue
			}
			probs = append(probs, s.loadFile(filepath.Join(dir, fn), fn, ext)...)
		}
	}
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].File != probs[j].File {
			return probs[i].File < probs[j].File
		}
		return probs[i].Line < probs[j].Line
	})
	for _, p := range probs {
		if p.Warning {
			s.warnings = append(s.warnings, p)
		}
	}
	for _, name := range s.Names() {
		for _, lang := range s.Languages(name) {
			s.fields = append(s.fields, s.entries[name][lang].fields...)
		}
	}
	return s, probs, nil
}

// loadFile compiles one file into s.
func (s *Set) loadFile(path, fn, ext string) []Problem {
	base := strings.TrimSuffix(fn, ext)
	dot := strings.LastIndexByte(base, '.')
	if dot <= 0 || !langRE.MatchString(base[dot+1:]) {
		return []Problem{{File: path, Msg: "not a template name: want NAME.LANG" + ext + ", LANG a language code such as en, fr or es"}}
	}
	name, lang := base[:dot], strings.ToLower(base[dot+1:])
	src, err := os.ReadFile(path)
	if err != nil {
		return []Problem{{File: path, Msg: err.Error()}}
	}
	byLang := s.entries[name]
	if ext == ".html" {
		e := byLang[lang]
		if e == nil {
			return []Problem{{File: path, Msg: fmt.Sprintf("has no %s.%s.txt; the text part and its Subject: must exist", name, base[dot+1:])}}
		}
		if e.html != nil {
			return []Problem{{File: path, Msg: "a second HTML file for " + name + "." + lang}}
		}
		return e.compileHTML(path, string(src))
	}
	if byLang[lang] != nil {
		return []Problem{{File: path, Msg: "a second text file for " + name + "." + lang}}
	}
	e := &entry{name: name, lang: lang}
	probs := e.compileText(path, src)
	if byLang == nil {
		byLang = map[string]*entry{}
		s.entries[name] = byLang
	}
	byLang[lang] = e
	return probs
}

// compileText parses the header block and the text templates of a .txt.
func (e *entry) compileText(path string, src []byte) []Problem {
	b, lerrs := parseHeaderBlock(src)
	var probs []Problem
	for _, le := range lerrs {
		probs = append(probs, Problem{File: path, Line: le.Line, Msg: le.Msg})
	}
	fm := funcMap(e.lang)
	for _, f := range b.Fields {
		t, ps := e.parseText(path, atLine(f.Line, f.Value), fm)
		probs = append(probs, ps...)
		if t == nil {
			continue
		}
		h := header{name: f.Name, tmpl: t}
		if f.Name == "Subject" {
			e.headers = append([]header{h}, e.headers...)
		} else {
			e.headers = append(e.headers, h)
		}
	}
	if b.BodyLine == 0 {
		return probs
	}
	t, ps := e.parseText(path, atLine(b.BodyLine, b.Body), fm)
	e.text = t
	return append(probs, ps...)
}

// parseText parses one part of a .txt and checks its fields; the
// template is nil when a problem is not a warning.
func (e *entry) parseText(path, src string, fm map[string]any) (*texttemplate.Template, []Problem) {
	t, parsed, probs := parseAll(path, src, func(s string) (*texttemplate.Template, error) {
		return newText(path, fm).Parse(s)
	})
	var tree *parse.Tree
	if t != nil {
		tree = t.Tree
	}
	probs = append(probs, e.checkFields(path, parsed, tree, fm)...)
	if !warningsOnly(probs) {
		return nil, probs
	}
	return t, probs
}

// checkFields checks a part's field chains and keeps its custom fields.
func (e *entry) checkFields(path, src string, tree *parse.Tree, fm map[string]any) []Problem {
	probs, uses := checkFields(path, src, tree, fm)
	e.fields = append(e.fields, uses...)
	return probs
}

func warningsOnly(probs []Problem) bool {
	for _, p := range probs {
		if !p.Warning {
			return false
		}
	}
	return true
}

// compileHTML parses an .html body. html/template escapes a template on
// its first execution, so a dry run here brings its context errors
// (an action inside an unquoted attribute, say) to load time.
func (e *entry) compileHTML(path, src string) []Problem {
	src = strings.TrimPrefix(src, "\ufeff")
	fm := funcMap(e.lang)
	t, parsed, probs := parseAll(path, src, func(s string) (*htmltemplate.Template, error) {
		return htmltemplate.New(path).Funcs(fm).Option("missingkey=error").Parse(s)
	})
	var tree *parse.Tree
	if t != nil {
		tree = t.Tree // before escaping adds its own functions to it
	}
	probs = append(probs, e.checkFields(path, parsed, tree, fm)...)
	if !warningsOnly(probs) {
		return probs
	}
	asParsed := t.Tree.Copy()
	var he *htmltemplate.Error
	if err := t.Execute(io.Discard, Data{}); errors.As(err, &he) {
		return append(probs, parseProblem(path, he))
	}
	e.html, e.htmlTree = t, asParsed
	return probs
}

func newText(path string, fm map[string]any) *texttemplate.Template {
	return texttemplate.New(path).Funcs(fm).Option("missingkey=error")
}

// atLine prefixes src with a comment of line-1 newlines, so that the
// template package counts lines from the file's start: parse and execute
// errors then carry the line in the file. A comment prints nothing.
func atLine(line int, src string) string {
	if line <= 1 {
		return src
	}
	return "{{/*" + strings.Repeat("\n", line-1) + "*/}}" + src
}

// Warnings returns the problems that did not fail Load, in file and line order.
func (s *Set) Warnings() []Problem { return s.warnings }

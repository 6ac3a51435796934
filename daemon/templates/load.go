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
)

// Set is a folder of compiled templates. It is safe for concurrent use.
type Set struct {
	dir     string
	entries map[string]map[string]*entry // name -> lang (lower case) -> entry
}

// entry is one NAME.LANG: its headers, text body and optional HTML body.
type entry struct {
	name, lang string
	headers    []header // Subject first
	text       *texttemplate.Template
	html       *htmltemplate.Template // nil without NAME.LANG.html
}

type header struct {
	name string
	tmpl *texttemplate.Template
}

// langRE accepts language tags such as en, fr, es, pt-BR, zh-Hant.
var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

// Load compiles every NAME.LANG.txt and NAME.LANG.html in dir. Hidden
// files, folders and files with other extensions are ignored. All
// problems are returned together as a *LoadError.
func Load(dir string) (*Set, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
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
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool {
			if probs[i].File != probs[j].File {
				return probs[i].File < probs[j].File
			}
			return probs[i].Line < probs[j].Line
		})
		return nil, &LoadError{Problems: probs}
	}
	return s, nil
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
		t, err := newText(path, fm).Parse(atLine(f.Line, f.Value))
		if err != nil {
			probs = append(probs, parseProblem(path, err))
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
	t, err := newText(path, fm).Parse(atLine(b.BodyLine, b.Body))
	if err != nil {
		return append(probs, parseProblem(path, err))
	}
	e.text = t
	return probs
}

// compileHTML parses an .html body. html/template escapes a template on
// its first execution, so a dry run here brings its context errors
// (an action inside an unquoted attribute, say) to load time.
func (e *entry) compileHTML(path, src string) []Problem {
	src = strings.TrimPrefix(src, "\ufeff")
	fm := funcMap(e.lang)
	t, err := htmltemplate.New(path).Funcs(fm).Option("missingkey=error").Parse(src)
	if err != nil {
		return []Problem{parseProblem(path, err)}
	}
	var he *htmltemplate.Error
	if err := t.Execute(io.Discard, Data{}); errors.As(err, &he) {
		return []Problem{parseProblem(path, he)}
	}
	e.html = t
	return nil
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

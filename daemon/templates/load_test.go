package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadProblems puts many broken files in one folder: every problem
// must be reported, at once, with its file and line.
func TestLoadProblems(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"ok.en.txt":        "Subject: fine\n\nbody\n",
		"parse.en.txt":     "Subject: s\nX-Tag: t\n\nline 4\nline 5 {{end}}\n",
		"func.fr.txt":      "Subject: s\n\n\n{{nosuch .Lang}}\n",
		"subj.en.txt":      "Subject: {{.Enquiry.Ref\n\nbody\n",
		"nosubject.en.txt": "X-Tag: t\n\nbody\n",
		"replyto.en.txt":   "Subject: s\nReply-To: a@b.c\nX-Herald-Loop: x\nsubject: again\n\nb\n",
		"nobody.en.txt":    "Subject: s\nX-Tag: t\n",
		"bodyfirst.es.txt": "Dear sender,\n\nThanks.\n",
		"cont.en.txt":      " folded\nSubject: s\n\nb\n",
		"empty.en.txt":     "Subject:\nX-A:  \n\nb\n",
		"latin1.fr.txt":    "Subject: s\n\nr\xe9f\xe9rence\n",
		"orphan.en.html":   "<p>x</p>",
		"badhtml.en.txt":   "Subject: s\n\nb\n",
		"badhtml.en.html":  "<p>\n<a href=\"{{.UnsubscribeURL}}>x</a>\n",
		"notes.txt":        "not a template",
		"ack.english.txt":  "Subject: s\n\nb\n",
		"README.md":        "ignored",
		".ack.en.txt.swp":  "ignored",
	})
	_, err := Load(dir)
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load() = %v, want *LoadError", err)
	}
	want := []struct {
		file string
		line int
		msg  string
	}{
		{"ack.english.txt", 0, "not a template name"},
		{"badhtml.en.html", 0, "ends in a non-text context; look for an unclosed quote"},
		{"bodyfirst.es.txt", 1, `"Dear sender," is not a header`},
		{"cont.en.txt", 1, "continuation line before any header"},
		{"empty.en.txt", 1, "Subject has no value"},
		{"empty.en.txt", 2, "X-A has no value"},
		{"func.fr.txt", 4, `function "nosuch" not defined`},
		{"latin1.fr.txt", 3, "not valid UTF-8"},
		{"nobody.en.txt", 2, "no blank line after the headers"},
		{"nosubject.en.txt", 1, "no Subject: header"},
		{"notes.txt", 0, "not a template name"},
		{"orphan.en.html", 0, "has no orphan.en.txt"},
		{"parse.en.txt", 5, "unexpected {{end}}"},
		{"replyto.en.txt", 2, "header Reply-To is not allowed"},
		{"replyto.en.txt", 3, "X-Herald-Loop is set by herald"},
		{"replyto.en.txt", 4, "Subject given twice (first on line 1)"},
		{"subj.en.txt", 1, "unclosed action"},
	}
	got := le.Problems
	for _, w := range want {
		found := false
		for _, p := range got {
			if p.File == filepath.Join(dir, w.file) && p.Line == w.line && strings.Contains(p.Msg, w.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s:%d: %s", w.file, w.line, w.msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(got), len(want), err)
	}
	for _, p := range got {
		if strings.Contains(p.File, "ok.en.txt") || strings.Contains(p.File, "README") || strings.Contains(p.File, ".swp") {
			t.Errorf("unexpected problem %v", p)
		}
	}
	if !strings.Contains(err.Error(), filepath.Join(dir, "parse.en.txt")+":5: ") {
		t.Errorf("Error() lacks file:line:\n%v", err)
	}
}

func TestLoadAccepts(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"bom.en.txt":     "\ufeffSubject: s\r\nX-Tag : t\r\n\r\nline 1\r\nline 2\r\n",
		"blank.en.txt":   "Subject: s\n \t\nb",
		"dots.v2.en.txt": "Subject: s\n\nb",
	})
	r, err := s.Render("bom", []string{"en"}, Data{})
	if err != nil || r.Subject != "s" || r.Headers["X-Tag"] != "t" || r.Text != "line 1\nline 2\n" {
		t.Errorf("Render(bom) = %+v, %v", r, err)
	}
	if !s.Has("dots.v2", "en") || !s.Has("blank", "en") {
		t.Errorf("Names() = %v", s.Names())
	}
}

func TestLoadMissingDir(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none")); err == nil || !strings.Contains(err.Error(), "load templates") {
		t.Errorf("Load(missing) = %v", err)
	}
}

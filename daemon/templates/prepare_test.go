package templates

import (
	"reflect"
	"sync"
	"testing"
	"text/template/parse"
)

// countActions counts the actions of list and of every list under it.
func countActions(list *parse.ListNode) int {
	if list == nil {
		return 0
	}
	n := 0
	for _, node := range list.Nodes {
		switch node := node.(type) {
		case *parse.ActionNode:
			n++
		case *parse.IfNode:
			n += countActions(node.List) + countActions(node.ElseList)
		case *parse.WithNode:
			n += countActions(node.List) + countActions(node.ElseList)
		case *parse.RangeNode:
			n += countActions(node.List) + countActions(node.ElseList)
		}
	}
	return n
}

// TestPrepareInlinesSharedActions: the benchmark template's event, date
// and account actions become text in every part; the contact's stay.
func TestPrepareInlinesSharedActions(t *testing.T) {
	s := loadDir(t, "../../bench/waves/templates")
	d := benchData(t)
	e := s.entries["bench"]["en"]
	pe := s.Prepare("bench", d).entry(e)
	for _, part := range []struct {
		name       string
		orig, prep *parse.Tree
		want       int // actions left: the contact's
	}{
		{"subject", e.headers[0].tmpl.Tree, pe.headers[0].tmpl.Tree, 1},
		{"text", e.text.Tree, pe.text.Tree, 9},
		{"html", e.htmlTree, pe.html.Tree, 9},
	} {
		if got := countActions(part.prep.Root); got != part.want {
			t.Errorf("%s: %d actions left of %d, want %d", part.name, got, countActions(part.orig.Root), part.want)
		}
	}
	// The set's own templates are untouched.
	if got := countActions(e.text.Tree.Root); got != 20 {
		t.Errorf("the loaded text part has %d actions after Prepare, want 20", got)
	}
}

// TestPrepareKeeps: what cannot be inlined renders as Set.Render does:
// an action that fails for the shared data (its error included), actions
// on variables, a template with {{define}}, a header.
func TestPrepareKeeps(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"fail.en.txt": "Subject: {{.Event.Name}}\n\nA {{.Event.Name}} {{.Wave.Name}} {{.Contact.Name}}\n",
		"vars.en.txt": "Subject: {{.Event.Name | upper}} {{$.Contact.Name}}\nX-Tag: {{.Account.Name}}-{{.Lang}}\n\n" +
			"{{$x := .Event.Name}}{{with .Contact}}{{$x}}/{{$.Event.Name}}/{{.Name}}{{end}} {{date .Event.Start}}\n",
		"vars.en.html": `<a href="{{.Event.URL}}?n={{.Contact.Name}}" title="{{.Event.Name}}">{{.Event.Venue}}</a>` +
			`<script>var n = {{.Event.Name}};</script>{{if .Event.URL}}<p>{{.Account.FromName}}</p>{{end}}`,
		"def.en.txt": "Subject: s\n\n{{define \"x\"}}{{.Event.Name}}{{end}}{{template \"x\" .}} {{.Event.Venue}}\n",
	})
	d := sampleData(brussels(t))
	d.Event.Name = `Ana "Bo" & <Co>`
	d.Wave = nil
	for _, name := range []string{"fail", "vars", "def"} {
		want, werr := s.Render(name, []string{"en"}, d)
		got, gerr := s.Prepare(name, d).Render([]string{"en"}, d.Contact, d.UnsubscribeURL)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Errorf("%s: Prepared.Render error %v, Set.Render %v", name, gerr, werr)
			continue
		}
		if werr == nil && (got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML ||
			got.Headers["X-Tag"] != want.Headers["X-Tag"]) {
			t.Errorf("%s: Prepared.Render = %+v, Set.Render %+v", name, got, want)
		}
	}
}

// TestPreparedConcurrent renders one Prepared from many goroutines, in
// every language, as a wave's renderer and previews may (go test -race).
func TestPreparedConcurrent(t *testing.T) {
	s := loadDir(t, "../../templates")
	d := sampleData(brussels(t))
	p := s.Prepare("invitation", d)
	want := map[string]string{}
	for _, lang := range []string{"en", "fr", "es"} {
		r, err := s.Render("invitation", []string{lang}, d)
		if err != nil {
			t.Fatal(err)
		}
		want[lang] = r.Text + r.HTML
	}
	var wg sync.WaitGroup
	for i := range 12 {
		lang := []string{"en", "fr", "es"}[i%3]
		wg.Go(func() {
			r, err := p.Render([]string{lang}, d.Contact, d.UnsubscribeURL)
			if err != nil || r.Text+r.HTML != want[lang] {
				t.Errorf("Render(%s) = %v, differs from Set.Render: %t", lang, err, err == nil)
			}
		})
	}
	wg.Wait()
}

// checkPrepared renders d with e and with e prepared for d's shared
// part: the same error or the same bytes.
func checkPrepared(t testing.TB, e *entry, d Data) {
	t.Helper()
	shared := d
	shared.Contact, shared.UnsubscribeURL = nil, ""
	want, werr := e.render(d)
	got, gerr := e.prepare(shared).render(d)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%s.%s: prepared error %v, unprepared %v", e.name, e.lang, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s.%s: prepared render differs:\n%+v\n---- unprepared:\n%+v", e.name, e.lang, got, want)
	}
}

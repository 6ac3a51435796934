package web

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDashboardParsesEveryPage: Dashboard, which the daemon calls at its
// start, parses every embedded page, so that a broken one stops the start
// (see TestBrokenPageStopsParse) rather than failing a request.
func TestDashboardParsesEveryPage(t *testing.T) {
	f := newFixture(t, apiToken, true)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("Glob(templates/*.html) = %v, %v", names, err)
	}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "parts" || name == "charts" {
			continue
		}
		if f.srv.pages[name] == nil || f.srv.pages[name].Lookup("layout") == nil {
			t.Errorf("page %s not parsed with the layout by Dashboard", name)
		}
	}
}

// TestBrokenPageStopsParse: a page that does not parse panics in
// parsePages (template.Must), naming the page, as it panicked at package
// initialisation before parsing moved to Dashboard.
func TestBrokenPageStopsParse(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, n := range []string{"layout", "parts", "charts", "login"} {
		b, err := fs.ReadFile(templateFS, "templates/"+n+".html")
		if err != nil {
			t.Fatal(err)
		}
		fsys["templates/"+n+".html"] = &fstest.MapFile{Data: b}
	}
	if got := parsePages(fsys); got["login"] == nil {
		t.Fatalf("the good pages alone do not parse: %v", got)
	}
	fsys["templates/broken.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{if .Data}}unclosed{{end}}`)}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "broken.html") {
			t.Fatalf("parsePages with a broken page: recovered %v, want a panic naming broken.html", r)
		}
	}()
	parsePages(fsys)
}

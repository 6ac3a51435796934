package web

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// TestTemplatesPage: the templates page lists every template with its
// languages and waves, reports what herald check would (a template that
// does not parse, with its file and line; a custom field no list has),
// and renders a template for a chosen contact; a bad pick says why.
func TestTemplatesPage(t *testing.T) {
	f := newFixture(t, apiToken, true)
	seed(t, f)
	dir := t.TempDir()
	src := testconfig.RepoTemplates()
	des, _ := os.ReadDir(src)
	for _, de := range des {
		b, err := os.ReadFile(filepath.Join(src, de.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, de.Name()), b, 0o600)
	}
	os.WriteFile(filepath.Join(dir, "broken.en.txt"), []byte("Subject: Hello\n\nDear {{.Contact.Name\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "seat.en.txt"), []byte("Subject: Your seat\n\nRow {{index .Contact.Fields \"sead\"}}\n"), 0o600)
	f.cfg.Templates = dir

	alice := f.client(t)
	f.login(t, alice, "alice", alicePassword)
	code, body := do(t, alice, "GET", f.ts.URL+"/templates", nil, nil)
	if code != 200 {
		t.Fatalf("GET /templates: %d\n%s", code, body)
	}
	for _, want := range []string{
		`<tr data-template="invitation">`, `<a href="/waves/invitation">invitation</a>`, `href="/templates?pick=invitation.fr#h-trender"`,
		`<code>broken.en.txt:3</code>`, `<tr data-template="broken">`,
		`<code>seat.en.txt:3</code>: warning: custom field &#34;sead&#34; is a column of no list`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("templates page lacks %s", want)
		}
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/templates?pick=invitation.en&contact=maire@dakar.example", nil, nil)
	if code != 200 || !strings.Contains(body, `id="rendered-text"`) || !strings.Contains(body, "Dear Soham El Wardini") {
		t.Errorf("render for a contact: %d\n%s", code, body)
	}
	if code, body := do(t, alice, "GET", f.ts.URL+"/templates?pick=invitation.de", nil, nil); code != 404 || !strings.Contains(body, "has no language") {
		t.Errorf("render in a missing language: %d", code)
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/api/v1/templates/ack/render?lang=fr", nil, nil)
	if code != 200 || !strings.Contains(body, "REF-0001") {
		t.Errorf("API render of ack: %d %s", code, body)
	}
	code, body = do(t, alice, "GET", f.ts.URL+"/api/v1/templates", nil, nil)
	rep := decode[struct {
		Errors   int
		Problems []struct{ File string }
	}](t, body)
	if code != 200 || rep.Errors < 1 || len(rep.Problems) < 2 {
		t.Errorf("API templates: %d %+v", code, rep)
	}
	bob := f.client(t)
	f.login(t, bob, "bob", bobPassword)
	if code, _ := do(t, bob, "GET", f.ts.URL+"/templates?pick=invitation.en&contact=maire@dakar.example", nil, nil); code != 404 {
		t.Errorf("bob renders another account's contact: %d", code)
	}
	// The templates are one folder for every account; the waves that use
	// them are shown only to those who may see the wave's account.
	if code, body := do(t, bob, "GET", f.ts.URL+"/templates", nil, nil); code != 200 || !strings.Contains(body, `<tr data-template="invitation">`) ||
		strings.Contains(body, `href="/waves/invitation"`) || !strings.Contains(body, `href="/waves/briefing"`) {
		t.Errorf("bob's templates page: %d, want the template without habitat's wave:\n%s", code, body)
	}
	_, body = do(t, bob, "GET", f.ts.URL+"/api/v1/templates", nil, nil)
	for _, tm := range decode[struct {
		Templates []struct {
			Name  string
			Waves []string
		}
	}](t, body).Templates {
		if tm.Name == "invitation" && !slices.Equal(tm.Waves, []string{"briefing"}) {
			t.Errorf("bob's API templates: invitation sent by %v, want only unep's briefing", tm.Waves)
		}
	}
}

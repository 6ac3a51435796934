package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// copyTemplates copies the shipped templates into a fresh folder.
func copyTemplates(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "templates")
	if err := os.CopyFS(dir, os.DirFS(testconfig.RepoTemplates())); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCheckFindsTemplateTypos: herald check reports every template
// mistake at once, with file, line and the name meant, and warns about a
// custom field that no list has, next to the list files' problems.
func TestCheckFindsTemplateTypos(t *testing.T) {
	tdir := copyTemplates(t)
	inv := filepath.Join(tdir, "invitation.en.txt")
	writeFile(t, inv, "Subject: Invitation – {{.Event.Nmae}}\n\n"+
		"Dear {{.Contact.Name\n"+
		"of {{.Contact.Organistion}},\n"+
		"{{index .Contact.Fields \"Remarque\"}} {{index .Contact.Fields \"salutaton\"}} {{index .Contact.Fields \"salutation\"}}\n")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "mayors.csv"), "email,name,salutation,delegation\n"+
		"a@mechelen.example,A,Dear A,3\nnot-an-address,B,,\n")
	cfg := writeFile(t, filepath.Join(dir, "config.yaml"), testconfig.Head("herald.db", tdir, true, "info")+`accounts:
  - name: habitat
    address: decorte@un.org
lists:
  - name: mayors
    file: mayors.csv
  - name: press
waves:
  - name: invitation
    account: habitat
    list: mayors
    template: invitation
    at: 2030-01-01T09:00:00Z
`)
	code, out, errOut := herald(t, cfg, "check")
	if code != ExitUsage || strings.Contains(out, "ok") {
		t.Fatalf("check = exit %d, stdout %q, want 2 and no ok\n%s", code, out, errOut)
	}
	for _, want := range []string{
		inv + ":1: .Event.Nmae: Event has no field Nmae; did you mean Name?",
		inv + `:3: unclosed action: this "{{" has no "}}" ({{.Contact.Name)`,
		inv + ":4: .Contact.Organistion: Contact has no field Organistion; did you mean Organisation?",
		inv + `:5: warning: custom field "Remarque" is a column of no list, so it is empty for every contact; the lists' other columns are "delegation", "salutation"`,
		inv + `:5: warning: custom field "salutaton" is a column of no list, so it is empty for every contact; did you mean "salutation"?`,
		"mayors.csv:3:",
		"3 problem(s) in the templates",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, `"salutation" is a column of no list`) {
		t.Errorf("check warned about a column the list has:\n%s", errOut)
	}
}

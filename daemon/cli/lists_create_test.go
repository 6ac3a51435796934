package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// TestListsCreate: a list made without YAML is listed with its origin,
// takes imports and can be a wave's list; config.yaml wins a clash.
func TestListsCreate(t *testing.T) {
	cfg := testConfig(t)
	if code, out, errOut := herald(t, cfg, "lists", "create", "ngos", "--account", "habitat"); code != ExitOK ||
		!strings.Contains(out, "list ngos created in the database") {
		t.Fatalf("lists create = %d\n%s%s", code, out, errOut)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"lists", "create", "ngos"}, "list ngos already exists"},
		{[]string{"lists", "create", "press"}, "list press is already named in"},
		{[]string{"lists", "create", "x", "--account", "nope"}, "account nope: no such account"},
	} {
		if code, _, errOut := herald(t, cfg, tt.args...); code != ExitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v = %d %s, want %q", tt.args, code, errOut, tt.want)
		}
	}
	csvPath := writeFile(t, filepath.Join(t.TempDir(), "ngos.csv"), "Courriel;Nom\ncontact@ong.example;ONG\n")
	if code, out, errOut := herald(t, cfg, "lists", "import", "ngos", csvPath); code != ExitOK || !strings.Contains(out, "ngos: 1 added") {
		t.Fatalf("import into a created list = %d\n%s%s", code, out, errOut)
	}
	code, out, _ := herald(t, cfg, "lists", "--json")
	var rows []struct {
		Name, Origin, Account string
		Contacts              int
	}
	if err := json.Unmarshal([]byte(out), &rows); code != ExitOK || err != nil || len(rows) != 3 {
		t.Fatalf("lists --json = %d %v\n%s", code, err, out)
	}
	if r := rows[1]; r.Name != "ngos" || r.Origin != "database" || r.Account != "habitat" || r.Contacts != 1 {
		t.Errorf("ngos = %+v", r)
	}
	if r := rows[0]; r.Name != "mayors" || r.Origin != "config" {
		t.Errorf("mayors = %+v", r)
	}

	// A wave on the created list: check finds it in the database, and a
	// wave on a list that exists nowhere fails check.
	base, _ := os.ReadFile(cfg)
	wave := "waves:\n  - {name: w, account: habitat, list: ngos, template: invitation, cron: '@daily'}\n"
	writeFile(t, cfg, string(base)+wave)
	if code, out, errOut := herald(t, cfg, "check"); code != ExitOK || strings.Contains(errOut, "ngos") {
		t.Errorf("check with a wave on a created list = %d\n%s%s", code, out, errOut)
	}
	writeFile(t, cfg, string(base)+strings.Replace(wave, "ngos", "ngo", 1))
	if code, _, errOut := herald(t, cfg, "check"); code == ExitOK || !strings.Contains(errOut, `no list is named "ngo", neither under lists: nor in the database`) {
		t.Errorf("check with a wave on a missing list = %d\n%s", code, errOut)
	}

	// The config names ngos too: it wins, and lists says so.
	writeFile(t, cfg, strings.Replace(string(base), "  - name: press\n", "  - name: press\n  - name: ngos\n", 1))
	code, out, errOut := herald(t, cfg, "lists")
	if code != ExitOK || !strings.Contains(out, "config (also created in the database)") ||
		!strings.Contains(errOut, "warning: list ngos was created in the database (by cli") {
		t.Errorf("lists with a clash = %d\n%s%s", code, out, errOut)
	}
}

// TestListsImportSpreadsheets: a French Excel CSV and a workbook with
// --sheet and --map, what was assumed on stderr, and no silent zero.
func TestListsImportSpreadsheets(t *testing.T) {
	cfg := testConfig(t)
	dir := t.TempDir()
	fr, _ := charmap.Windows1252.NewEncoder().String("Adresse e-mail;Prénom;Nom;Langue\r\nmaire@montreal.example;Valérie;Plante;Français\r\n")
	path := writeFile(t, filepath.Join(dir, "maires.csv"), fr)
	code, out, errOut := herald(t, cfg, "lists", "import", "mayors", path)
	if code != ExitOK || !strings.Contains(out, "1 added") || !strings.Contains(errOut, path+": read as Windows-1252, separator ';'") {
		t.Fatalf("import of a French Excel CSV = %d\n%s%s", code, out, errOut)
	}
	if _, out, _ := herald(t, cfg, "contacts", "show", "maire@montreal.example", "--json"); !strings.Contains(out, `"name": "Valérie Plante"`) {
		t.Errorf("contact = %s", out)
	}

	f := excelize.NewFile()
	f.NewSheet("Presse")
	f.SetSheetRow("Presse", "A1", &[]any{"Journaliste", "Mail pro", "Média"})
	f.SetSheetRow("Presse", "A2", &[]any{"Ana", "ana@diario.example", "Diario"})
	xlsx := filepath.Join(dir, "presse.xlsx")
	if err := f.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = herald(t, cfg, "lists", "import", "press", xlsx, "--sheet", "Presse", "--map", "Mail pro=email",
		"--map", "Journaliste=name", "--map", "Média=organisation")
	if code != ExitOK || !strings.Contains(out, "press: 1 added") {
		t.Fatalf("import of a workbook = %d\n%s%s", code, out, errOut)
	}

	empty := writeFile(t, filepath.Join(dir, "empty.csv"), "email,name\r\n")
	if code, _, errOut := herald(t, cfg, "lists", "import", "mayors", empty); code != ExitFailure ||
		!strings.Contains(errOut, "has a header but no rows under it: nothing was imported") {
		t.Errorf("import of a header alone = %d %s", code, errOut)
	}
	bad := writeFile(t, filepath.Join(dir, "bad.csv"), "email\nnot-an-address\n")
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", bad); code != ExitFailure ||
		!strings.Contains(out, bad+":2:") || !strings.Contains(errOut, "every row was rejected") {
		t.Errorf("import of bad rows only = %d\n%s%s", code, out, errOut)
	}
}

// TestListsExportExcel: --excel is Excel's CSV UTF-8, --output FILE.xlsx
// a workbook, and both import back unchanged.
func TestListsExportExcel(t *testing.T) {
	cfg := testConfig(t)
	csvPath := writeFile(t, filepath.Join(t.TempDir(), "mayors.csv"), mayorsCSV)
	if code, _, _ := herald(t, cfg, "lists", "import", "mayors", csvPath); code != ExitOK {
		t.Fatal("import failed")
	}
	code, out, _ := herald(t, cfg, "lists", "export", "mayors", "--excel")
	if code != ExitOK || !strings.HasPrefix(out, "\ufeffemail,name,") || !strings.Contains(out, "Valérie Plante") ||
		strings.Count(out, "\r\n") != 4 {
		t.Errorf("export --excel = %d %q", code, out)
	}
	xlsx := filepath.Join(t.TempDir(), "mayors.xlsx")
	if code, out, errOut := herald(t, cfg, "lists", "export", "mayors", "--output", xlsx); code != ExitOK || out != "" {
		t.Fatalf("export --output = %d\n%s%s", code, out, errOut)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.GetCellValue("Sheet1", "B3")
	f.Close()
	if v != "Valérie Plante" {
		t.Errorf("B3 = %q", v)
	}
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", xlsx); code != ExitOK ||
		!strings.Contains(out, "0 added, 0 updated, 3 unchanged, 0 rejected") {
		t.Errorf("import of the exported workbook = %d\n%s%s", code, out, errOut)
	}
}

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/testconfig"
)

// testConfig writes a sandbox config with the lists mayors (from a file)
// and press into a temp folder and returns its path.
func testConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "lists"), 0o700)
	writeFile(t, filepath.Join(dir, "lists", "mayors.csv"), "email,name\n")
	cfg := testconfig.Head("data/herald.db", testconfig.RepoTemplates(), true, "info") + `accounts:
  - name: habitat
    address: decorte@un.org
lists:
  - name: mayors
    file: lists/mayors.csv
  - name: press
`
	path := filepath.Join(dir, "config.yaml")
	writeFile(t, path, cfg)
	return path
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// herald runs the CLI in-process as `herald --config cfg args...`.
func herald(t *testing.T, cfg string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(append([]string{"--config", cfg}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const mayorsCSV = "\ufeffemail;name;language;organisation;title;city;country;salutation\n" +
	"bart@mechelen.example;Bart Somers;en;City of Mechelen;Mayor;Mechelen;BE;Dear Mayor Somers\n" +
	"maire@montreal.example;Valérie Plante;fr;Ville de Montréal;Mairesse;Montréal;CA;Madame la Mairesse\n" +
	"alcaldia@barcelona.example;Ada Colau;es;Ajuntament de Barcelona;Alcaldesa;Barcelona;ES;Estimada Alcaldesa\n" +
	"Bart@Mechelen.example;Bart;en;;;;;\n" +
	"mayor@kampala;Erias Lukwago;en;KCCA;Lord Mayor;Kampala;UG;\n"

func TestListsImportExportEndToEnd(t *testing.T) {
	cfg := testConfig(t)
	csvPath := writeFile(t, filepath.Join(t.TempDir(), "mayors.csv"), mayorsCSV)

	code, out, errOut := herald(t, cfg, "lists", "import", "mayors", csvPath, "--dry-run")
	if code != ExitOK || !strings.Contains(out, "mayors: 3 added, 0 updated, 0 unchanged, 2 rejected (dry run: nothing written)") {
		t.Fatalf("import --dry-run = %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := herald(t, cfg, "lists", "--json"); code != ExitOK || !strings.Contains(out, `"contacts":0`) {
		t.Errorf("lists after a dry run = %d %s; want mayors empty", code, out)
	}

	code, out, errOut = herald(t, cfg, "lists", "import", "mayors", csvPath)
	if code != ExitOK {
		t.Fatalf("import = %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		csvPath + ":5: duplicate of line 2",
		csvPath + `:6: "mayor@kampala": domain "kampala" has no dot`,
		"mayors: 3 added, 0 updated, 0 unchanged, 2 rejected\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = herald(t, cfg, "lists", "import", "mayors", csvPath, "--json")
	var rep struct {
		Added, Updated, Unchanged int
		Rejected                  []struct {
			Line   int
			Reason string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); code != ExitOK || err != nil {
		t.Fatalf("import --json = %d %v\n%s", code, err, out)
	}
	if rep.Unchanged != 3 || len(rep.Rejected) != 2 || rep.Rejected[0].Line != 5 {
		t.Errorf("re-import --json = %+v", rep)
	}

	if code, out, _ := herald(t, cfg, "contacts", "unsubscribe", "MAIRE@montreal.example", "--reason", "asked by phone"); code != ExitOK ||
		!strings.Contains(out, "unsubscribed from mayors (by cli:") {
		t.Errorf("unsubscribe = %d %s", code, out)
	}

	code, out, _ = herald(t, cfg, "lists", "--json")
	var counts []map[string]any
	if err := json.Unmarshal([]byte(out), &counts); code != ExitOK || err != nil || len(counts) != 2 {
		t.Fatalf("lists --json = %d %v\n%s", code, err, out)
	}
	if counts[0]["name"] != "mayors" || counts[0]["contacts"] != 3.0 || counts[0]["subscribed"] != 2.0 ||
		counts[0]["unsubscribed"] != 1.0 || counts[1]["name"] != "press" {
		t.Errorf("lists --json = %s", out)
	}
	if rsvp, _ := counts[0]["rsvp"].(map[string]any); rsvp["none"] != 3.0 {
		t.Errorf("lists --json rsvp = %v", counts[0]["rsvp"])
	}
	if code, out, _ := herald(t, cfg, "lists"); code != ExitOK || !strings.Contains(out, "NO ANSWER") || !strings.Contains(out, "press") {
		t.Errorf("lists = %d\n%s", code, out)
	}

	code, out, _ = herald(t, cfg, "lists", "export", "mayors")
	wantCSV := "email,name,language,organisation,title,city,country,salutation,status,rsvp,bounces\n" +
		"bart@mechelen.example,Bart Somers,en,City of Mechelen,Mayor,Mechelen,BE,Dear Mayor Somers,subscribed,none,0\n" +
		"maire@montreal.example,Valérie Plante,fr,Ville de Montréal,Mairesse,Montréal,CA,Madame la Mairesse,unsubscribed,none,0\n" +
		"alcaldia@barcelona.example,Ada Colau,es,Ajuntament de Barcelona,Alcaldesa,Barcelona,ES,Estimada Alcaldesa,subscribed,none,0\n"
	if code != ExitOK || out != wantCSV {
		t.Errorf("export = %d\n%s\nwant\n%s", code, out, wantCSV)
	}
	if code, out, _ := herald(t, cfg, "lists", "export", "mayors", "--status", "unsubscribed"); code != ExitOK ||
		strings.Count(out, "\n") != 2 || !strings.Contains(out, "maire@montreal.example") {
		t.Errorf("export --status unsubscribed = %d\n%s", code, out)
	}

	// The export imports back unchanged: its status column is ignored.
	exported := writeFile(t, filepath.Join(t.TempDir(), "export.csv"), out)
	if code, out, _ := herald(t, cfg, "lists", "import", "mayors", exported); code != ExitOK ||
		!strings.Contains(out, "0 added, 0 updated, 3 unchanged, 0 rejected") {
		t.Errorf("import of the export = %d\n%s", code, out)
	}
	if code, out, _ := herald(t, cfg, "contacts", "show", "maire@montreal.example", "--json"); code != ExitOK ||
		!strings.Contains(out, `"status": "unsubscribed"`) {
		t.Errorf("after importing the export, status = %d\n%s", code, out)
	}
}

func TestListsImportFailures(t *testing.T) {
	cfg := testConfig(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown list", []string{"lists", "import", "mayor", writeFile(t, filepath.Join(dir, "a.csv"), "email\na@x.example\n")},
			ExitUsage, `unknown list "mayor" (known: mayors, press)`},
		{"missing file", []string{"lists", "import", "mayors", filepath.Join(dir, "missing.csv")}, ExitFailure, "no such file"},
		{"no email column", []string{"lists", "import", "mayors", writeFile(t, filepath.Join(dir, "b.csv"), "name,city\nBart,Mechelen\n")},
			ExitFailure, `header "name,city" has no email column`},
		{"empty file", []string{"lists", "import", "mayors", writeFile(t, filepath.Join(dir, "c.csv"), "")}, ExitFailure, "empty"},
		{"one argument", []string{"lists", "import", "mayors"}, ExitUsage, "want 2 to 2 arguments"},
		{"bad status", []string{"lists", "export", "mayors", "--status", "gone"}, ExitUsage, "--status"},
		{"unknown export", []string{"lists", "export", "nope"}, ExitUsage, "unknown list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := herald(t, cfg, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("%v = %d\nstdout: %s\nstderr: %s\nwant %d and %q", tt.args, code, out, errOut, tt.code, tt.want)
			}
		})
	}
	// A configured list that was never imported exports as a header.
	if code, out, _ := herald(t, cfg, "lists", "export", "press"); code != ExitOK || !strings.HasPrefix(out, "email,name,") {
		t.Errorf("export press = %d %q", code, out)
	}
}

func TestListsImportProgressLines(t *testing.T) {
	cfg := testConfig(t)
	var b strings.Builder
	b.WriteString("email,name\n")
	for i := range 25000 {
		fmt.Fprintf(&b, "c%d@x.example,C %d\n", i, i)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "big.csv"), b.String())
	code, out, errOut := herald(t, cfg, "lists", "import", "mayors", path)
	if code != ExitOK || !strings.Contains(out, "25000 added") {
		t.Fatalf("import = %d\n%s%s", code, out, errOut)
	}
	// stderr is no terminal here: plain lines, no bar.
	want := "import mayors: 10000 rows read\nimport mayors: 20000 rows read\nimport mayors: 25000 rows read\n"
	if errOut != want {
		t.Errorf("progress on stderr = %q, want %q", errOut, want)
	}
}

func TestListsImportHelpTellsExitCodes(t *testing.T) {
	code, out, _ := herald(t, testConfig(t), "lists", "import", "--help")
	if code != ExitOK || !strings.Contains(out, "Exit code: 0 when the file was imported, even with rejected rows") {
		t.Errorf("lists import --help = %d\n%s", code, out)
	}
}

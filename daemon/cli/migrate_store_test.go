package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/app"
	"github.com/herald-mail/herald/daemon/realserver"
)

// TestMigrateStoreToPostgres: migrate-store copies the SQLite database
// into PostgreSQL, and the commands then work on the copy alone.
func TestMigrateStoreToPostgres(t *testing.T) {
	pg := realserver.StartPostgresForTest(t)
	url := pg.Database(t)
	cfg := testConfig(t)
	csvPath := writeFile(t, filepath.Join(t.TempDir(), "mayors.csv"), mayorsCSV)
	if code, out, errOut := herald(t, cfg, "lists", "import", "mayors", csvPath); code != ExitOK {
		t.Fatalf("import = %d\n%s%s", code, out, errOut)
	}

	if code, _, errOut := herald(t, cfg, "migrate-store"); code != ExitUsage || !strings.Contains(errOut, "--to postgres://") {
		t.Errorf("migrate-store without --to = %d %s; want a usage error naming --to", code, errOut)
	}
	db := filepath.Join(filepath.Dir(cfg), "data", "herald.db")
	release, err := app.LockSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := herald(t, cfg, "migrate-store", "--to", url); code == ExitOK || !strings.Contains(errOut, "stop it first") {
		t.Errorf("migrate-store while a daemon runs = %d %s; want it refused", code, errOut)
	}
	release()

	code, out, errOut := herald(t, cfg, "migrate-store", "--to", url)
	if code != ExitOK || !strings.Contains(out, "contacts  3") || !strings.Contains(out, "counts checked") {
		t.Fatalf("migrate-store = %d\n%s%s", code, out, errOut)
	}
	// The same config on the copy: only the database changes.
	src, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	pgCfg := writeFile(t, filepath.Join(filepath.Dir(cfg), "config-pg.yaml"), strings.Replace(string(src), "data/herald.db", url, 1))
	if code, out, errOut := herald(t, pgCfg, "lists", "--json"); code != ExitOK || !strings.Contains(out, `"contacts":3`) {
		t.Errorf("lists on the PostgreSQL copy = %d %s%s; want mayors with 3 contacts", code, out, errOut)
	}
	if code, _, errOut := herald(t, cfg, "migrate-store", "--to", url); code == ExitOK || !strings.Contains(errOut, "not empty") {
		t.Errorf("migrate-store into a filled database = %d %s; want it refused", code, errOut)
	}
}

package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/herald-mail/herald/daemon/realserver"
)

// Every test of this package runs twice: once on SQLite, once on
// PostgreSQL (a server of its own for the package, a database of its own
// per test). TestMain runs the whole suite once per engine, and each
// test opens its store with openTest, which gives the current engine's;
// a test of one engine's own behaviour says so with sqliteOnly.
var (
	testEngine = "sqlite"
	pgServer   *realserver.Postgres
	pgErr      error
)

func TestMain(m *testing.M) {
	os.Exit(realserver.RunOnBothEngines(m, func(pg *realserver.Postgres, err error) {
		testEngine, pgServer, pgErr = "postgres", pg, err
	}))
}

// openTest opens an empty store on the current engine, closed when the
// test ends.
func openTest(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(context.Background(), testDatabase(tb))
	if err != nil {
		tb.Fatalf("Open() on %s = %v", testEngine, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// testDatabase is a new, empty database on the current engine: a file
// in a temporary folder, or a database on the package's PostgreSQL.
func testDatabase(tb testing.TB) string {
	tb.Helper()
	engine := testEngine
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("engine: %s", engine)
		}
	})
	if engine == "sqlite" {
		return filepath.Join(tb.TempDir(), "sub", "herald.db")
	}
	if pgErr != nil {
		realserver.PostgresUnavailable(tb, pgErr)
	}
	return pgServer.Database(tb)
}

// sqliteOnly skips a test of SQLite's own behaviour (the file, its
// pragmas, backups) in the PostgreSQL pass.
func sqliteOnly(tb testing.TB) {
	tb.Helper()
	if testEngine != "sqlite" {
		tb.Skip("SQLite only")
	}
}

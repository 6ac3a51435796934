package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/herald-mail/herald/daemon/app"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "migrate-store", args: "--to postgres://USER@HOST/DB?sslmode=require",
		summary: "copy the SQLite database into a new PostgreSQL database, every table in one transaction; the daemon must be stopped",
		run:     runMigrateStore,
	})
}

// runMigrateStore copies the configured SQLite database into the
// PostgreSQL database of --to. It holds the daemon's lock on the SQLite
// file throughout, so no daemon writes rows the copy would miss.
func runMigrateStore(e *env, args []string) error {
	c := commands["migrate-store"]
	fs := e.flags(c)
	to := fs.String("to", "", "the PostgreSQL database to copy into (postgres://...); a password can come from PGPASSWORD or ~/.pgpass")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	if !store.IsPostgres(*to) {
		return usagef("migrate-store needs --to postgres://user@host/db?sslmode=require (got %q)", store.Redact(*to))
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if store.IsPostgres(cfg.Database) {
		return fmt.Errorf("database: is already PostgreSQL (%s); migrate-store copies a SQLite file", store.Redact(cfg.Database))
	}
	release, err := app.LockSQLite(cfg.Database)
	if err != nil {
		return err // says who runs on it
	}
	defer release()
	counts, err := store.CopyToPostgres(e.ctx, cfg.Database, *to)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	var total int64
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Table, c.Rows)
		total += c.Rows
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "copied %d rows in %d tables from %s to %s (schema %d, counts checked)\n",
		total, len(counts), cfg.Database, store.Redact(*to), store.SchemaVersion())
	fmt.Fprintf(e.stdout, "next: set database: to that URL in %s and start herald run; keep %s as a backup\n", e.configPath, cfg.Database)
	return nil
}

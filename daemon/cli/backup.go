package cli

import (
	"fmt"

	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "backup", args: "FILE [--force]",
		summary: "copy the database to FILE, consistently, while the daemon runs; the copy is checked before it is kept",
		run:     runBackup,
	})
}

// runBackup copies the configured database. It needs only the database
// path from the config, but loads the whole config like every command so
// that a backup job notices a broken config too.
func runBackup(e *env, args []string) error {
	c := commands["backup"]
	fs := e.flags(c)
	force := fs.Bool("force", false, "replace FILE if it exists")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	res, err := store.Backup(e.ctx, cfg.Database, pos[0], *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (schema %d, %s, integrity ok)\n", cfg.Database, res.File, res.Schema, size(res.Bytes))
	return nil
}

// size prints a byte count the way a person reads it.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

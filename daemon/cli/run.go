package cli

import (
	"github.com/herald-mail/herald/daemon/app"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run the daemon: inbox watchers, scheduler, sender, web; SIGHUP reloads, SIGTERM/SIGINT stop",
		run:     runDaemon,
	})
}

func runDaemon(e *env, args []string) error {
	c := commands["run"]
	if _, err := parse(e.flags(c), args, 0, 0); err != nil {
		return err
	}
	err := app.Run(e.ctx, app.Options{ConfigPath: e.configPath, Version: Version(), Stdout: e.stdout, Stderr: e.stderr})
	if err != nil {
		return err
	}
	return nil
}

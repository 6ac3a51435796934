package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/herald-mail/herald/daemon/app"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/store"
)

func init() {
	register(&command{
		name: "check", args: "[--connect]",
		summary: "validate config, templates and list files; --connect also logs in to every IMAP and SMTP server",
		run:     runCheck,
	})
}

func runCheck(e *env, args []string) error {
	c := commands["check"]
	fs := e.flags(c)
	connect := fs.Bool("connect", false, "also log in to every account's IMAP and SMTP server and report each result")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	warnings, listErr := e.checkWaveLists(cfg)
	// Warnings do not fail the check: herald runs with them.
	for _, w := range warnings {
		fmt.Fprintln(e.stderr, warningLine(w))
	}
	// Templates and list files are both checked before failing: every
	// problem is reported at once.
	tmpl, terr := e.checkTemplates(cfg)
	if err := e.checkListFiles(cfg); err != nil {
		if terr != nil {
			return fmt.Errorf("%w\nherald: %v", terr, err)
		}
		return err
	}
	if terr != nil {
		return terr
	}
	if listErr != nil {
		return listErr
	}
	fmt.Fprintf(e.stdout, "%s: ok (%d accounts, %d lists, %d waves, %d triage rules, %d templates)\n",
		cfg.Path, len(cfg.Accounts), len(cfg.Lists), len(cfg.Waves), len(cfg.Triage.Rules), len(tmpl.Names))
	if !*connect {
		return nil
	}
	if cfg.Sandbox.Enabled {
		if err := e.useRunningSandbox(cfg); err != nil {
			return err
		}
	}
	failed := 0
	for _, a := range cfg.Accounts {
		failed += e.report(a.Name, "imap", a.IMAP.Host, a.IMAP.Port, a.IMAP.Security, func(ctx context.Context) error {
			return mailconn.CheckIMAP(ctx, a.IMAP)
		})
		failed += e.report(a.Name, "smtp", a.SMTP.Host, a.SMTP.Port, a.SMTP.Security, func(ctx context.Context) error {
			return mailconn.CheckSMTP(ctx, a.SMTP)
		})
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d connections failed", failed, 2*len(cfg.Accounts))
	}
	return nil
}

// warningLine is w as a config error prints, marked as a warning:
// "file:line: key: warning: msg".
func warningLine(w *config.Error) string {
	c := *w
	c.Msg = "warning: " + c.Msg
	return c.Error()
}

// connectTimeout is what check --connect gives each server: a server
// that has not answered by then will not, and a chain of closed-connection
// errors after a long wait tells the user less than saying so.
var connectTimeout = 10 * time.Second

// report runs one connection check with a deadline and prints its line.
func (e *env) report(account, proto, host string, port int, security string, check func(context.Context) error) int {
	ctx, cancel := context.WithTimeout(e.ctx, connectTimeout)
	defer cancel()
	start := time.Now()
	err := check(ctx)
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && e.ctx.Err() == nil {
			err = noAnswer(err)
		}
		fmt.Fprintf(e.stdout, "%-12s %s %-28s %-8s FAILED: %v\n", account, proto, addr, security, err)
		return 1
	}
	fmt.Fprintf(e.stdout, "%-12s %s %-28s %-8s ok (%s)\n", account, proto, addr, security, time.Since(start).Round(time.Millisecond))
	return 0
}

// noAnswer is the error of a check cut by its deadline, with the step it
// was at when mailconn knows it.
func noAnswer(err error) error {
	msg := fmt.Sprintf("no answer from the server within %g s", connectTimeout.Seconds())
	var me *mailconn.Error
	if errors.As(err, &me) && me.Op != "" {
		msg += fmt.Sprintf(" (at %s)", me.Op)
	}
	return errors.New(msg + "; check host, port and security, and that no firewall drops the connection")
}

// useRunningSandbox points the accounts at the sandbox of the daemon that
// is running on this database: in sandbox mode that is where the servers are.
func (e *env) useRunningSandbox(cfg *config.Config) error {
	imapAddr, smtpAddr, err := e.sandboxAddrs(cfg)
	if err != nil {
		return err
	}
	app.PointAtSandbox(cfg, imapAddr, smtpAddr)
	return nil
}

// sandboxAddrs finds the running sandbox: the config's fixed addresses, or
// the ones the daemon published in the database.
func (e *env) sandboxAddrs(cfg *config.Config) (imapAddr, smtpAddr string, err error) {
	if cfg.Sandbox.IMAP != "" && cfg.Sandbox.SMTP != "" {
		return cfg.Sandbox.IMAP, cfg.Sandbox.SMTP, nil
	}
	st, err := store.Open(e.ctx, cfg.Database)
	if err != nil {
		return "", "", err
	}
	defer st.Close()
	imapAddr, ok1, err1 := st.Runtime(e.ctx, store.RuntimeSandboxIMAP)
	smtpAddr, ok2, err2 := st.Runtime(e.ctx, store.RuntimeSandboxSMTP)
	if err1 != nil || err2 != nil {
		return "", "", fmt.Errorf("read sandbox addresses: %v %v", err1, err2)
	}
	if !ok1 || !ok2 {
		return "", "", fmt.Errorf("the sandbox is not running (no daemon on %s): start it with 'herald run'", store.Redact(cfg.Database))
	}
	if ci := cfg.Sandbox.IMAP; ci != "" {
		imapAddr = ci
	}
	if cs := cfg.Sandbox.SMTP; cs != "" {
		smtpAddr = cs
	}
	return imapAddr, smtpAddr, nil
}

// checkListFiles reads every lists[].file as an import would, into a
// scratch database (the real one is not touched), and reports each
// rejected row as FILE:LINE: reason.
func (e *env) checkListFiles(cfg *config.Config) error {
	var files []config.List
	for _, l := range cfg.Lists {
		if l.File != "" {
			files = append(files, l)
		}
	}
	if len(files) == 0 {
		return nil
	}
	dir, err := os.MkdirTemp("", "herald-check")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	scratch, err := store.Open(e.ctx, filepath.Join(dir, "check.db"))
	if err != nil {
		return err
	}
	defer scratch.Close()
	bad := 0
	for _, l := range files {
		f, err := os.Open(l.File)
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", l.File, err)
			bad++
			continue
		}
		rep, err := lists.Import(e.ctx, scratch, l.Name, f, lists.Options{DryRun: true})
		f.Close()
		if err != nil {
			fmt.Fprintf(e.stderr, "%s: %v\n", l.File, err)
			bad++
			continue
		}
		for _, a := range rep.Assumed {
			fmt.Fprintf(e.stderr, "%s: %s\n", l.File, a)
		}
		if rep.Rows == 0 {
			fmt.Fprintf(e.stderr, "%s: warning: no rows under the header; list %s stays empty\n", l.File, l.Name)
		}
		for _, r := range rep.Rejected {
			fmt.Fprintf(e.stderr, "%s:%d: %s\n", l.File, r.Line, r.Reason)
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d problem(s) in list files", errConfig, bad)
	}
	return nil
}

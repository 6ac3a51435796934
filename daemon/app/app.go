// Package app assembles the daemon (`herald run`): it takes the
// database's lock, loads the config, opens the store, starts the sandbox
// when asked, the web server and every component, reloads on SIGHUP
// (keeping what did not change) and stops in two phases on SIGTERM/SIGINT.
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/logging"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/sandbox"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/web"
)

// Options are the daemon's inputs besides the config file.
type Options struct {
	ConfigPath string
	Version    string
	Stdout     io.Writer // the start banner, or the logs when they are JSON (logging.Streams)
	Stderr     io.Writer // the logs, or the banner when the logs are JSON
}

// Daemon is a running herald.
type Daemon struct {
	opts    Options
	cfg     atomic.Pointer[config.Config]
	log     *slog.Logger
	level   *slog.LevelVar
	store   *store.Store
	metrics *metrics.Metrics
	health  *service.Health
	web     *web.Server
	sandbox *sandbox.Sandbox
	lock    *dbLock
	// nodes: this daemon is one of several nodes on a PostgreSQL
	// database, each doing the work whose lease it holds (leased); owner
	// names it in the leases.
	nodes bool
	owner string
	// dropNode gives the node lease up (holdNodeLease); nil if none.
	dropNode func()
	// lockLost receives watchLock's error when the PostgreSQL lock was
	// lost to another daemon; stopWatch stops watchLock. Nil on SQLite.
	lockLost  chan error
	stopWatch func()

	// What serve runs: the contexts every unit's derive from (runCtx ends
	// at a stop's first phase, flight at its second), the supervisor, the
	// running plan's units and pools.
	runCtx, flight context.Context
	sup            *service.Supervisor
	units          map[string]*unit
	pools          map[string]*pool
	// tseen is the digest of the template files last looked at by
	// watchTemplates: the running plan's, or that of files found broken
	// (reported once, the running templates kept).
	tseen atomic.Pointer[string]
}

// Run loads the config and runs the daemon until ctx is cancelled. A
// config problem is returned as config.Errors (exit code 2).
func Run(ctx context.Context, o Options) error {
	// Catch SIGHUP before anything else: its default action kills the
	// process, and a reload may be asked for while the daemon starts.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg, err := config.Load(o.ConfigPath)
	if err != nil {
		return err
	}
	logs, banner := logging.Streams(cfg.Log.Format, o.Stdout, o.Stderr)
	log, level, err := logging.New(logs, cfg.Log.Level, cfg.Log.Format)
	if err != nil {
		return err
	}
	o.Stdout = banner
	// Code that has no logger of its own (the store's warning about a
	// readable database file) falls back to slog.Default: give it the
	// same format and stream.
	slog.SetDefault(log)
	d := &Daemon{opts: o, log: log, level: level, metrics: metrics.New(o.Version),
		units: map[string]*unit{}, pools: map[string]*pool{}}
	d.health = service.NewHealth(d.metrics)
	d.cfg.Store(cfg)
	if err := d.start(ctx, cfg); err != nil {
		d.close()
		return err
	}
	defer d.close()
	d.banner(cfg)
	return d.serve(ctx, hup)
}

// start opens what must be ready before the banner: the database's
// lock, first, before anything is touched; the store, the sandbox
// servers and the web listener. Failing here exits 1 at once.
func (d *Daemon) start(ctx context.Context, cfg *config.Config) error {
	var err error
	if store.IsPostgres(cfg.Database) {
		// The lock is in the database itself (HoldDaemonLock), so
		// opening it comes first.
		if d.store, err = store.Open(ctx, cfg.Database); err != nil {
			return err
		}
		// On PostgreSQL every daemon is a node (docs/BEHAVIOUR.md §13):
		// one of any number that share the database's work through
		// leases (leased, claims). A sandbox is one per database: never
		// a node, and alone on it.
		d.nodes = !cfg.Sandbox.Enabled
		host, _ := os.Hostname()
		d.owner = fmt.Sprintf("%d@%s", os.Getpid(), host)
		if d.lock, err = lockPostgres(ctx, d.store, d.nodes); err != nil {
			// Not through close: the runtime facts are the other daemon's.
			d.store.Close()
			d.store = nil
			return err
		}
		d.startWatchLock(ctx)
		if d.nodes {
			d.store.SetNode(d.owner)
			if err := d.holdNodeLease(ctx); err != nil {
				return fmt.Errorf("take the node lease: %w", err)
			}
		}
	} else {
		if d.lock, err = lockDatabase(cfg.Database); err != nil {
			return err
		}
		if d.store, err = store.Open(ctx, cfg.Database); err != nil {
			return err
		}
	}
	if cfg.Sandbox.Enabled {
		if err := d.startSandbox(ctx, cfg); err != nil {
			return err
		}
	}
	d.web = web.New(cfg.HTTP.Listen, cfg.HTTP.Token, d.log, d.health, d.metrics)
	d.web.HandleUnsubscribe(oneClick{d})
	d.web.SetUsers(cfg.HTTP.Users)
	key, err := web.SessionSecret(ctx, d.store)
	if err != nil {
		return err
	}
	d.web.Dashboard(web.Backend{Config: d.cfg.Load, Store: d.store, SessionKey: key})
	if err := d.web.Bind(); err != nil {
		return err
	}
	return d.store.SetRuntime(ctx, store.RuntimePID, strconv.Itoa(os.Getpid()))
}

func (d *Daemon) startSandbox(ctx context.Context, cfg *config.Config) error {
	sb, err := sandbox.Start(ctx, sandbox.Options{
		IMAPAddr: cfg.Sandbox.IMAP,
		SMTPAddr: cfg.Sandbox.SMTP,
		Accounts: sandboxAccounts(cfg),
		Logger:   d.log,
		Capture: func(ctx context.Context, m sandbox.Captured) error {
			d.metrics.SandboxMessages.WithLabelValues("outbox").Inc()
			return d.store.AddCaptured(ctx, store.CapturedMessage{
				From: m.From, To: m.To, Subject: m.Subject, MessageID: m.MessageID,
				ReceivedAt: m.ReceivedAt, Raw: m.Raw,
			})
		},
	})
	if err != nil {
		return fmt.Errorf("start sandbox: %w", err)
	}
	d.sandbox = sb
	PointAtSandbox(cfg, sb.IMAPAddr(), sb.SMTPAddr())
	if err := d.store.SetRuntime(ctx, store.RuntimeSandboxIMAP, sb.IMAPAddr()); err != nil {
		return err
	}
	return d.store.SetRuntime(ctx, store.RuntimeSandboxSMTP, sb.SMTPAddr())
}

// banner tells a person where everything is; logs say it too.
func (d *Daemon) banner(cfg *config.Config) {
	w := d.opts.Stdout
	mode := ""
	if cfg.Sandbox.Enabled {
		mode = " (sandbox: nothing leaves this machine)"
	}
	fmt.Fprintf(w, "herald %s running%s\n", d.opts.Version, mode)
	fmt.Fprintf(w, "  dashboard     http://%s\n", d.web.Addr())
	fmt.Fprintf(w, "  database      %s\n", store.Redact(cfg.Database))
	if d.sandbox != nil {
		fmt.Fprintf(w, "  sandbox IMAP  %s  (login: an account address, password %q)\n", d.sandbox.IMAPAddr(), sandbox.Password)
		fmt.Fprintf(w, "  sandbox SMTP  %s\n", d.sandbox.SMTPAddr())
		for _, a := range cfg.Accounts {
			fmt.Fprintf(w, "  account       %-10s %s\n", a.Name, a.Address)
		}
	}
	d.log.Info("herald started", "component", "app", "version", d.opts.Version, "http", d.web.Addr(), "sandbox", cfg.Sandbox.Enabled)
}

// close releases what start opened, in reverse order.
func (d *Daemon) close() {
	if d.stopWatch != nil {
		d.stopWatch() // before the lock is released, which it would take again
	}
	if d.sandbox != nil {
		// A transaction in flight gets its answer; the whole stop stays
		// inside the 10 s a service manager allows.
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		if err := d.sandbox.Shutdown(ctx); err != nil {
			d.log.Warn("sandbox shutdown", "component", "app", "err", err)
		}
		cancel()
	}
	if d.dropNode != nil {
		d.dropNode()
	}
	if d.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := d.store.ClearRuntime(ctx, store.RuntimeSandboxIMAP, store.RuntimeSandboxSMTP, store.RuntimePID); err != nil {
			d.log.Warn("clear runtime facts", "component", "app", "err", err)
		}
		d.store.Close()
	}
	d.lock.release()
}

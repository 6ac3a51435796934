// Package app assembles the daemon (`herald run`): it loads the config,
// opens the store, starts the sandbox when asked, the web server and every
// component, reloads on SIGHUP and stops in two phases on SIGTERM/SIGINT.
package app

import (
	"context"
	"errors"
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
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/web"
)

// Grace is how long components get to finish in-flight work after a stop
// signal before the daemon gives up on them (SIGTERM must end the process
// within 10 s).
const Grace = 8 * time.Second

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
	d := &Daemon{opts: o, log: log, level: level, metrics: metrics.New(o.Version)}
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

// start opens what must be ready before the banner: the store, the
// sandbox servers and the web listener. Failing here exits 1 at once.
func (d *Daemon) start(ctx context.Context, cfg *config.Config) error {
	var err error
	if d.store, err = store.Open(ctx, cfg.Database); err != nil {
		return err
	}
	if cfg.Sandbox.Enabled {
		if err := d.startSandbox(ctx, cfg); err != nil {
			return err
		}
	}
	d.web = web.New(cfg.HTTP.Listen, cfg.HTTP.Token, d.log, d.health, d.metrics)
	d.web.HandleUnsubscribe(oneClick{d})
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
	fmt.Fprintf(w, "  database      %s\n", cfg.Database)
	if d.sandbox != nil {
		fmt.Fprintf(w, "  sandbox IMAP  %s  (login: an account address, password %q)\n", d.sandbox.IMAPAddr(), sandbox.Password)
		fmt.Fprintf(w, "  sandbox SMTP  %s\n", d.sandbox.SMTPAddr())
		for _, a := range cfg.Accounts {
			fmt.Fprintf(w, "  account       %-10s %s\n", a.Name, a.Address)
		}
	}
	d.log.Info("herald started", "component", "app", "version", d.opts.Version, "http", d.web.Addr(), "sandbox", cfg.Sandbox.Enabled)
}

// serve runs the components until ctx ends, reloading on SIGHUP.
func (d *Daemon) serve(ctx context.Context, hup <-chan os.Signal) error {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	sup := &service.Supervisor{Log: d.log, Health: d.health, Metrics: d.metrics}
	webDone := make(chan struct{})
	go func() {
		defer close(webDone)
		defer service.Recover(d.log, d.metrics, "app")
		sup.Run(runCtx, d.web)
	}()
	gen, err := d.startGeneration(runCtx, sup, d.cfg.Load())
	if err != nil {
		cancel()
		<-webDone
		return err
	}
	for {
		select {
		case <-hup:
			if cfg := d.reload(); cfg != nil {
				gen.stop()
				if next, err := d.startGeneration(runCtx, sup, cfg); err != nil {
					d.log.Error("reload: cannot start the new config", "component", "app", "err", err)
					gen, _ = d.startGeneration(runCtx, sup, gen.cfg)
				} else {
					d.cfg.Store(cfg)
					gen = next
				}
			}
		case <-webDone:
			return errors.New("web server stopped on its own")
		case <-ctx.Done():
			return d.stop(cancel, gen, webDone)
		}
	}
}

// generation is the set of components built from one config.
type generation struct {
	cfg    *config.Config
	names  []string
	cancel context.CancelFunc
	done   chan struct{}
	health *service.Health
}

func (d *Daemon) startGeneration(ctx context.Context, sup *service.Supervisor, cfg *config.Config) (*generation, error) {
	d.syncLists(ctx, cfg)
	comps, cleanup, err := d.components(ctx, cfg)
	if err != nil {
		return nil, err
	}
	gctx, cancel := context.WithCancel(ctx)
	g := &generation{cfg: cfg, cancel: cancel, done: make(chan struct{}), health: d.health}
	for _, c := range comps {
		g.names = append(g.names, c.Name())
	}
	go func() {
		defer close(g.done)
		defer service.Recover(d.log, d.metrics, "app")
		defer cleanup()
		sup.Run(gctx, comps...)
	}()
	return g, nil
}

// stop ends a generation and forgets its components' health.
func (g *generation) stop() {
	g.cancel()
	<-g.done
	for _, n := range g.names {
		g.health.Remove(n)
	}
}

// stop is the two-phase shutdown: components see their context end and
// finish or checkpoint what is in flight (every state change that matters
// is already committed before its side effect); after Grace the daemon
// returns anyway so the process exits within the 10 s a service manager
// allows.
func (d *Daemon) stop(cancel context.CancelFunc, gen *generation, webDone <-chan struct{}) error {
	d.log.Info("stopping", "component", "app", "grace", Grace)
	cancel()
	timeout := time.After(Grace)
	for _, done := range []<-chan struct{}{gen.done, webDone} {
		select {
		case <-done:
		case <-timeout:
			return fmt.Errorf("components still running after %s; exiting anyway", Grace)
		}
	}
	return nil
}

// reload re-reads config.yaml and returns the new config, or nil when it
// has errors: a bad new config is reported and the old one kept. Settings
// that bind sockets or files (http.listen, database, sandbox) take effect
// at the next restart, and the log says so.
func (d *Daemon) reload() *config.Config {
	log := d.log.With("component", "app")
	cfg, err := config.Load(d.opts.ConfigPath)
	if err == nil {
		_, err = templates.Load(cfg.Templates)
	}
	if err != nil {
		d.metrics.Reloads.WithLabelValues("error").Inc()
		log.Error("reload: config has errors; keeping the running config", "err", err)
		return nil
	}
	old := d.cfg.Load()
	if cfg.HTTP.Listen != old.HTTP.Listen || cfg.Database != old.Database || cfg.Sandbox != old.Sandbox {
		log.Warn("reload: http.listen, database and sandbox changes take effect at the next restart")
	}
	if d.sandbox != nil {
		PointAtSandbox(cfg, d.sandbox.IMAPAddr(), d.sandbox.SMTPAddr())
	}
	logging.SetLevel(d.level, cfg.Log.Level)
	d.web.SetToken(cfg.HTTP.Token)
	d.metrics.Reloads.WithLabelValues("ok").Inc()
	log.Info("reloaded", "config", d.opts.ConfigPath)
	return cfg
}

// close releases what start opened, in reverse order.
func (d *Daemon) close() {
	if d.sandbox != nil {
		// A transaction in flight gets its answer; the whole stop stays
		// inside the 10 s a service manager allows.
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		if err := d.sandbox.Shutdown(ctx); err != nil {
			d.log.Warn("sandbox shutdown", "component", "app", "err", err)
		}
		cancel()
	}
	if d.store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := d.store.ClearRuntime(ctx, store.RuntimeSandboxIMAP, store.RuntimeSandboxSMTP, store.RuntimePID); err != nil {
			d.log.Warn("clear runtime facts", "component", "app", "err", err)
		}
		d.store.Close()
	}
}

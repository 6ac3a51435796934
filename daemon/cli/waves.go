package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

func init() {
	for _, c := range []*command{
		{name: "waves", args: "[--json]", summary: "every wave with its state and counts (planned, sent, failed, skipped, pending)", run: runWaves},
		{name: "waves show", args: "WAVE [--json]", summary: "one wave: schedule, next run, audience size now, counts, last errors", run: runWaveShow},
		{name: "waves preview", args: "WAVE --contact EMAIL", summary: "print the exact MIME message a contact would get (nothing is sent)", run: runWavePreview},
		{name: "waves test", args: "WAVE --to ADDRESS [--contact EMAIL]", summary: "send one rendered copy to ADDRESS; not recorded as a delivery", run: runWaveTest},
		{name: "waves send", args: "WAVE [--dry-run] [--force]", summary: "run the wave now (the daemon does this on schedule); --dry-run lists who would get it, why others are skipped, and whose message would fail", run: runWaveSend},
		{name: "waves pause", args: "WAVE", summary: "pause a wave; a running daemon stops sending it within 5 s", run: waveStateCmd("pause")},
		{name: "waves resume", args: "WAVE", summary: "resume a paused wave", run: waveStateCmd("resume")},
		{name: "waves cancel", args: "WAVE", summary: "cancel a wave for good: nothing more is sent", run: waveStateCmd("cancel")},
		{name: "waves retry", args: "WAVE", summary: "queue the wave's failed deliveries again", run: runWaveRetry},
	} {
		register(c)
	}
}

// waveEnv is what the waves commands share: config, store, engine.
type waveEnv struct {
	cfg     *config.Config
	st      *store.Store
	engine  *waves.Engine
	senders map[string]*sender.Pool
}

func (e *env) waves(needSenders bool) (*waveEnv, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(e.ctx, cfg.Database)
	if err != nil {
		return nil, err
	}
	w := &waveEnv{cfg: cfg, st: st, senders: map[string]*sender.Pool{}}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if w.engine, err = ops.WaveEngine(e.ctx, cfg, st, log); err != nil {
		w.close()
		if strings.HasPrefix(err.Error(), "templates: ") {
			return nil, fmt.Errorf("%w: %v", errConfig, err)
		}
		return nil, err
	}
	if needSenders {
		if err := e.attachSenders(w); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

// attachSenders opens an SMTP pool per account (in sandbox mode, on the
// running sandbox) for the commands that send.
func (e *env) attachSenders(w *waveEnv) error {
	if w.cfg.Sandbox.Enabled {
		if err := e.useRunningSandbox(w.cfg); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for i := range w.cfg.Accounts {
		a := w.cfg.Accounts[i]
		// On PostgreSQL the command sends beside the nodes, within the
		// account's one rate (sender.Options.SharedRate).
		p := sender.New(sender.Options{Account: a, Store: w.st, Location: w.cfg.Location, Log: log, SharedRate: w.st.Postgres()})
		w.senders[a.Name], w.engine.Senders[a.Name] = p, p
	}
	return nil
}

func (w *waveEnv) close() {
	for _, p := range w.senders {
		p.Close()
	}
	w.st.Close()
}

// openWave opens the waves environment and finds the wave named; the
// caller closes the environment.
func (e *env) openWave(name string, needSenders bool) (*waveEnv, *config.Wave, error) {
	w, err := e.waves(needSenders)
	if err != nil {
		return nil, nil, err
	}
	wv, err := w.wave(name)
	if err != nil {
		w.close()
		return nil, nil, err
	}
	return w, wv, nil
}

func (w *waveEnv) wave(name string) (*config.Wave, error) {
	wv, err := ops.FindWave(w.cfg, name)
	if err != nil {
		return nil, usagef("%s", ops.Message(err))
	}
	return wv, nil
}

func runWaves(e *env, args []string) error {
	fs := e.flags(commands["waves"])
	asJSON := fs.Bool("json", false, "print one JSON document")
	if _, err := parse(fs, args, 0, 0); err != nil {
		return err
	}
	w, err := e.waves(false)
	if err != nil {
		return err
	}
	defer w.close()
	all, err := ops.Waves(e.ctx, w.cfg, w.engine, nil)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(all)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "WAVE\tSTATE\tNEXT RUN\tRUNS\tPLANNED\tSENT\tFAILED\tSKIPPED\tPENDING")
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\n", s.Name, s.State, when(s.NextRun), s.Runs, s.Planned, s.Sent, s.Failed, s.Skipped, s.Pending)
	}
	return tw.Flush()
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return inZone(*t).Format("2006-01-02 15:04")
}

func runWaveShow(e *env, args []string) error {
	fs := e.flags(commands["waves show"])
	asJSON := fs.Bool("json", false, "print one JSON document")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	w, wv, err := e.openWave(pos[0], false)
	if err != nil {
		return err
	}
	defer w.close()
	d, err := ops.ShowWave(e.ctx, w.st, w.engine, wv)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	s, gets, skipped, problems := d.Status, d.Audience, d.LeftOut, d.LastErrors
	o := e.stdout
	fmt.Fprintf(o, "%s  (%s)\n", s.Name, s.State)
	if s.Reason != "" {
		fmt.Fprintf(o, "  why          %s\n", s.Reason)
	}
	fmt.Fprintf(o, "  account      %s\n  list         %s\n  template     %s\n  schedule     %s\n  next run     %s\n  runs         %d\n",
		s.Account, s.List, s.Template, ops.ScheduleText(wv), when(s.NextRun), s.Runs)
	fmt.Fprintf(o, "  audience now %d (left out: %d; `herald waves send %s --dry-run` says why)\n", gets, skipped, s.Name)
	fmt.Fprintf(o, "  deliveries   planned %d, sent %d, failed %d, skipped %d, pending %d, possible duplicates %d\n",
		s.Planned, s.Sent, s.Failed, s.Skipped, s.Pending, s.Uncertain)
	if len(problems) > 0 {
		fmt.Fprintln(o, "\nlast problems:")
		tw := tabwriter.NewWriter(o, 0, 0, 2, ' ', 0)
		for _, p := range problems {
			label := p.State
			if p.Uncertain {
				label += " (possible duplicate: was in flight at a crash)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", inZone(p.At).Format(time.DateTime), p.Email, label, p.Reason)
		}
		tw.Flush()
	}
	return nil
}

func runWavePreview(e *env, args []string) error {
	fs := e.flags(commands["waves preview"])
	contact := fs.String("contact", "", "the contact (email address) to render for")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *contact == "" {
		return usagef("--contact is required")
	}
	w, wv, err := e.openWave(pos[0], false)
	if err != nil {
		return err
	}
	defer w.close()
	c, err := w.contact(e.ctx, *contact)
	if err != nil {
		return err
	}
	raw, err := w.engine.Preview(wv, c)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(raw)
	return err
}

func (w *waveEnv) contact(ctx context.Context, email string) (*store.Contact, error) {
	c, err := w.st.ContactByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, fmt.Errorf("no contact %s (see 'herald lists' and 'herald lists import')", email)
	}
	return c, nil
}

func runWaveTest(e *env, args []string) error {
	fs := e.flags(commands["waves test"])
	to := fs.String("to", "", "where to send the test copy")
	contact := fs.String("contact", "", "render as for this contact (default: a contact with only the --to address)")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *to == "" {
		return usagef("--to is required")
	}
	w, wv, err := e.openWave(pos[0], true)
	if err != nil {
		return err
	}
	defer w.close()
	c := &store.Contact{Email: *to, Fields: map[string]string{}}
	if *contact != "" {
		if c, err = w.contact(e.ctx, *contact); err != nil {
			return err
		}
	}
	if err := ops.TestSend(e.ctx, w.engine, w.senders[wv.Account], wv, c, *to); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sent a test copy of %s to %s (not recorded as a delivery)\n", wv.Name, *to)
	return nil
}

func runWaveSend(e *env, args []string) error {
	fs := e.flags(commands["waves send"])
	force := fs.Bool("force", false, "send even though the wave's until: has passed")
	dry := fs.Bool("dry-run", false, "list who would get it now and why the others are left out, render every message and report those that would fail; send nothing")
	pos, err := parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	w, wv, err := e.openWave(pos[0], false)
	if err != nil {
		return err
	}
	defer w.close()
	if *dry {
		return e.dryRun(w, wv)
	}
	if err := ops.CheckSendable(e.ctx, w.st, wv, *force, time.Now()); errors.Is(err, ops.ErrPastUntil) {
		fmt.Fprintf(e.stderr, "herald waves send: warning: %s ended on %s (until: in %s); nothing was sent\n",
			wv.Name, inZone(*wv.Until).Format("2006-01-02 15:04 MST"), w.cfg.Path)
		return usagef("the wave is past its until: add --force to send it now all the same")
	}
	return e.sendNow(w, wv)
}

// dryRun prints, for every list member, whether the wave goes to them,
// why not, or why their message would fail: each is rendered as a run
// would, so a template that works for one row and not another (a field
// the row lacks) is found before anything is sent. Any failure makes the
// command fail.
func (e *env) dryRun(w *waveEnv, wv *config.Wave) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTACT\tGETS IT\tWHY NOT")
	gets, skipped, fails, err := w.engine.DryRunRender(e.ctx, wv, func(v waves.Verdict) error {
		yes, why := "yes", v.Reason
		switch {
		case v.Fails != "":
			yes, why = "FAILS", v.Fails
		case v.Reason != "":
			yes = "no"
		}
		_, err := fmt.Fprintf(tw, "%s\t%s\t%s\n", v.Email, yes, why)
		return err
	})
	if err != nil {
		return err
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%s would go to %d contact(s); %d left out\n", wv.Name, gets, skipped)
	if fails > 0 {
		return fmt.Errorf("the message of %d of those %d contact(s) would fail (see FAILS above); fix the template or the rows, then run --dry-run again", fails, gets)
	}
	return nil
}

// sendNow runs the wave in this process, with progress on stderr.
func (e *env) sendNow(w *waveEnv, wv *config.Wave) error {
	if err := ops.CheckSendable(e.ctx, w.st, wv, true, time.Now()); err != nil {
		return errors.New(ops.Message(err))
	}
	if err := e.attachSenders(w); err != nil {
		return err
	}
	if w.st.Postgres() {
		stop, err := e.asNode(w)
		if err != nil {
			return err
		}
		defer stop()
	}
	done := make(chan struct{})
	go e.progress(w, wv, done)
	// Ctrl-C stops as the daemon does (README "Stop, reload, one
	// daemon"): no new row, and the messages in flight finish and are
	// recorded, within shutdown_grace.
	flight, cut := context.WithCancel(context.WithoutCancel(e.ctx))
	defer cut()
	stopGrace := context.AfterFunc(e.ctx, func() { time.AfterFunc(w.cfg.ShutdownGrace, cut) })
	defer stopGrace()
	now := time.Now()
	err := w.engine.RunWave(service.WithFlight(e.ctx, flight), wv, &now)
	close(done)
	s, serr := w.engine.Status(e.ctx, wv)
	if serr == nil {
		fmt.Fprintf(e.stdout, "%s: %s; sent %d, failed %d, skipped %d, pending %d, possible duplicates %d\n",
			wv.Name, s.State, s.Sent, s.Failed, s.Skipped, s.Pending, s.Uncertain)
		if s.Pending > 0 && err == nil {
			fmt.Fprintln(e.stdout, "pending deliveries are retried later by the daemon ('herald run') or by running this command again")
		}
	}
	return err
}

// progress prints the wave's counts every second: a rewritten line on a
// terminal, plain lines otherwise.
func (e *env) progress(w *waveEnv, wv *config.Wave, done <-chan struct{}) {
	tty := isTerminal(e.stderr)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			if tty {
				fmt.Fprintln(e.stderr)
			}
			return
		case <-t.C:
		}
		c, err := w.st.Counts(e.ctx, wv.Name, 0)
		if err != nil {
			continue
		}
		line := fmt.Sprintf("%s: sent %d/%d, failed %d, pending %d", wv.Name, c.Sent, c.Planned, c.Failed, c.Pending)
		if tty {
			fmt.Fprintf(e.stderr, "\r%s%s", progressBar(c.Sent+c.Failed, c.Planned), line)
		} else {
			fmt.Fprintln(e.stderr, line)
		}
	}
}

func progressBar(done, total int) string {
	const width = 30
	n := 0
	if total > 0 {
		n = min(width, done*width/total)
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "] "
}

func waveStateCmd(action string) func(*env, []string) error {
	return func(e *env, args []string) error {
		pos, err := parse(e.flags(commands["waves "+action]), args, 1, 1)
		if err != nil {
			return err
		}
		w, wv, err := e.openWave(pos[0], false)
		if err != nil {
			return err
		}
		defer w.close()
		state, err := ops.SetWaveState(e.ctx, w.st, wv.Name, action, actor())
		if err != nil {
			return errors.New(ops.Message(err))
		}
		fmt.Fprintf(e.stdout, "%s is now %s (a running daemon follows within 5 s)\n", wv.Name, state)
		return nil
	}
}

func runWaveRetry(e *env, args []string) error {
	pos, err := parse(e.flags(commands["waves retry"]), args, 1, 1)
	if err != nil {
		return err
	}
	w, wv, err := e.openWave(pos[0], false)
	if err != nil {
		return err
	}
	defer w.close()
	n, err := w.st.RetryFailed(e.ctx, wv.Name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d failed deliveries of %s queued again\n", n, wv.Name)
	return nil
}

// Node lease of `waves send` on PostgreSQL (asNode): as a daemon's.
const (
	nodeLeaseTTL   = 15 * time.Second
	nodeLeaseRenew = 5 * time.Second
)

// asNode makes the wave's sending that of one more node on a PostgreSQL
// database (docs/BEHAVIOUR.md §13): the running nodes may be sending the
// same wave, so rows are claimed as a node claims them, under a node
// lease of the command's own, and never sent twice; the account's rate
// and daily cap are the nodes' together (attachSenders). It returns what
// gives the lease up.
func (e *env) asNode(w *waveEnv) (stop func(), err error) {
	host, _ := os.Hostname()
	owner := fmt.Sprintf("%d@%s", os.Getpid(), host)
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if stop, err = waves.HoldNodeLease(e.ctx, w.st, owner, nodeLeaseTTL, nodeLeaseRenew, log); err != nil {
		return nil, fmt.Errorf("join the nodes on %s: %w", store.Redact(w.cfg.Database), err)
	}
	w.st.SetNode(owner)
	w.engine.Nodes, w.engine.Owner = true, owner
	return stop, nil
}

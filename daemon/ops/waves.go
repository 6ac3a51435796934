package ops

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/waves"
)

// WaveEngine builds an engine that reads waves (status, dry run,
// preview) and sends through the senders later attached to it, if any.
func WaveEngine(ctx context.Context, cfg *config.Config, st *store.Store, log *slog.Logger) (*waves.Engine, error) {
	tmpl, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	secret, err := waves.Secret(ctx, st)
	if err != nil {
		return nil, err
	}
	return waves.NewEngine(cfg, st, tmpl, map[string]waves.Sender{}, secret, log, nil)
}

// FindWave is the configured wave called name.
func FindWave(cfg *config.Config, name string) (*config.Wave, error) {
	if wv := cfg.Wave(name); wv != nil {
		return wv, nil
	}
	var names []string
	for _, wv := range cfg.Waves {
		names = append(names, wv.Name)
	}
	return nil, notFound("no wave %q in %s (have: %s)", name, cfg.Path, strings.Join(names, ", "))
}

// Waves is every configured wave's status (`waves --json`), keeping
// those keep says yes to.
func Waves(ctx context.Context, cfg *config.Config, e *waves.Engine, keep func(*config.Wave) bool) ([]waves.Status, error) {
	all := []waves.Status{}
	for i := range cfg.Waves {
		if keep != nil && !keep(&cfg.Waves[i]) {
			continue
		}
		s, err := e.Status(ctx, &cfg.Waves[i])
		if err != nil {
			return nil, err
		}
		all = append(all, s)
	}
	return all, nil
}

// WaveProblem is one failed or uncertain delivery.
type WaveProblem struct {
	Email     string    `json:"email"`
	State     string    `json:"state"`
	Reason    string    `json:"reason"`
	Run       int       `json:"run"`
	At        time.Time `json:"at"`
	Uncertain bool      `json:"possible_duplicate"`
}

// WaveDetail is the shape of `waves show --json`.
type WaveDetail struct {
	waves.Status
	Audience   int           `json:"audience_now"`
	LeftOut    int           `json:"left_out_now"`
	LastErrors []WaveProblem `json:"last_errors"`
	// PossibleDuplicates are deliveries that may have gone out twice
	// (at most 100, newest first).
	PossibleDuplicates []WaveProblem `json:"possible_duplicates"`
}

// ShowWave is one wave with its audience now and its last problems.
func ShowWave(ctx context.Context, st *store.Store, e *waves.Engine, wv *config.Wave) (*WaveDetail, error) {
	s, err := e.Status(ctx, wv)
	if err != nil {
		return nil, err
	}
	gets, skipped, err := e.DryRun(ctx, wv, func(waves.Verdict) error { return nil })
	if err != nil {
		return nil, err
	}
	problems, err := st.Problems(ctx, wv.Name, 10)
	if err != nil {
		return nil, err
	}
	dups, err := st.PossibleDuplicates(ctx, wv.Name, 100)
	if err != nil {
		return nil, err
	}
	out := &WaveDetail{Status: s, Audience: gets, LeftOut: skipped, LastErrors: []WaveProblem{}, PossibleDuplicates: []WaveProblem{}}
	for _, p := range problems {
		out.LastErrors = append(out.LastErrors, WaveProblem{p.Email, p.State, p.Reason, p.Run, p.At, p.Uncertain})
	}
	for _, p := range dups {
		out.PossibleDuplicates = append(out.PossibleDuplicates, WaveProblem{p.Email, p.State, p.Reason, p.Run, p.At, p.Uncertain})
	}
	return out, nil
}

// WaveActions are what SetWaveState does.
var WaveActions = []string{"pause", "resume", "cancel"}

// SetWaveState pauses, resumes or cancels a wave on behalf of actor, who
// is named in the state's reason; a running daemon follows within 5 s.
// It returns the new state, or ErrConflict when the wave's state forbids
// the action.
func SetWaveState(ctx context.Context, st *store.Store, wave, action, actor string) (string, error) {
	if err := st.EnsureWave(ctx, wave); err != nil {
		return "", err
	}
	var ok bool
	var err error
	who := "by " + actor
	switch action {
	case "pause":
		ok, err = st.SetWaveState(ctx, wave, store.WavePaused, "paused "+who, store.WaveScheduled, store.WaveRunning)
	case "resume":
		ok, err = st.SetWaveState(ctx, wave, store.WaveScheduled, "", store.WavePaused)
	case "cancel":
		ok, err = st.SetWaveState(ctx, wave, store.WaveCancelled, "cancelled "+who, store.WaveScheduled, store.WaveRunning, store.WavePaused)
	default:
		return "", fmt.Errorf("wave action %q: want one of %s", action, strings.Join(WaveActions, ", "))
	}
	if err != nil {
		return "", err
	}
	row, err := st.Wave(ctx, wave)
	if err != nil {
		return "", err
	}
	if !ok {
		return row.State, fmt.Errorf("%w: wave %s is %s: cannot %s it", ErrConflict, wave, row.State, action)
	}
	return row.State, nil
}

// ScheduleText is a wave's schedule in one line.
func ScheduleText(w *config.Wave) string {
	var parts []string
	if w.At != nil {
		parts = append(parts, "at "+w.At.Format(time.RFC3339))
	}
	if w.Cron != "" {
		parts = append(parts, fmt.Sprintf("cron %q", w.Cron))
	}
	if w.Until != nil {
		parts = append(parts, "until "+w.Until.Format(time.RFC3339))
	}
	if w.Audience != "" && w.Audience != "all" {
		parts = append(parts, "audience "+w.Audience)
	}
	if w.After != "" {
		parts = append(parts, "after "+w.After)
	}
	if w.MinGap > 0 {
		parts = append(parts, "min_gap "+w.MinGap.String())
	}
	return strings.Join(parts, ", ")
}

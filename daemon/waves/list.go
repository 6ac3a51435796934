package waves

import (
	"context"
	"errors"
	"fmt"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
)

// ErrNoList is returned for a wave whose list exists neither in
// config.yaml nor in the database: RunWave pauses such a wave with the
// reason, a dry run only says so.
var ErrNoList = errors.New("the wave's list does not exist")

// errFound stops Members at the first member: existence is all we ask.
var errFound = errors.New("found")

// missingList returns why w cannot run when its list is nowhere, or "".
// A list is named under lists: or created in the database (herald lists
// create, or an import); a typo in a wave's list: must not run silently
// with nobody to send to.
func (e *Engine) missingList(ctx context.Context, w *config.Wave) (string, error) {
	if e.Config.List(w.List) != nil {
		return "", nil
	}
	err := e.Store.Members(ctx, w.List, func(store.Contact) error { return errFound })
	if err == nil || errors.Is(err, errFound) {
		return "", nil
	}
	if !errors.Is(err, store.ErrNoList) {
		return "", err
	}
	return fmt.Sprintf("its list %q exists neither under lists: in %s nor in the database; "+
		"create it ('herald lists create %s') or correct the wave's list:", w.List, e.Config.Path, w.List), nil
}

// requireList pauses w, with the reason in its state (waves show) and the
// log, and returns ErrNoList when its list is nowhere.
func (e *Engine) requireList(ctx context.Context, w *config.Wave) error {
	missing, err := e.missingList(ctx, w)
	if missing == "" || err != nil {
		return err
	}
	why := fmt.Sprintf("paused itself: %s, then 'herald waves resume %s'", missing, w.Name)
	if err := e.Store.EnsureWave(ctx, w.Name); err != nil {
		return err
	}
	if _, err := e.Store.SetWaveState(ctx, w.Name, store.WavePaused, why, store.WaveScheduled, store.WaveRunning); err != nil {
		return err
	}
	e.Log.Error("wave paused", "wave", w.Name, "reason", why)
	return fmt.Errorf("wave %s: %w: %s", w.Name, ErrNoList, why)
}

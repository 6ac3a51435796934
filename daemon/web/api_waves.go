package web

import (
	"net/http"
	"strconv"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/waves"
)

// wave finds the wave of the URL that the user may see; ok false when it
// answered.
func (d *dash) wave(w http.ResponseWriter, r *http.Request) (*waves.Engine, *config.Wave, bool) {
	eng, cfg, err := d.engine(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return nil, nil, false
	}
	wv, err := ops.FindWave(cfg, r.PathValue("name"))
	if err != nil {
		d.fail(w, r, err)
		return nil, nil, false
	}
	if !principal(r).MaySee(wv.Account) {
		forbidden(w, "wave "+wv.Name)
		return nil, nil, false
	}
	return eng, wv, true
}

// visibleWaves is ops.Waves for the waves of the user's accounts.
func (d *dash) visibleWaves(r *http.Request) ([]waves.Status, error) {
	eng, cfg, err := d.engine(r.Context())
	if err != nil {
		return nil, err
	}
	p := principal(r)
	return ops.Waves(r.Context(), cfg, eng, func(wv *config.Wave) bool { return p.MaySee(wv.Account) })
}

// apiWaves is `waves --json`, the waves of the user's accounts.
func (d *dash) apiWaves(w http.ResponseWriter, r *http.Request) {
	all, err := d.visibleWaves(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, all)
}

// apiWave is `waves show --json`.
func (d *dash) apiWave(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	det, err := ops.ShowWave(r.Context(), d.Store, eng, wv)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, det)
}

// dryRun is `waves send --dry-run`: who gets the wave now, and why the
// others are left out.
type dryRun struct {
	Wave     string          `json:"wave"`
	Gets     int             `json:"gets"`
	LeftOut  int             `json:"left_out"`
	Contacts []waves.Verdict `json:"contacts"`
}

func (d *dash) dryRun(r *http.Request, eng *waves.Engine, wv *config.Wave) (*dryRun, error) {
	out := &dryRun{Wave: wv.Name, Contacts: []waves.Verdict{}}
	var err error
	out.Gets, out.LeftOut, err = eng.DryRun(r.Context(), wv, func(v waves.Verdict) error {
		out.Contacts = append(out.Contacts, v)
		return nil
	})
	return out, err
}

func (d *dash) apiWaveDryRun(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	out, err := d.dryRun(r, eng, wv)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// apiWaveAction pauses, resumes, cancels or retries (the failed
// deliveries of) a wave, recorded with the user's name; the daemon's
// scheduler follows within 5 s.
func (d *dash) apiWaveAction(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	switch action {
	case "pause", "resume", "cancel", "retry":
	default:
		apiError(w, http.StatusNotFound, "no wave action "+strconv.Quote(action)+": want pause, resume, cancel or retry")
		return
	}
	_, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	p := principal(r)
	out := map[string]any{"wave": wv.Name, "by": p.Actor()}
	if action == "retry" {
		n, err := d.Store.RetryFailed(r.Context(), wv.Name)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		out["queued"] = n
	} else {
		state, err := ops.SetWaveState(r.Context(), d.Store, wv.Name, action, p.Actor())
		if err != nil {
			d.fail(w, r, err)
			return
		}
		out["state"] = state
	}
	d.log.Info("wave "+action, "wave", wv.Name, "by", p.Actor())
	if wantsHTML(r) {
		http.Redirect(w, r, "/waves/"+wv.Name, http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

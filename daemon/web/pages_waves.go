package web

import (
	"net/http"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

// wavesPage is every wave of the user's accounts with its state, next
// run, counts and progress.
func (d *dash) wavesPage(w http.ResponseWriter, r *http.Request) {
	all, err := d.visibleWaves(r)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "waves", d.view(r, "waves", "waves", all))
}

// pageWave finds the wave of the URL the user may see, else answers 404.
func (d *dash) pageWave(w http.ResponseWriter, r *http.Request) (*waves.Engine, *config.Wave, bool) {
	eng, cfg, err := d.engine(r.Context())
	if err != nil {
		d.fail(w, r, err)
		return nil, nil, false
	}
	wv := cfg.Wave(r.PathValue("name"))
	if wv == nil || !principal(r).MaySee(wv.Account) {
		d.notFoundPage(w, r, "waves", r.PathValue("name"))
		return nil, nil, false
	}
	return eng, wv, true
}

type waveData struct {
	*ops.WaveDetail
	Schedule  string
	CanPause  bool
	CanResume bool
	CanCancel bool
	// CanSend offers "send now"; PastUntil asks to confirm it.
	CanSend   bool
	PastUntil bool
	Notice    *notice
	Rate      *chart
}

// wavePage is one wave: its schedule, audience now, counts, last
// problems and the buttons that pause, resume, cancel or retry it.
func (d *dash) wavePage(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.pageWave(w, r)
	if !ok {
		return
	}
	d.renderWave(w, r, eng, wv, http.StatusOK, nil)
}

// renderWave draws the wave's page with code, and the outcome of a form
// when n is set.
func (d *dash) renderWave(w http.ResponseWriter, r *http.Request, eng *waves.Engine, wv *config.Wave, code int, n *notice) {
	det, err := ops.ShowWave(r.Context(), d.Store, eng, wv)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	st := det.State
	data := waveData{WaveDetail: det, Schedule: ops.ScheduleText(wv), Notice: n,
		CanPause:  st == store.WaveScheduled || st == store.WaveRunning,
		CanResume: st == store.WavePaused,
		CanCancel: st == store.WaveScheduled || st == store.WaveRunning || st == store.WavePaused,
		CanSend:   st != store.WavePaused && st != store.WaveCancelled,
		PastUntil: wv.Until != nil && time.Now().After(*wv.Until)}
	v := d.view(r, "waves", "waves", nil)
	if data.Rate, err = d.rateChart(r.Context(), v, wv.Name, det.Runs); err != nil {
		d.fail(w, r, err)
		return
	}
	v.Data = data
	d.render(w, r, code, "wave", v)
}

// dryRunPage lists who would get the wave now and why others are left out.
func (d *dash) dryRunPage(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.pageWave(w, r)
	if !ok {
		return
	}
	out, err := d.dryRun(r, eng, wv)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	d.render(w, r, http.StatusOK, "dryrun", d.view(r, "waves", "dry_run", out))
}

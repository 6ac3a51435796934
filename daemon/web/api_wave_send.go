package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/waves"
)

// moreRoutes are the endpoints and pages added after the first
// dashboard: send now, preview and test send of a wave, a contact's
// unsubscribe and resubscribe, a list's export, the templates and the
// sandbox's write form.
func (s *Server) moreRoutes(api, page func(string, func(*dash, http.ResponseWriter, *http.Request))) {
	api("POST /api/v1/waves/{name}/send", (*dash).apiWaveSend)
	api("POST /api/v1/waves/{name}/test", (*dash).apiWaveTest)
	api("GET /api/v1/waves/{name}/preview", (*dash).apiWavePreview)
	api("POST /api/v1/contacts/{email}/{action}", (*dash).apiContactStatus)
	api("GET /api/v1/lists/{name}/export", (*dash).listExport)
	page("GET /waves/{name}/preview", (*dash).previewPage)
	page("GET /lists/{name}/export", (*dash).listExport)
	api("GET /api/v1/templates", (*dash).apiTemplates)
	api("GET /api/v1/templates/{name}/render", (*dash).apiTemplateRender)
	page("GET /templates", (*dash).templatesPage)
	api("POST /api/v1/sandbox/write", (*dash).apiSandboxWrite)
}

// notice is the outcome of a form shown on the page it came from.
type notice struct {
	Error bool
	Text  string
}

// waveOutcome answers a wave action: JSON for scripts; for a form, the
// wave's page again with the outcome on top (an error keeps its status,
// so the page says what went wrong and nothing is lost).
func (d *dash) waveOutcome(w http.ResponseWriter, r *http.Request, eng *waves.Engine, wv *config.Wave, err error, ok string, out any) {
	if !wantsHTML(r) {
		if err != nil {
			if code := statusOf(err); code == http.StatusBadRequest || code == http.StatusBadGateway {
				apiError(w, code, trimMark(err))
				return
			}
			d.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	code, n := http.StatusOK, notice{Text: ok}
	if err != nil {
		code, n = statusOf(err), notice{Error: true, Text: trimMark(err)}
		if code == http.StatusInternalServerError {
			d.log.Error("wave action failed", "wave", wv.Name, "err", err)
		}
	}
	d.renderWave(w, r, eng, wv, code, &n)
}

// errBadInput marks a request the person can fix (a bad address): 400;
// errSMTP a test copy the mail server refused, with its words: 502.
var (
	errBadInput = errors.New("bad input")
	errSMTP     = errors.New("smtp")
)

// trimMark is err for a person, without its marker.
func trimMark(err error) string {
	s := ops.Message(err)
	for _, m := range []error{errBadInput, errSMTP} {
		s = strings.TrimPrefix(s, m.Error()+": ")
	}
	return s
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, errBadInput):
		return http.StatusBadRequest
	case errors.Is(err, errSMTP):
		return http.StatusBadGateway
	case errors.Is(err, ops.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ops.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// apiWaveSend starts a run of the wave now (`waves send`); the daemon's
// scheduler sends it within 2 s. force=1 sends past the wave's until:.
func (d *dash) apiWaveSend(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	p := principal(r)
	run, err := ops.RequestRun(r.Context(), d.Store, wv, p.Actor(), r.FormValue("force") == "1", time.Now())
	if err == nil {
		d.log.Info("wave send now", "wave", wv.Name, "run", run, "by", p.Actor())
	}
	v := d.view(r, "waves", "waves", nil)
	d.waveOutcome(w, r, eng, wv, err, v.T("send_started"), map[string]any{"wave": wv.Name, "run": run, "by": p.Actor()})
}

// apiWaveTest sends the wave's message to the address "to" (`waves
// test`), rendered for "contact" if given, else for a contact with only
// that address. It is not recorded as a delivery.
func (d *dash) apiWaveTest(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	err := d.testSend(r, eng, wv)
	to := strings.TrimSpace(r.FormValue("to"))
	if err == nil {
		d.log.Info("wave test sent", "wave", wv.Name, "by", principal(r).Actor())
	}
	v := d.view(r, "waves", "waves", nil)
	d.waveOutcome(w, r, eng, wv, err, v.T("test_sent")+" "+to, map[string]any{"wave": wv.Name, "to": to, "sent": err == nil})
}

func (d *dash) testSend(r *http.Request, eng *waves.Engine, wv *config.Wave) error {
	to, err := ops.TestAddress(r.FormValue("to"))
	if err != nil {
		return fmt.Errorf("%w: %w", errBadInput, err)
	}
	var c *store.Contact
	if email := strings.TrimSpace(r.FormValue("contact")); email != "" {
		if c, err = d.visibleContact(r, email); err != nil {
			return err
		}
	}
	pool, done, err := d.testPool(wv.Account)
	if err != nil {
		return err
	}
	defer done()
	if err := ops.TestSend(r.Context(), eng, pool, wv, c, to); err != nil {
		return fmt.Errorf("%w: %w", errSMTP, err)
	}
	return nil
}

func (d *dash) testPool(account string) (waves.Sender, func(), error) {
	cfg := d.Config()
	if d.TestPool != nil {
		return d.TestPool(cfg, account)
	}
	p, err := ops.OnePool(cfg, d.Store, account, d.log)
	if err != nil {
		return nil, nil, err
	}
	return p, func() { p.Close() }, nil
}

// visibleContact is the contact email, if the user may see it: a user
// limited to some accounts previews and tests only with the contacts of
// their lists.
func (d *dash) visibleContact(r *http.Request, email string) (*store.Contact, error) {
	j, _, err := ops.ShowContact(r.Context(), d.Store, email)
	if err != nil {
		return nil, err
	}
	if !mayContact(d.visibleLists(r.Context(), principal(r), d.Config()), j) {
		return nil, fmt.Errorf("%w: no contact %s on your lists", ops.ErrNotFound, email)
	}
	return d.Store.ContactByEmail(r.Context(), email)
}

// apiWavePreview is `waves preview --contact EMAIL` in JSON: the exact
// message, its source in "raw".
func (d *dash) apiWavePreview(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.wave(w, r)
	if !ok {
		return
	}
	email := r.URL.Query().Get("contact")
	if email == "" {
		apiError(w, http.StatusBadRequest, "contact=EMAIL is required: the contact to render the message for")
		return
	}
	if _, err := d.visibleContact(r, email); err != nil {
		d.fail(w, r, err)
		return
	}
	p, err := ops.Preview(r.Context(), d.Store, eng, wv, email)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

type previewData struct {
	Wave    string
	Contact string
	P       *ops.PreviewMessage
	Problem string
}

// previewPage shows the wave's message as a chosen contact would get it.
func (d *dash) previewPage(w http.ResponseWriter, r *http.Request) {
	eng, wv, ok := d.pageWave(w, r)
	if !ok {
		return
	}
	data := previewData{Wave: wv.Name, Contact: strings.TrimSpace(r.URL.Query().Get("contact"))}
	code := http.StatusOK
	if data.Contact != "" {
		_, err := d.visibleContact(r, data.Contact)
		if err == nil {
			data.P, err = ops.Preview(r.Context(), d.Store, eng, wv, data.Contact)
		}
		if err != nil {
			code, data.Problem = statusOf(err), ops.Message(err)
			if code == http.StatusInternalServerError {
				// A template that fails for this contact says so: it
				// is what the preview is for.
				code, data.Problem = http.StatusUnprocessableEntity, err.Error()
			}
		}
	}
	d.render(w, r, code, "preview", d.view(r, "waves", "preview", data))
}

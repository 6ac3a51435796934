package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/message"
	"github.com/herald-mail/herald/daemon/store"
)

// capturedView is one captured message as the sandbox shows it: its
// headers, its text and its attachments by name. The HTML version is
// never rendered, only said to exist: the page shows what the invitee's
// plain-text view would, escaped like everything else.
type capturedView struct {
	ID         int64           `json:"id"`
	From       string          `json:"from"`
	To         []string        `json:"to"`
	ReceivedAt time.Time       `json:"received_at"`
	Headers    []headerLine    `json:"headers"`
	Text       string          `json:"text"`
	TextOfHTML bool            `json:"text_from_html"` // an HTML-only message, shown as the text triage reads
	HasHTML    bool            `json:"has_html"`
	Atts       []attachmentRow `json:"attachments"`
	Defects    []string        `json:"defects,omitempty"`
}

type headerLine struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type attachmentRow struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int    `json:"size"`
}

// shownHeaders are the headers the page lists, in this order: who, what,
// and the ones herald sets for replies, unsubscribes and loops.
var shownHeaders = []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
	"References", "List-Unsubscribe", "List-Unsubscribe-Post", "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type"}

var htmlPartRE = regexp.MustCompile(`(?im)^content-type:[ \t]*text/html`)

// viewCaptured parses m's raw bytes into what the page shows.
func viewCaptured(m *store.CapturedMessage) *capturedView {
	v := &capturedView{ID: m.ID, From: m.From, To: m.To, ReceivedAt: m.ReceivedAt, Headers: []headerLine{}, Atts: []attachmentRow{}}
	pm, err := message.Parse(m.Raw)
	if err != nil {
		v.Defects = []string{"the message could not be read: " + err.Error()}
		return v
	}
	for _, h := range shownHeaders {
		if val := pm.Header.Get(h); val != "" {
			v.Headers = append(v.Headers, headerLine{h, val})
		}
	}
	v.Text, v.TextOfHTML = pm.Text, pm.TextFromHTML
	// The parser keeps no HTML part (it reads the text); a part's header
	// line says one is there.
	v.HasHTML = pm.TextFromHTML || htmlPartRE.Match(m.Raw)
	for _, a := range pm.Attachments {
		v.Atts = append(v.Atts, attachmentRow{a.Filename, a.ContentType, a.Size})
	}
	v.Defects = pm.Defects
	return v
}

// captured finds the captured message of the URL that r's user may see;
// nil when it answered (404: the sandbox is off, no such message, or one
// an account the user may not see sent).
func (d *dash) captured(w http.ResponseWriter, r *http.Request, page bool) *store.CapturedMessage {
	cfg := d.Config()
	notFound := func() {
		if page {
			d.notFoundPage(w, r, "sandbox", r.PathValue("id"))
		} else {
			apiError(w, http.StatusNotFound, "no captured message "+strconv.Quote(r.PathValue("id"))+" (GET /api/v1/sandbox/outbox lists them; sandbox mode only)")
		}
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !cfg.Sandbox.Enabled || err != nil {
		notFound()
		return nil
	}
	m, err := d.Store.CapturedByID(r.Context(), id)
	if err != nil {
		d.fail(w, r, err)
		return nil
	}
	if mine := senders(principal(r), cfg); m == nil || mine != nil && !mine[strings.ToLower(m.From)] {
		notFound()
		return nil
	}
	return m
}

// capturedPage is GET /sandbox/outbox/{id}: one captured message.
func (d *dash) capturedPage(w http.ResponseWriter, r *http.Request) {
	if m := d.captured(w, r, true); m != nil {
		d.render(w, r, http.StatusOK, "captured", d.view(r, "sandbox", "captured_title", viewCaptured(m)))
	}
}

// apiCaptured is GET /api/v1/sandbox/outbox/{id}: the same as JSON.
func (d *dash) apiCaptured(w http.ResponseWriter, r *http.Request) {
	if m := d.captured(w, r, false); m != nil {
		writeJSON(w, http.StatusOK, viewCaptured(m))
	}
}

package web

import (
	"net/http"
	"net/mail"
	"strings"

	"github.com/herald-mail/herald/daemon/ops"
	"github.com/herald-mail/herald/daemon/store"
)

type sandboxData struct {
	Outbox []store.CapturedMessage
	// The write form: where one may write, what was written, and how
	// it went.
	Addresses []string
	Form      map[string]string
	Sent      bool
	Problem   string
}

func (d *dash) renderSandbox(w http.ResponseWriter, r *http.Request, code int, out []store.CapturedMessage) {
	p := principal(r)
	data := sandboxData{Outbox: out, Addresses: ops.AccountAddresses(d.Config(), p.MaySee), Form: map[string]string{},
		Sent: r.URL.Query().Get("sent") == "1"}
	d.render(w, r, code, "sandbox", d.view(r, "sandbox", "sandbox", data))
}

// apiSandboxWrite delivers a message to a focal point's INBOX as an
// invitee's mail client would (`sandbox inject`): form fields from,
// to, subject, text and optional in_reply_to. Sandbox mode only; a user
// limited to some accounts writes only to theirs.
func (d *dash) apiSandboxWrite(w http.ResponseWriter, r *http.Request) {
	cfg := d.Config()
	if !cfg.Sandbox.Enabled {
		apiError(w, http.StatusNotFound, "the sandbox is off: there is no one to write to (sandbox: true in the config)")
		return
	}
	m := ops.InviteeMessage{From: strings.TrimSpace(r.FormValue("from")), To: strings.TrimSpace(r.FormValue("to")),
		Subject: strings.TrimSpace(r.FormValue("subject")), Text: strings.ReplaceAll(r.FormValue("text"), "\r\n", "\n"),
		InReplyTo: r.FormValue("in_reply_to")}
	code, problem := d.sandboxWrite(r, m)
	if wantsHTML(r) {
		if problem == "" {
			http.Redirect(w, r, "/sandbox?sent=1", http.StatusSeeOther)
			return
		}
		data := sandboxData{Addresses: ops.AccountAddresses(cfg, principal(r).MaySee), Problem: problem,
			Form: map[string]string{"from": m.From, "to": m.To, "subject": m.Subject, "text": m.Text, "in_reply_to": m.InReplyTo}}
		d.render(w, r, code, "sandbox", d.view(r, "sandbox", "sandbox", data))
		return
	}
	if problem != "" {
		apiError(w, code, problem)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"delivered_to": m.To, "by": principal(r).Actor()})
}

// sandboxWrite checks and delivers m; it returns the status and, when
// it failed, why.
func (d *dash) sandboxWrite(r *http.Request, m ops.InviteeMessage) (int, string) {
	cfg := d.Config()
	switch {
	case m.From == "" || m.To == "" || m.Subject == "":
		return http.StatusBadRequest, "from, to and subject are required"
	case len(m.Subject) > 998 || len(m.Text) > 1<<20:
		return http.StatusBadRequest, "the subject is at most 998 characters and the text at most 1 MiB"
	}
	mine := false
	for _, a := range ops.AccountAddresses(cfg, principal(r).MaySee) {
		mine = mine || strings.EqualFold(a, m.To)
	}
	if !mine {
		return http.StatusBadRequest, "to " + m.To + " is not the address of an account you may see (" +
			strings.Join(ops.AccountAddresses(cfg, principal(r).MaySee), ", ") + ")"
	}
	raw, _, err := m.Compose()
	if err != nil {
		return http.StatusBadRequest, strings.TrimPrefix(err.Error(), "--")
	}
	addr, ok, err := d.Store.Runtime(r.Context(), store.RuntimeSandboxSMTP)
	if err == nil && !ok {
		addr = cfg.Sandbox.SMTP
	}
	if err != nil || addr == "" {
		d.log.Error("sandbox write: no sandbox SMTP address", "err", err)
		return http.StatusServiceUnavailable, "the sandbox's SMTP server is not running"
	}
	from := m.From
	if a, err := parseAddr(from); err == nil {
		from = a
	}
	if err := ops.DeliverToSandbox(r.Context(), addr, from, m.To, raw); err != nil {
		d.log.Error("sandbox write", "err", err)
		return http.StatusBadGateway, err.Error()
	}
	d.log.Info("sandbox write", "to", m.To, "by", principal(r).Actor())
	return http.StatusOK, ""
}

// parseAddr is the bare address of "Name <addr>", for the envelope.
func parseAddr(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

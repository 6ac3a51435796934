package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
)

// Unsubscriber carries out a one-click unsubscribe for a signed token and
// says who was unsubscribed; ErrBadToken when the token is not ours.
type Unsubscriber interface {
	Unsubscribe(ctx context.Context, token string) (email string, err error)
	// Check validates a token without acting on it (the GET page).
	Check(ctx context.Context, token string) (email string, err error)
}

// ErrBadToken is returned for an unknown or tampered token.
var ErrBadToken = errors.New("unknown unsubscribe link")

// HandleUnsubscribe serves /u/{token} (docs/BEHAVIOUR.md §11, RFC 8058) without the
// dashboard token: the link is the credential. POST unsubscribes — what a
// mail client's one-click button sends (List-Unsubscribe=One-Click) and
// what the page's button sends. GET only shows a page with that button,
// because link scanners and previews fetch every link in a message.
func (s *Server) HandleUnsubscribe(u Unsubscriber) {
	s.mux.HandleFunc("GET /u/{token}", func(w http.ResponseWriter, r *http.Request) {
		email, err := u.Check(r.Context(), r.PathValue("token"))
		s.unsubscribePage(w, err, pageData{Email: email, Confirm: true})
	})
	s.mux.HandleFunc("POST /u/{token}", func(w http.ResponseWriter, r *http.Request) {
		email, err := u.Unsubscribe(r.Context(), r.PathValue("token"))
		if err != nil && !errors.Is(err, ErrBadToken) {
			s.Log.Error("one-click unsubscribe failed", "err", err)
		}
		s.unsubscribePage(w, err, pageData{Email: email, Done: true})
	})
}

type pageData struct {
	Email         string
	Confirm, Done bool
	Problem       string
}

func (s *Server) unsubscribePage(w http.ResponseWriter, err error, d pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// The button unsubscribes: no other site may frame the page and trick
	// a click on it (clickjacking), which frame-ancestors forbids (CSP
	// Level 2 §7.7) and X-Frame-Options (RFC 7034) for older browsers. The
	// page runs no script and loads nothing; its one style is allowed by
	// hash. The token is in the URL: no Referer carries it elsewhere.
	h.Set("Content-Security-Policy", unsubscribeCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	switch {
	case errors.Is(err, ErrBadToken):
		w.WriteHeader(http.StatusNotFound)
		d = pageData{Problem: "This unsubscribe link is not valid. It may have been cut by your mail program: copy the whole link, or reply to the message with “unsubscribe” as the subject."}
	case err != nil:
		w.WriteHeader(http.StatusInternalServerError)
		d = pageData{Problem: "Something went wrong on our side; please try again in a few minutes, or reply to the message with “unsubscribe” as the subject."}
	}
	unsubscribeTmpl.Execute(w, d)
}

// unsubscribeCSS is the page's only style, allowed by its hash.
const unsubscribeCSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:34em;margin:4em auto;padding:0 1em;color:#222}
button{font:inherit;padding:.5em 1.2em;border:0;border-radius:4px;background:#1a5fb4;color:#fff;cursor:pointer}`

// unsubscribeCSP allows the page its style and its form, and nothing else.
var unsubscribeCSP = func() string {
	sum := sha256.Sum256([]byte(unsubscribeCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}()

var unsubscribeTmpl = template.Must(template.New("u").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Unsubscribe</title>
<style>` + unsubscribeCSS + `</style></head>
<body>
{{if .Problem}}<h1>Unsubscribe</h1><p id="problem">{{.Problem}}</p>
{{else if .Done}}<h1>You are unsubscribed</h1>
<p id="done">{{.Email}} will receive no more invitations or reminders from this sender’s lists.
If this was a mistake, write to the sender and ask to be added again.</p>
{{else}}<h1>Unsubscribe</h1>
<p>Stop sending invitations and reminders to <strong id="email">{{.Email}}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" id="confirm">Unsubscribe</button></form>
{{end}}</body></html>
`))

package compose

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/templates"
)

// WaveInput is one wave message to one contact (docs/BEHAVIOUR.md §8).
type WaveInput struct {
	// From and FromName are the account's address and from_name.
	From, FromName string
	// To and ToName are the contact's address, bare, and name.
	To, ToName string
	// MessageID is this message's id, from NewMessageID, recorded in the
	// outbox before sending: herald maps replies and bounces back to
	// (wave, contact) with it.
	MessageID string
	// Date is the Date header; zero means now.
	Date time.Time
	// Unsubscribe is the contact's token, from UnsubscribeToken; required.
	Unsubscribe string
	// PublicURL is http.public_url; empty leaves only the mailto form of
	// List-Unsubscribe.
	PublicURL string
	// WaveHeader and WaveValue, both optional, are herald's wave token,
	// e.g. "X-Herald-Wave: invitation/3".
	WaveHeader, WaveValue string
	// Event, when set, attaches an invitation to it (docs/BEHAVIOUR.md §8.5, attach_ics),
	// from the account to this contact: see Invitation.
	Event *config.Event
	// EventUID is the contact's UID of Event, from EventUID; required
	// with Event.
	EventUID string
	// Rendered is the wave's template rendered for this contact.
	Rendered *templates.Rendered
	// Shared, optional, holds what the wave's messages share, laid out
	// once by NewWaveShared. It is used only when made with this input's
	// From, FromName and PublicURL; the message is the same without it.
	Shared *WaveShared
}

// icsFilename is the invitation attachment's name, as Google Calendar
// names its own.
const icsFilename = "invite.ics"

// Wave builds one wave message: From the account, the contact alone in
// To (never Cc or Bcc), Reply-To the account, List-Unsubscribe (RFC 2369
// §3.2, RFC 8058) and X-Auto-Response-Suppress: OOF, AutoReply, which
// keeps Exchange's out-of-office answers away while people's replies
// (RSVPs) still come. It carries no Auto-Submitted or Precedence: it
// asks for human answers, and RFC 3834 §3.1.8 advises against
// Precedence.
//
// The body is text/plain alone, or multipart/alternative with the text
// first and the HTML last. With an Event it is, as Google Calendar sends
// its own invitations:
//
//	multipart/mixed
//	├── multipart/alternative
//	│   ├── text/plain
//	│   ├── text/html                       (when the template has one)
//	│   └── text/calendar; method=REQUEST   (the invitation)
//	└── application/ics; name=invite.ics    (the same object, attachment)
//
// The text/calendar alternative is what iMIP defines (RFC 6047 §2.4:
// the method parameter equals the object's METHOD): Outlook, Gmail and
// Apple Mail find it there and show the invitation with its
// Accept/Decline buttons, and being the last alternative it is the
// preferred form for them (RFC 2046 §5.1.4) while other readers show the
// HTML or text. It is inline by having no Content-Disposition, as in
// Google's own invitations: the parts of an alternative are renderings,
// not attachments. The application/ics copy, with a filename (RFC 6047
// §2.6), is for readers that only offer to open an attachment; its type
// is not text/calendar so that clients reading iMIP do not take it for a
// second invitation. Both are base64 (RFC 6047 §2.5), as Exchange writes
// them: the object's CRLF lines and folding arrive exactly, through
// relays without 8BITMIME too.
func Wave(in WaveInput) ([]byte, error) { return AppendWave(nil, in) }

// AppendWave is Wave appending the message to dst, a buffer to reuse
// (its content is kept), and returns the extended buffer.
func AppendWave(dst []byte, in WaveInput) ([]byte, error) {
	f, err := in.fields()
	if err != nil {
		return nil, fmt.Errorf("wave message to %s: %w", in.To, err)
	}
	b := body{text: in.Rendered.Text, html: in.Rendered.HTML}
	var raw []byte
	if in.Event == nil {
		raw, err = write(dst, f, b)
	} else {
		raw, err = writeInvitation(dst, f, b, Invitation(ICSInput{
			Event:     *in.Event,
			Organizer: in.From, OrganizerName: oneLine(in.FromName),
			Attendee: in.To, AttendeeName: oneLine(in.ToName),
			Stamp: in.Date, UID: in.EventUID,
		}))
	}
	if err != nil {
		return nil, fmt.Errorf("wave message to %s: %w", in.To, err)
	}
	return raw, nil
}

// fields checks in and lays out the message's header. It leaves From
// and To bare and Date set in in, for the invitation.
func (in *WaveInput) fields() (fields, error) {
	shared := in.Shared
	if !shared.fits(in) {
		shared = NewWaveShared(in.From, in.FromName, in.PublicURL)
	}
	if shared.addrErr != nil {
		return nil, shared.addrErr
	}
	from := shared.addr
	to, id, err := checkRecipient(in.To, in.MessageID, in.Rendered)
	if err != nil {
		return nil, err
	}
	in.From, in.To = from, to
	c := in.Rendered
	if in.Event != nil && in.Event.Start.IsZero() {
		return nil, errors.New("the event has no start: set event.start to attach an invitation")
	}
	if in.Event != nil && in.EventUID == "" {
		return nil, errors.New("the invitation has no event UID")
	}
	if in.Date.IsZero() {
		in.Date = time.Now()
	}

	f := make(fields, 0, 16) // a wave message's header has about 14
	f = append(f, shared.fromF)
	f.addAddress("To", oneLine(in.ToName), to)
	f = append(f, shared.replyToF)
	f.addText("Subject", oneLine(c.Subject))
	f.add("Date", in.Date.Format(time.RFC1123Z))
	f.addRaw("Message-ID", "Message-ID: <"+id+">") // not go-message's "Message-Id"
	if err := in.addUnsubscribe(&f, shared); err != nil {
		return nil, err
	}
	// Exchange: no out-of-office or other automatic answers; people's
	// replies are what a wave asks for.
	f.add("X-Auto-Response-Suppress", "OOF, AutoReply")
	if err := in.addWaveHeader(&f); err != nil {
		return nil, err
	}
	for k := range c.Headers {
		if strings.HasPrefix(strings.ToLower(k), "list-") {
			return nil, fmt.Errorf("template header %q clashes with one herald sets", k)
		}
	}
	if err := addExtra(&f, c.Headers); err != nil {
		return nil, err
	}
	if langRE.MatchString(c.Lang) {
		f.add("Content-Language", c.Lang) // RFC 3282
	}
	return f, nil
}

// addUnsubscribe adds List-Unsubscribe (RFC 2369 §3.2): always the mailto
// form, whose subject carries the token (docs/BEHAVIOUR.md §6.2), then the https
// link when a public URL is set, with List-Unsubscribe-Post for one-click
// unsubscription (RFC 8058 §3.1), which Gmail and Yahoo ask of bulk
// senders. The field folds between the two URLs, never inside one: RFC
// 2369 §2 lets readers ignore whitespace in angle brackets, but not every
// one-click implementation does.
func (in *WaveInput) addUnsubscribe(f *fields, shared *WaveShared) error {
	if !validToken(in.Unsubscribe) {
		return fmt.Errorf("unsubscribe token %q is not one from UnsubscribeToken", in.Unsubscribe)
	}
	v := shared.mailto + in.Unsubscribe + ">"
	oneClick := false
	if in.PublicURL != "" {
		u, err := shared.UnsubscribeURL(in.Unsubscribe)
		if err != nil {
			return err
		}
		v += ",\r\n <" + u + ">"
		// RFC 8058 §3.1: one-click needs an HTTPS URI; a plain http one
		// (a sandbox) is listed but not offered for one-click.
		oneClick = shared.oneClick
	}
	f.addRaw("List-Unsubscribe", v)
	if oneClick {
		f.add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click") // RFC 8058 §3.1
	}
	return nil
}

// addWaveHeader adds the optional wave token header.
func (in *WaveInput) addWaveHeader(f *fields) error {
	if in.WaveHeader == "" && in.WaveValue == "" {
		return nil
	}
	name := canonical(strings.TrimSpace(in.WaveHeader))
	if !validFieldName(name) || reserved(name) || f.has(name) || strings.HasPrefix(name, "List-") {
		return fmt.Errorf("wave header %q is not a free header name; use e.g. X-Herald-Wave", in.WaveHeader)
	}
	v := strings.TrimSpace(in.WaveValue)
	if v == "" || !isASCII(v) || len(v) > 200 {
		return fmt.Errorf("wave header value %q must be one short line of ASCII", in.WaveValue)
	}
	f.add(name, v)
	return nil
}

// UnsubscribeURL is the one-click link for token under publicURL
// (http.public_url), "PUBLIC/u/TOKEN": the URL List-Unsubscribe names and
// templates show as .UnsubscribeURL. publicURL must be an absolute http or
// https URL, with or without a path, without query or fragment.
func UnsubscribeURL(publicURL, token string) (string, error) {
	u, err := url.Parse(publicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(publicURL, " ,<>\"\\") || !isASCII(publicURL) {
		return "", fmt.Errorf("public url %q is not an http(s) URL without query; set http.public_url like https://herald.example.org", publicURL)
	}
	if !validToken(token) {
		return "", fmt.Errorf("unsubscribe token %q is not one from UnsubscribeToken", token)
	}
	return strings.TrimRight(publicURL, "/") + "/u/" + token, nil
}

// mailtoEscape percent-encodes addr for a mailto URI (RFC 6068 §2): only
// unreserved characters and the "some-delims" of its grammar stay, but
// not ",", which RFC 2369 §2 asks to encode in list header URLs.
func mailtoEscape(addr string) string {
	var b strings.Builder
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$'()*+;:@", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// writeInvitation writes a message of headers f whose body is b's text
// and HTML with the invitation ics as a third alternative, and ics again
// as an attachment: the structure described at Wave.
func writeInvitation(dst []byte, f fields, b body, ics []byte) ([]byte, error) {
	f.addRaw("MIME-Version", "MIME-Version: 1.0")
	f.add("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": newBoundary()}))
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(dst)
	mixed, err := message.CreateWriter(buf, h)
	if err != nil {
		return nil, err
	}
	var ah message.Header
	ah.SetContentType("multipart/alternative", map[string]string{"boundary": newBoundary()})
	alt, err := mixed.CreatePart(ah)
	if err != nil {
		return nil, err
	}
	if err := writeTextParts(alt, b); err != nil {
		return nil, err
	}
	var ch message.Header
	ch.SetContentType("text/calendar", map[string]string{"charset": "utf-8", "method": "REQUEST"})
	ch.Set("Content-Transfer-Encoding", "base64")
	if err := writePart(alt, ch, ics); err != nil {
		return nil, err
	}
	if err := alt.Close(); err != nil {
		return nil, err
	}
	var th message.Header
	th.SetContentType("application/ics", map[string]string{"name": icsFilename})
	th.SetContentDisposition("attachment", map[string]string{"filename": icsFilename})
	th.Set("Content-Transfer-Encoding", "base64")
	if err := writePart(mixed, th, ics); err != nil {
		return nil, err
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writePart writes content as a part of mw with header h.
func writePart(mw *message.Writer, h message.Header, content []byte) error {
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := pw.Write(content); err != nil {
		pw.Close()
		return err
	}
	return pw.Close()
}

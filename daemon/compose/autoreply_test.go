package compose

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/herald-mail/herald/daemon/templates"
)

func baseInput() AutoReplyInput {
	return AutoReplyInput{
		FromName:  "Point focal ONU-Habitat",
		From:      "decorte@un.org",
		To:        "maria.lopez@ayto-madrid.es",
		MessageID: "<ack.1@un.org>",
		Date:      time.Date(2017, 10, 2, 10, 30, 0, 0, time.FixedZone("", 2*3600)),
		Original: Original{
			MessageID:  "<CAF=orig@mail.gmail.com>",
			References: []string{"<root@ayto-madrid.es>", "<mid@un.org>"},
		},
		LoopHeader: "X-Herald-Loop",
		LoopValue:  "decorte@un.org",
		Rendered: &templates.Rendered{
			Name: "ack", Lang: "es",
			Subject: "[GCCM-0042] Re: Solicitud de acreditación para la delegación de Madrid",
			Text:    "Estimada señora, estimado señor:\n\nLe agradecemos su mensaje. Referencia: GCCM-0042.\n",
		},
	}
}

// parsed is a message read back with go-message, as a client would.
type parsed struct {
	h     mail.Header
	count map[string]int
	parts []part
}

type part struct {
	typ, charset, body string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	checkLines(t, raw)
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("CreateReader() = %v\n%s", err, raw)
	}
	p := parsed{h: mr.Header, count: map[string]int{}}
	for f := mr.Header.Fields(); f.Next(); {
		p.count[f.Key()]++
	}
	for {
		pt, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("NextPart() = %v", err)
		}
		h := pt.Header.(*mail.InlineHeader)
		typ, params, _ := h.ContentType()
		b, err := io.ReadAll(pt.Body)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		p.parts = append(p.parts, part{typ, params["charset"], strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	return p
}

// checkLines: every line ends in CRLF and none passes 998 octets
// (RFC 5322 §2.1.1); ours keep to 78.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("message does not end in CRLF")
	}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Split(splitCRLF)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", n, line)
		}
		if len(line) > 78 {
			t.Errorf("line %d is %d octets: %q", n, len(line), line)
		}
	}
}

func splitCRLF(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
		return i + 2, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

func TestAutoReplyHeaders(t *testing.T) {
	in := baseInput()
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	p := parse(t, raw)
	for k, n := range p.count {
		if n != 1 {
			t.Errorf("header %s appears %d times", k, n)
		}
	}
	for _, k := range []string{"Bcc", "Cc", "Precedence", "Reply-To", "User-Agent"} {
		if p.h.Has(k) {
			t.Errorf("header %s present", k)
		}
	}
	want := map[string]string{
		"Auto-Submitted":            "auto-replied",
		"X-Auto-Response-Suppress":  "All",
		"X-Herald-Loop":             "decorte@un.org",
		"Message-Id":                "<ack.1@un.org>",
		"In-Reply-To":               "<CAF=orig@mail.gmail.com>",
		"References":                "<root@ayto-madrid.es> <mid@un.org> <CAF=orig@mail.gmail.com>",
		"Mime-Version":              "1.0",
		"Content-Language":          "es",
		"Content-Transfer-Encoding": "quoted-printable",
	}
	for k, v := range want {
		if got := p.h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if subj, err := p.h.Subject(); err != nil || subj != in.Rendered.Subject {
		t.Errorf("Subject() = %q, %v; want %q", subj, err, in.Rendered.Subject)
	}
	from, err := p.h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != in.FromName || from[0].Address != in.From {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := p.h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != in.To || to[0].Name != "" {
		t.Errorf("To = %v, %v", to, err)
	}
	if d, err := p.h.Date(); err != nil || !d.Equal(in.Date) {
		t.Errorf("Date() = %v, %v", d, err)
	}
	if len(p.parts) != 1 || p.parts[0].typ != "text/plain" || p.parts[0].charset != "utf-8" || p.parts[0].body != in.Rendered.Text {
		t.Errorf("parts = %+v", p.parts)
	}
	if !bytes.Contains(raw, []byte("\r\nMessage-ID: <ack.1@un.org>\r\n")) || !bytes.Contains(raw, []byte("\r\nMIME-Version: 1.0\r\n")) {
		t.Error("Message-ID or MIME-Version not spelled as usual")
	}
	if !bytes.Contains(raw, []byte("=C3=B1")) {
		t.Error("body is not quoted-printable")
	}
}

func TestAutoReplyReferences(t *testing.T) {
	tests := []struct {
		name      string
		orig      Original
		inReplyTo string
		refs      string
	}{
		{"with references", Original{MessageID: "<c@x>", References: []string{"<a@x>", "<b@x>"}}, "<c@x>", "<a@x> <b@x> <c@x>"},
		{"without references", Original{MessageID: "c@x"}, "<c@x>", "<c@x>"},
		{"raw references value", Original{MessageID: "<c@x>", References: []string{"<a@x><b@x>  <c@x>"}}, "<c@x>", "<a@x> <b@x> <c@x>"},
		{"in-reply-to when no references", Original{MessageID: "<c@x>", InReplyTo: []string{"<b@x>"}}, "<c@x>", "<b@x> <c@x>"},
		{"malformed dropped", Original{MessageID: "<c@x>", References: []string{"<a@x>\r\nBcc: e@vil", "junk", "<b@x>"}}, "<c@x>", "<a@x> <b@x> <c@x>"},
		{"no message-id", Original{References: []string{"<a@x>"}}, "", ""},
		{"malformed message-id", Original{MessageID: "no at sign", References: []string{"<a@x>"}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseInput()
			in.Original = tt.orig
			raw, err := AutoReply(in)
			if err != nil {
				t.Fatalf("AutoReply() = %v", err)
			}
			p := parse(t, raw)
			if got := p.h.Get("In-Reply-To"); got != tt.inReplyTo {
				t.Errorf("In-Reply-To = %q, want %q", got, tt.inReplyTo)
			}
			if got := p.h.Get("References"); got != tt.refs {
				t.Errorf("References = %q, want %q", got, tt.refs)
			}
			if p.h.Has("Bcc") {
				t.Error("Bcc injected")
			}
		})
	}
}

func TestReferencesCapped(t *testing.T) {
	o := Original{MessageID: "<last@x>"}
	for i := range 50 {
		o.References = append(o.References, "<r"+strings.Repeat("x", i)+"@x>")
	}
	_, refs := threading(o)
	if len(refs) != maxRefs || refs[0] != "r@x" || refs[len(refs)-1] != "last@x" {
		t.Errorf("threading() = %d refs %v", len(refs), refs)
	}
	in := baseInput()
	in.Original = o
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, raw)
	if ids, err := p.h.MsgIDList("References"); err != nil || len(ids) != maxRefs {
		t.Errorf("References = %v, %v", ids, err)
	}
}

func TestAutoReplySubjects(t *testing.T) {
	subjects := []string{
		"[GCCM-0042] Re: Demande de lettre d'invitation — délégation de Marseille",
		"[GCCM-0043] Re: ¿Necesito visado? Año 2017, señora Núñez",
		"[GCCM-0044] Re: " + strings.Repeat("Conférence mondiale sur les villes et les migrants ", 4),
		"[GCCM-0045] Re: 会议注册",
		"[GCCM-0046] Re: plain ASCII subject that is long enough to need folding across more than one line",
	}
	for _, s := range subjects {
		in := baseInput()
		in.Rendered.Subject = s
		raw, err := AutoReply(in)
		if err != nil {
			t.Fatalf("AutoReply(%q) = %v", s, err)
		}
		p := parse(t, raw)
		if got, err := p.h.Subject(); err != nil || got != s {
			t.Errorf("Subject() = %q, %v; want %q", got, err, s)
		}
	}
}

func TestAutoReplyHTML(t *testing.T) {
	in := baseInput()
	in.Rendered.HTML = "<p>Estimada señora, estimado señor:</p>\n<p>Referencia: <b>GCCM-0042</b></p>\n"
	in.Rendered.Headers = map[string]string{"X-Category": "visa"}
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	p := parse(t, raw)
	if typ, _, _ := p.h.ContentType(); typ != "multipart/alternative" {
		t.Errorf("Content-Type = %q", typ)
	}
	if len(p.parts) != 2 || p.parts[0].typ != "text/plain" || p.parts[1].typ != "text/html" {
		t.Fatalf("parts = %+v", p.parts)
	}
	if p.parts[0].body != in.Rendered.Text || p.parts[1].body != in.Rendered.HTML || p.parts[1].charset != "utf-8" {
		t.Errorf("parts = %+v", p.parts)
	}
	if p.h.Get("X-Category") != "visa" || p.count["Content-Type"] != 1 || p.count["Mime-Version"] != 1 {
		t.Errorf("headers = %v", p.count)
	}
}

func TestAutoReplyRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(*AutoReplyInput)
		want string
	}{
		{"empty return path", func(in *AutoReplyInput) { in.To = "<>" }, "to address"},
		{"list", func(in *AutoReplyInput) { in.To = "a@x.org, b@x.org" }, "to address"},
		{"display name", func(in *AutoReplyInput) { in.To = "Eve <eve@x.org>" }, "to address"},
		{"injected to", func(in *AutoReplyInput) { in.To = "a@x.org\r\nBcc: b@x.org" }, "to address"},
		{"bad from", func(in *AutoReplyInput) { in.From = "habitat" }, "from address"},
		{"no message-id", func(in *AutoReplyInput) { in.MessageID = "" }, "message-id"},
		{"no content", func(in *AutoReplyInput) { in.Rendered = nil }, "no subject"},
		{"no text", func(in *AutoReplyInput) { in.Rendered.Text = "" }, "empty text"},
		{"no loop", func(in *AutoReplyInput) { in.LoopHeader = "" }, "loop marker header"},
		{"loop overrides", func(in *AutoReplyInput) { in.LoopHeader = "auto-submitted" }, "loop marker header"},
		{"loop value", func(in *AutoReplyInput) { in.LoopValue = "a\r\nBcc: b@x" }, "loop marker value"},
		{"template header clash", func(in *AutoReplyInput) {
			in.Rendered.Headers = map[string]string{"x-auto-response-suppress": "None"}
		}, "clashes"},
		{"template header is loop", func(in *AutoReplyInput) {
			in.Rendered.Headers = map[string]string{"X-Herald-Loop": "x"}
		}, "clashes"},
	}
	for _, tt := range tests {
		in := baseInput()
		tt.edit(&in)
		_, err := AutoReply(in)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "auto-reply to ") {
			t.Errorf("%s: AutoReply() = %v, want an error about %q", tt.name, err, tt.want)
		}
	}
}

// TestAutoReplyInjection: line breaks that reach compose in a subject, a
// display name or a template header are folded, never written.
func TestAutoReplyInjection(t *testing.T) {
	in := baseInput()
	in.To = "<maria.lopez@ayto-madrid.es>" // Return-Path form
	in.FromName = "Habitat\r\nBcc: a@evil"
	in.Rendered.Subject = "Hello\r\nBcc: b@evil"
	in.Rendered.Headers = map[string]string{"X-Note": "n\nCc: c@evil"}
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	p := parse(t, raw)
	if p.h.Has("Bcc") || p.h.Has("Cc") {
		t.Fatalf("header injected:\n%s", raw)
	}
	if s, _ := p.h.Subject(); s != "Hello Bcc: b@evil" {
		t.Errorf("Subject = %q", s)
	}
	if to, _ := p.h.AddressList("To"); len(to) != 1 || to[0].Address != "maria.lopez@ayto-madrid.es" {
		t.Errorf("To = %v", to)
	}
}

// TestShippedAcknowledgement renders the shipped French acknowledgement
// and builds the reply, as the daemon does.
func TestShippedAcknowledgement(t *testing.T) {
	set, err := templates.Load("../../templates")
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	r, err := set.Render("ack", []string{"fr", "en"}, templates.Data{
		Account: templates.AccountData{Name: "habitat", Address: "decorte@un.org", FromName: "Point focal ONU-Habitat"},
		Enquiry: &templates.EnquiryData{Ref: "GCCM-0042", Subject: "Hébergement à Malines ?", Category: "general"},
	})
	if err != nil {
		t.Fatalf("Render() = %v", err)
	}
	in := baseInput()
	in.Rendered = r
	in.MessageID = NewMessageID(in.From)
	raw, err := AutoReply(in)
	if err != nil {
		t.Fatalf("AutoReply() = %v", err)
	}
	p := parse(t, raw)
	if s, _ := p.h.Subject(); s != "[GCCM-0042] Re: Hébergement à Malines ?" {
		t.Errorf("Subject = %q", s)
	}
	if p.h.Get("Content-Language") != "fr" || !strings.Contains(p.parts[0].body, "GCCM-0042") {
		t.Errorf("reply = %s", raw)
	}
}

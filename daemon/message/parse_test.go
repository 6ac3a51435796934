package message

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fixture describes what Parse must find in one testdata/*.eml file.
type fixture struct {
	file        string
	subject     string
	from        Address
	messageID   string
	inReplyTo   []string
	references  []string
	contentType string
	text        []string // substrings of Text
	notText     []string // must not appear in Text
	newText     string   // exact NewText, when given
	lang        string
	fromHTML    bool
	attachments []string // filenames
	parts       []string // content types of kept parts
	defect      string   // substring of one Defect
}

var fixtures = []fixture{
	{
		file:    "latin1-raw-subject.eml",
		subject: "Inscription à la conférence de Malines",
		from:    Address{"Hélène Lefèvre", "helene.lefevre@mairie-exemple.fr"},
		text:    []string{"inscrire notre maire à la conférence", "procédure à suivre"},
		lang:    "fr",
	},
	{
		file:    "iso-8859-1-qp-fr.eml",
		subject: "Demande de lettre d'invitation pour la délégation",
		from:    Address{"Frédéric Müller", "f.muller@ville-ge.example"},
		text:    []string{"Ville de Genève", "notre délégation", "salutations distinguées"},
		lang:    "fr",
	},
	{
		file:    "windows-1252.eml",
		subject: "Side event booking",
		from:    Address{"O'Brien, John", "j.obrien@dublincity.example"},
		text:    []string{"We’d like to confirm the “side event” booking", "€150 has been paid", "John O’Brien"},
		notText: []string{"\r"},
		lang:    "en",
	},
	{
		file:        "base64-utf8-es.eml",
		subject:     "Inscripción a la conferencia",
		from:        Address{"Lucía Gómez", "lgomez@bcn.example"},
		messageID:   "6C1F4E2A-3B5D-4F8E-9A7B-1C2D3E4F5A6B@bcn.example",
		contentType: "multipart/alternative",
		text:        []string{"¿Podrían confirmarme si la inscripción", "Ayuntamiento de Barcelona"},
		lang:        "es",
	},
	{
		file:     "html-only.eml",
		subject:  "Question about accessibility at the venue",
		fromHTML: true,
		text: []string{"Dear organisers,\nIs the Lamot Congress Centre accessible", "two delegates with reduced mobility",
			"- Step-free access & lifts?", "Reserved seating <front row>?", "Thank you — we're looking forward", "Café Orgé"},
		notText: []string{"not shown", "hidden", "color: red", "Enquiry", "<p>", "&nbsp;"},
		lang:    "en",
	},
	{
		file:    "enquiry-en-gmail.eml",
		subject: "Hotel recommendations near the venue",
		text:    []string{"recommend hotels near the conference venue? We will be\nthree people"},
		notText: []string{"<div"},
		lang:    "en",
	},
	{
		file:       "reply-en-gmail.eml",
		inReplyTo:  []string{"wave.invitation.61.1505458800@herald.un.org"},
		references: []string{"wave.invitation.61.1505458800@herald.un.org"},
		text:       []string{"> We are pleased to invite you"},
		newText:    "Yes, I will attend. Please register me for both days.\n\nBest,\nThi",
		lang:       "en",
	},
	{
		file:    "reply-fr-gmail.eml",
		newText: "Bonjour,\n\nMalheureusement je ne pourrai pas venir, j'ai un conseil municipal ce jour-là. Je vous remercie pour l'invitation.\n\nBien cordialement,\nAhmed Benali",
		lang:    "fr",
	},
	{
		file:    "reply-es-apple.eml",
		from:    Address{"María López", "mlopez@montevideo.example"},
		newText: "Muchas gracias por la invitación. Sí, asistiré a la conferencia con mucho gusto.",
		lang:    "es",
	},
	{
		file:    "reply-outlook-en.eml",
		newText: "Thank you, I will attend with one adviser.\n\nRegards,\nPeter",
		lang:    "en",
	},
	{
		file:    "reply-outlook-fr.eml",
		newText: "Bonjour,\n\nJe confirme ma participation à la conférence.\n\nCordialement,\nClaire",
		lang:    "fr",
	},
	{
		file:    "reply-outlook-es.eml",
		newText: "Estimados:\n\nLamentablemente no podré asistir a la conferencia.\n\nSaludos,\nJorge",
		lang:    "es",
	},
	{
		file:      "reply-original-message.eml",
		from:      Address{"Smith, Beth", "b.smith@leeds.example"},
		inReplyTo: []string{"ack.GCCM-0007@herald.un.org"},
		newText:   "Maybe - I need to check with the Mayor's diary first.",
	},
	{
		file:     "reply-html-gmail.eml",
		fromHTML: true,
		text:     []string{"wrote:\n> Dear colleague,\n> Will you attend?"},
		newText:  "I will attend.\nYuki",
	},
	{
		file:    "format-flowed.eml",
		text:    []string{"would like to know whether the shuttle", "> A shuttle will run from Brussels Airport every 30 minutes on 16 November."},
		newText: "We will arrive by train on the evening of 15 November and would like to know whether the shuttle also runs from Mechelen station.",
		lang:    "en",
	},
	{
		file:        "attachments.eml",
		contentType: "multipart/mixed",
		fromHTML:    true,
		text:        []string{"Please find the passport copies attached."},
		attachments: []string{"logo.png", "Pässe Delegation.pdf"},
	},
	{
		file:    "calendar-reply.eml",
		subject: "Refusé : Global Conference on Cities and Migrants",
		text:    []string{"Je ne serai pas disponible."},
		parts:   []string{"text/calendar"},
		lang:    "fr",
	},
	{
		file:        "broken-no-closing-boundary.eml",
		contentType: "multipart/mixed",
		text:        []string{"request a speaking slot"},
		attachments: []string{"cv.txt"},
		defect:      "missing closing boundary",
	},
	{
		file:   "broken-wrong-boundary.eml",
		text:   []string{"What are the exact dates of the conference?"},
		defect: "unreadable multipart/alternative",
	},
	{
		file:       "broken-headers.eml",
		subject:    "Café =?unknown-charset?Q?abc?= and more",
		from:       Address{"Unclosed quote", "weird@host.example"},
		messageID:  "plain-id-without-brackets@host.example",
		inReplyTo:  []string{"a@b", "c@d"},
		references: []string{"r1@x.example", "r2@x.example", "r3@x.example"},
		text:       []string{"Café menu?"},
		defect:     "unknown charset",
	},
	{
		file:      "mbox-from-line.eml",
		subject:   "mbox export",
		messageID: "mbox.1@example.org",
		text:      []string{"Body of an mbox message."},
	},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseFixtures(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			m, err := Parse(readFixture(t, f.file))
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			if f.subject != "" && m.Subject != f.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, f.subject)
			}
			if f.from.Address != "" && (len(m.From) == 0 || m.From[0] != f.from) {
				t.Errorf("From = %v, want %v", m.From, f.from)
			}
			if f.messageID != "" && m.MessageID != f.messageID {
				t.Errorf("MessageID = %q, want %q", m.MessageID, f.messageID)
			}
			if f.inReplyTo != nil && !slices.Equal(m.InReplyTo, f.inReplyTo) {
				t.Errorf("InReplyTo = %q, want %q", m.InReplyTo, f.inReplyTo)
			}
			if f.references != nil && !slices.Equal(m.References, f.references) {
				t.Errorf("References = %q, want %q", m.References, f.references)
			}
			if f.contentType != "" && m.ContentType != f.contentType {
				t.Errorf("ContentType = %q, want %q", m.ContentType, f.contentType)
			}
			for _, s := range f.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range f.notText {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text contains %q:\n%s", s, m.Text)
				}
			}
			if f.newText != "" && m.NewText() != f.newText {
				t.Errorf("NewText() = %q, want %q", m.NewText(), f.newText)
			}
			if f.lang != "" {
				if got := DetectLanguage(m.NewText()); got != f.lang {
					t.Errorf("DetectLanguage(NewText()) = %q, want %q", got, f.lang)
				}
			}
			if m.TextFromHTML != f.fromHTML {
				t.Errorf("TextFromHTML = %v, want %v", m.TextFromHTML, f.fromHTML)
			}
			var names []string
			for _, a := range m.Attachments {
				names = append(names, a.Filename)
			}
			if !slices.Equal(names, f.attachments) {
				t.Errorf("attachments = %q, want %q", names, f.attachments)
			}
			var parts []string
			for _, p := range m.Parts {
				parts = append(parts, p.ContentType)
			}
			if !slices.Equal(parts, f.parts) {
				t.Errorf("parts = %q, want %q", parts, f.parts)
			}
			if f.defect == "" && len(m.Defects) > 0 {
				t.Errorf("Defects = %q, want none", m.Defects)
			}
			if f.defect != "" && !slices.ContainsFunc(m.Defects, func(d string) bool { return strings.Contains(d, f.defect) }) {
				t.Errorf("Defects = %q, want one containing %q", m.Defects, f.defect)
			}
		})
	}
}

func TestParseUnreadable(t *testing.T) {
	for name, raw := range map[string][]byte{
		"empty":          nil,
		"blank lines":    []byte("\r\n\r\n"),
		"binary":         readFixture(t, "not-a-message.eml"),
		"body only":      []byte("Hello,\nplease call me.\n"),
		"leading space":  []byte(" From: a@b.example\n\nbody"),
		"no known field": []byte("Note: buy milk\n\nand bread"),
	} {
		if m, err := Parse(raw); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: Parse() = %v, %v; want ErrUnreadable", name, m, err)
		}
	}
}

func TestParseHeaderWithoutBlankLine(t *testing.T) {
	m, err := Parse([]byte("From: a@b.example\nSubject: hi\nThis line has no colon so the body starts here.\nSecond line: with colon.\n"))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if m.Subject != "hi" || !strings.HasPrefix(m.Text, "This line has no colon") || !strings.Contains(m.Text, "Second line: with colon.") {
		t.Errorf("Subject = %q, Text = %q", m.Subject, m.Text)
	}
}

func TestParseEnvelope(t *testing.T) {
	raw := "Return-Path: <>\nReturn-Path: <older@relay.example>\nFrom: A <A@Example.ORG>\n" +
		"To: b@example.org\nResent-To: c@example.org\nResent-Cc: D <d@example.org>\nReply-To: list@example.org\n" +
		"Received: one\nreceived: two\nDate: Mon, 2 Oct 2017 10:00:00 +0200 (CEST)\nX-Empty:\n\nbody\n"
	m, err := Parse([]byte(raw))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if !m.HasReturnPath || m.ReturnPath != "" {
		t.Errorf("ReturnPath = %q, %v; want null path", m.ReturnPath, m.HasReturnPath)
	}
	if m.FromAddress() != "a@example.org" || m.From[0].Name != "A" {
		t.Errorf("From = %v", m.From)
	}
	if got := len(m.Recipients()); got != 3 {
		t.Errorf("Recipients() = %v, want 3", m.Recipients())
	}
	if got := m.Header.Values("RECEIVED"); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("Values(RECEIVED) = %q", got)
	}
	if !m.Header.Has("x-empty") || m.Header.Get("x-empty") != "" || m.Header.Has("X-Missing") {
		t.Errorf("Has/Get of an empty field wrong")
	}
	if want := time.Date(2017, 10, 2, 8, 0, 0, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", m.Date, want)
	}
	if m.ContentType != "text/plain" {
		t.Errorf("ContentType = %q, want the RFC 2045 default", m.ContentType)
	}
}

func TestTextCharsetFallbacks(t *testing.T) {
	cases := []struct{ name, raw, want string }{
		{"utf-8 label, latin-1 bytes", "From: a@b.example\nContent-Type: text/plain; charset=utf-8\n\nd\xe9l\xe9gation\n", "délégation"},
		{"us-ascii label, utf-8 bytes", "From: a@b.example\nContent-Type: text/plain; charset=us-ascii\n\ndélégation\n", "délégation"},
		{"no label, cp1252 quote", "From: a@b.example\n\nit\x92s\n", "it’s"},
		{"iso-8859-15", "From: a@b.example\nContent-Type: text/plain; charset=iso-8859-15\n\n\xa4 5\n", "€ 5"},
		{"base64 with garbage", "From: a@b.example\nContent-Transfer-Encoding: base64\n\naGVsbG8g\nd29ybGQ=\n!!!\n", "hello world"},
		{"unknown encoding", "From: a@b.example\nContent-Transfer-Encoding: x-uuencode\n\nraw text\n", "raw text"},
		{"html meta charset", "From: a@b.example\nContent-Type: text/html\n\n<meta charset=\"iso-8859-1\"><p>caf\xe9</p>", "café"},
	}
	for _, c := range cases {
		m, err := Parse([]byte(c.raw))
		if err != nil {
			t.Fatalf("%s: Parse() = %v", c.name, err)
		}
		if !strings.Contains(m.Text, c.want) {
			t.Errorf("%s: Text = %q, want %q", c.name, m.Text, c.want)
		}
	}
}

func TestParseAddressListSalvage(t *testing.T) {
	got := ParseAddressList(`decorte@un.org, broken <<gccm@un.org>, "Doe, Jane" <Jane@Doe.example>, =?utf-8?Q?Ren=C3=A9?= <rene@x.example>, garbage`)
	want := []Address{{"", "decorte@un.org"}, {"broken", "gccm@un.org"}, {"Doe, Jane", "jane@doe.example"}, {"René", "rene@x.example"}}
	if !slices.Equal(got, want) {
		t.Errorf("ParseAddressList() = %q, want %q", got, want)
	}
	if got := ParseAddressList(`"=?iso-8859-1?Q?Fran=E7ois?=" <f@x.example>`); len(got) != 1 || got[0].Name != "François" {
		t.Errorf("quoted encoded-word name = %q", got)
	}
}

func TestParseMsgIDs(t *testing.T) {
	for raw, want := range map[string][]string{
		"<a@b>":                       {"a@b"},
		"<a@b> (comment <x@y>) <c@d>": {"a@b", "c@d"},
		"a@b c@d":                     {"a@b", "c@d"},
		"<a@b\n <c@d>":                {"c@d"},
		"":                            nil,
	} {
		if got := ParseMsgIDs(raw); !slices.Equal(got, want) {
			t.Errorf("ParseMsgIDs(%q) = %q, want %q", raw, got, want)
		}
	}
}

package classify

import (
	"regexp"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

func parse(t *testing.T, header string) *message.Message {
	t.Helper()
	m, err := message.Parse([]byte(strings.ReplaceAll(header, "|", "\n") + "\n\nbody\n"))
	if err != nil {
		t.Fatalf("Parse(%q) = %v", header, err)
	}
	return m
}

const base = "From: Ana <ana@city.example>|To: decorte@un.org|Return-Path: <ana@city.example>|Subject: hello"

func TestSuppress(t *testing.T) {
	exc := Policy{OwnAddresses: policy.OwnAddresses, Exceptions: []*regexp.Regexp{regexp.MustCompile(`@forms\.example$`)}}
	cases := []struct {
		name, header string
		p            Policy
		want         string
	}{
		{"plain", base, policy, ""},
		{"auto-submitted no", base + "|Auto-Submitted: no", policy, ""},
		{"auto-submitted No with comment", base + "|Auto-Submitted: No (manual)", policy, ""},
		{"auto-replied (vacation)", base + "|Auto-Submitted: auto-replied (vacation)", policy, ReasonAutoSubmitted},
		{"AUTO-NOTIFIED", base + "|Auto-Submitted: AUTO-NOTIFIED", policy, ReasonAutoSubmitted},
		{"x-autoreply", base + "|X-Autoreply: yes", policy, ReasonAutoSubmitted},
		{"precedence auto_reply", base + "|Precedence: auto_reply", policy, ReasonAutoSubmitted},
		{"suppress All", base + "|X-Auto-Response-Suppress: All", policy, ReasonAutoResponseSuppress},
		{"suppress OOF", base + "|X-Auto-Response-Suppress: DR, OOF", policy, ReasonAutoResponseSuppress},
		{"suppress autoreply", base + "|X-Auto-Response-Suppress: autoreply", policy, ReasonAutoResponseSuppress},
		{"suppress DR RN only", base + "|X-Auto-Response-Suppress: DR, RN, NRN", policy, ""},
		{"list-unsubscribe", base + "|List-Unsubscribe: <mailto:u@x>", policy, ReasonList},
		{"list-id lower case", base + "|list-id: <l.x>", policy, ReasonList},
		{"precedence bulk", base + "|Precedence: bulk", policy, ReasonPrecedence},
		{"precedence JUNK", base + "|Precedence: JUNK", policy, ReasonPrecedence},
		{"precedence first-class", base + "|Precedence: first-class", policy, ""},
		{"null return path", "From: ana@city.example|To: decorte@un.org|Return-Path: <>", policy, ReasonEmptyReturnPath},
		{"mailer-daemon", "From: MAILER-DAEMON@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"noreply", "From: noreply@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"no-reply suffix", "From: events-no-reply@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"owner-", "From: owner-cities@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"-request", "From: cities-request@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"-bounces VERP", "From: a@x.example|Return-Path: <cities-bounces+decorte=un.org@x.example>|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"listserv", "From: LISTSERV@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"majordomo", "From: majordomo@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"postmaster", "From: postmaster@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"Postmaster in Return-Path", "From: a@x.example|Return-Path: <Postmaster@x.example>|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"mailer_daemon", "From: mailer_daemon@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"MicrosoftExchange", "From: MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"do-not-reply", "From: Do.Not.Reply@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"ne-pas-repondre", "From: ne-pas-repondre@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"sympa", "From: sympa@listes.x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"list -owner", "From: cities-owner@x.example|To: decorte@un.org", policy, ReasonAutomaticSender},
		{"apple unsubscribe", base + "|X-Apple-Unsubscribe: true", policy, ReasonAutoSubmitted},
		{"apple vacation", base + "|X-Apple-Action: VACATION", policy, ReasonAutoSubmitted},
		{"exchange ndr", base + "|X-MS-Exchange-Message-Is-Ndr:", policy, ReasonAutoSubmitted},
		{"automatic reply subject", strings.Replace(base, "hello", "Automatic reply: hello", 1), policy, ReasonAutomaticSubject},
		{"undeliverable subject", strings.Replace(base, "hello", "Undeliverable: hello", 1), policy, ReasonAutomaticSubject},
		{"absence on a reply", strings.Replace(base, "hello", "Absence", 1) + "|In-Reply-To: <x@y>", policy, ReasonAutomaticSubject},
		{"absence on new mail", strings.Replace(base, "hello", "Absence", 1), policy, ""},
		{"forwarded notice", strings.Replace(base, "hello", "Fwd: Undeliverable: hello", 1), policy, ""},
		{"office hours", strings.Replace(base, "hello", "Open out of office hours?", 1), policy, ""},
		{"a person named info", "From: info@x.example|To: decorte@un.org", policy, ""},
		{"loop ours", base + "|X-Herald-Loop: habitat", policy, ReasonLoop},
		{"loop among others", base + "|X-Herald-Loop: other, Habitat", policy, ReasonLoop},
		{"loop of another instance", base + "|X-Herald-Loop: other", policy, ""},
		{"loop any value", base + "|X-Herald-Loop: other", Policy{LoopHeader: "X-Herald-Loop"}, ReasonLoop},
		{"own address in From", "From: Decorte@UN.org|To: decorte@un.org", policy, ReasonOwnAddress},
		{"own alias in Return-Path", "From: a@x.example|Return-Path: <gccm@un.org>|To: decorte@un.org", policy, ReasonOwnAddress},
		{"cc alias", "From: a@x.example|To: b@x.example|Cc: GCCM@un.org", policy, ""},
		{"bcc", "From: a@x.example|To: b@x.example|Bcc: decorte@un.org", policy, ""},
		{"resent-cc", "From: a@x.example|To: b@x.example|Resent-Cc: decorte@un.org", policy, ""},
		{"delivered-to does not count", "From: a@x.example|To: b@x.example|Delivered-To: decorte@un.org", policy, ReasonNotAddressedToUs},
		{"not addressed", "From: a@x.example|To: b@x.example", policy, ReasonNotAddressedToUs},
		{"not addressed but excepted", "From: relay@forms.example|To: b@x.example", exc, ""},
		{"no own addresses configured", "From: a@x.example|To: b@x.example", Policy{}, ""},
	}
	for _, c := range cases {
		if got := Suppress(parse(t, c.header), c.p); got != c.want {
			t.Errorf("%s: Suppress() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestReplyAddress(t *testing.T) {
	cases := map[string]string{
		"From: a@x.example|Reply-To: list@x.example|Return-Path: <Env@X.example>": "env@x.example",
		"From: A <A@x.example>|Reply-To: list@x.example":                          "a@x.example",
		"From: a@x.example|Return-Path: <>":                                       "",
		"From: a@x.example|Return-Path: garbage":                                  "a@x.example",
	}
	for h, want := range cases {
		if got := ReplyAddress(parse(t, h)); got != want {
			t.Errorf("ReplyAddress(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestAutoReplyHeaders(t *testing.T) {
	cases := []struct {
		header string
		kind   Kind
		reason string
	}{
		{base + "|Auto-Submitted: auto-replied (vacation)", AutoReply, "auto-submitted"},
		{base + "|Auto-Submitted: no", Other, ""},
		{base + "|X-Autorespond: on", AutoReply, "x-autorespond"},
		{base + "|X-Autoreply: yes", AutoReply, "x-autoreply"},
		{base + "|X-Autoreply: no", Other, ""},
		{base + "|Precedence: auto_reply", AutoReply, "precedence"},
		{base + "|Precedence: bulk", Other, ""},
		// Outlook sets this on ordinary mail: the sender's wish, not an auto-reply.
		{base + "|X-Auto-Response-Suppress: All", Other, ""},
		// Rules-Loop alone is also set on mail forwarded by an inbox rule.
		{base + "|X-MS-Exchange-Inbox-Rules-Loop: ana@city.example", Other, ""},
		{strings.Replace(base, "hello", "FW: visa", 1) + "|X-MS-Exchange-Inbox-Rules-Loop: a@x|X-Auto-Response-Suppress: All", Other, ""},
		{base + "|X-MS-Exchange-Inbox-Rules-Loop: a@x|X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", AutoReply, "ms-exchange"},
	}
	for _, c := range cases {
		r := Classify(parse(t, c.header))
		if r.Kind != c.kind || r.Reason != c.reason {
			t.Errorf("Classify(%q) = %s/%q, want %s/%q", c.header, r.Kind, r.Reason, c.kind, c.reason)
		}
	}
}

func TestAutoReplySubjects(t *testing.T) {
	// Prefixes that mail software writes and people do not: an auto-reply
	// with or without In-Reply-To, in the languages of the issue.
	for _, s := range []string{
		"Automatic reply: Invitation", "Out of Office: Invitation", "Réponse automatique : Invitation",
		"Absence du bureau", "Respuesta automática: Invitación", "Fuera de la oficina",
		"AUTO: Jane Doe is out of the office (returning 02/10/2017)", "Autoreply: your message",
		"Auto-Reply: Invitation", "Out of Office AutoReply: Invitation", "Absence : Invitation",
		"Abwesend: Einladung", "Automatische Antwort: Einladung", "Abwesenheitsnotiz: Einladung",
		"Resposta automática: Convite", "Risposta automatica: Invito", "Afwezig: Uitnodiging",
		"Automatisch antwoord: Uitnodiging", "自動応答: Invitation", "[Auto-Reply] Invitation",
		"Out of Office", "Re: Automatic reply: Invitation",
	} {
		for _, irt := range []string{"|In-Reply-To: <w@herald>", ""} {
			r := Classify(parse(t, "From: a@x.example|To: decorte@un.org|Subject: "+s+irt))
			if r.Kind != AutoReply || r.SubjectOnly {
				t.Errorf("subject %q (%q): %s subjectOnly=%v, want an auto-reply", s, irt, r.Kind, r.SubjectOnly)
			}
		}
	}
	// An absence word alone may be a person's subject: with In-Reply-To
	// it is a subject-only auto-reply (the caller checks it answers us),
	// without it ordinary mail.
	for _, s := range []string{"Absence", "Vacation", "Abwesend", "Absent until 2 October"} {
		r := Classify(parse(t, "From: a@x.example|To: decorte@un.org|In-Reply-To: <w@herald>|Subject: "+s))
		if r.Kind != AutoReply || !r.SubjectOnly {
			t.Errorf("subject %q: %s subjectOnly=%v, want a subject-only auto-reply", s, r.Kind, r.SubjectOnly)
		}
		if r := Classify(parse(t, "From: a@x.example|To: decorte@un.org|Subject: "+s)); r.Kind != Other {
			t.Errorf("subject %q without In-Reply-To: %s, want other", s, r.Kind)
		}
	}
	for _, s := range []string{"Re: Invitation", "Registration for the conference", "Je serai absente le 16",
		"Is the desk open out of office hours?", "Fwd: Automatic reply: Invitation", "Absence à la réunion du 16"} {
		if r := Classify(parse(t, "From: a@x.example|To: decorte@un.org|Subject: "+s)); r.Kind != Other {
			t.Errorf("subject %q: %s, want other", s, r.Kind)
		}
	}
}

// TestAutoReplyText: an absence subject with an out-of-office text, or a
// text that says it is automatic, is an auto-reply; a person's RSVP that
// mentions an absence is not.
func TestAutoReplyText(t *testing.T) {
	cases := []struct {
		subject, text string
		want          Kind
	}{
		{"Absence|In-Reply-To: <w@herald>", "Je suis absente du bureau jusqu'au 2 octobre.", AutoReply},
		{"Vacation|References: <w@herald>", "I am on vacation until Monday with limited access to email.", AutoReply},
		{"Absence", "Je serai absente le 16 novembre, désolée.", Other},
		{"Re: Invitation", "This is an automatic reply. I will not be able to attend to your email until Monday.", AutoReply},
		{"Re: Invitation", "Ceci est une réponse automatique. Je suis absent.", AutoReply},
		{"Re: Invitación", "Esta es una respuesta automática: estoy fuera de la oficina.", AutoReply},
		{"Re: Invitation", "I will be out of the office on those dates, so I cannot attend. Regards", Other},
		{"Re: Invitation", "I received an automatic reply from your colleague, is the event confirmed?", Other},
	}
	for _, c := range cases {
		m := parse(t, "From: a@x.example|To: decorte@un.org|Subject: "+c.subject)
		m.Text = c.text
		if r := Classify(m); r.Kind != c.want || r.SubjectOnly {
			t.Errorf("%q / %q: %s subjectOnly=%v, want %s", c.subject, c.text, r.Kind, r.SubjectOnly, c.want)
		}
	}
}

func TestBounceNeedsAutomaticSender(t *testing.T) {
	// A person forwarding a bounce text to us is an enquiry, not a bounce.
	m := parse(t, "From: ana@city.example|To: decorte@un.org|Subject: Fwd: why?")
	m.Text = "This message was created automatically by mail delivery software.\n\n  x@y.example\n    550 5.1.1 unknown"
	if r := Classify(m); r.Kind != Other {
		t.Errorf("forwarded bounce text: %s/%s, want other", r.Kind, r.Reason)
	}
}

func TestParseDSN(t *testing.T) {
	cases := []struct {
		name, body      string
		mta             string
		addrs, statuses []string
		actions         []string
		wantErr         bool
	}{
		{
			name:     "two recipients, CRLF",
			body:     "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; A@x.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\nFinal-Recipient: rfc822;b@x.example\r\nAction: delayed\r\nStatus: 4.4.7 (delivery time expired)\r\n",
			mta:      "mx.example",
			addrs:    []string{"a@x.example", "b@x.example"},
			statuses: []string{"5.1.1", "4.4.7"},
			actions:  []string{"failed", "delayed"},
		},
		{
			name:     "no blank line after per-message fields",
			body:     "Reporting-MTA: dns; mx.example\nFinal-Recipient: rfc822; c@x.example\nAction: Failed\nStatus: 5.2.2\n",
			mta:      "mx.example",
			addrs:    []string{"c@x.example"},
			statuses: []string{"5.2.2"},
			actions:  []string{"failed"},
		},
		{
			name:     "original recipient preferred, status from diagnostic, action inferred",
			body:     "Reporting-MTA: dns; mx.example\n\n\n\nOriginal-Recipient: rfc822;<Orig@X.example>\nFinal-Recipient: rfc822;final@x.example\nDiagnostic-Code: smtp; 550-5.1.1 user unknown\n",
			mta:      "mx.example",
			addrs:    []string{"orig@x.example"},
			statuses: []string{"5.1.1"},
			actions:  []string{"failed"},
		},
		{
			name:     "basic SMTP code only",
			body:     "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; d@x.example\nAction: failed\nDiagnostic-Code: smtp; 554 rejected\n",
			mta:      "mx.example",
			addrs:    []string{"d@x.example"},
			statuses: []string{"5.0.0"},
			actions:  []string{"failed"},
		},
		{name: "no recipients", body: "Reporting-MTA: dns; mx.example\n", mta: "mx.example", wantErr: true},
		{name: "garbage", body: "\x00\x01 not a dsn", wantErr: true},
	}
	for _, c := range cases {
		d, err := ParseDSN([]byte(c.body))
		if (err != nil) != c.wantErr {
			t.Errorf("%s: ParseDSN() error = %v, want error %v", c.name, err, c.wantErr)
			continue
		}
		if d.ReportingMTA != c.mta {
			t.Errorf("%s: ReportingMTA = %q, want %q", c.name, d.ReportingMTA, c.mta)
		}
		for i, rc := range d.Recipients {
			if i >= len(c.addrs) || rc.Address != c.addrs[i] || rc.Status != c.statuses[i] || rc.Action != c.actions[i] {
				t.Errorf("%s: recipient %d = %+v", c.name, i, rc)
			}
		}
		if len(d.Recipients) != len(c.addrs) {
			t.Errorf("%s: %d recipients, want %d", c.name, len(d.Recipients), len(c.addrs))
		}
	}
}

func TestMixedDSNIsBounce(t *testing.T) {
	raw := "From: MAILER-DAEMON@mx.example\nTo: decorte@un.org\nSubject: Delivery report\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n--b\nContent-Type: text/plain\n\nreport\n" +
		"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n" +
		"Final-Recipient: rfc822; a@x.example\nAction: delayed\nStatus: 4.4.1\n\n" +
		"Final-Recipient: rfc822; b@x.example\nAction: failed\nStatus: 5.1.1\n\n--b--\n"
	m, err := message.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	r := Classify(m)
	if r.Kind != Bounce || len(r.Failed()) != 1 || r.Failed()[0].Address != "b@x.example" {
		t.Errorf("Classify() = %s, failed %+v; want a bounce failing b@x.example only", r.Kind, r.Failed())
	}
}

func TestPolicyDiagnostics(t *testing.T) {
	for diag, want := range map[string]bool{
		"550 5.1.1 user unknown":                      false,
		"554 5.0.0 Message rejected as spam":          true,
		"550 Client host blocked, listed at Spamhaus": true,
		"550 5.7.26 Unauthenticated email (DMARC)":    true,
	} {
		rc := Recipient{Status: statusFromText(diag), DiagnosticCode: diag}
		if rc.Policy() != want {
			t.Errorf("Policy(%q) = %v, want %v", diag, rc.Policy(), want)
		}
		if want && rc.Permanent() {
			t.Errorf("Permanent(%q) = true for a policy rejection", diag)
		}
	}
}

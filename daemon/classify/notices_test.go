package classify

import (
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

func mustParse(t *testing.T, raw string) *message.Message {
	t.Helper()
	m, err := message.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	return m
}

// TestParseDSNTolerant: a person reads these reports; so does herald.
func TestParseDSNTolerant(t *testing.T) {
	body := "Reporting-MTA: dns; mx.example\n\n" +
		"Final-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.1.1\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 <a@x.example>:\nRecipient address rejected: User unknown in virtual\nmailbox table\n" +
		"Final-Recipient: rfc822; b@x.example\nAction: expired\nStatus: 4.4.7\n"
	d, err := ParseDSN([]byte(body))
	if err != nil {
		t.Fatalf("ParseDSN() = %v", err)
	}
	if len(d.Recipients) != 2 {
		t.Fatalf("recipients = %+v, want a and b", d.Recipients)
	}
	a, b := d.Recipients[0], d.Recipients[1]
	if a.Address != "a@x.example" || a.Status != "5.1.1" || !strings.Contains(a.DiagnosticCode, "User unknown in virtual mailbox table") {
		t.Errorf("a = %+v: the unindented continuation must stay in the diagnostic", a)
	}
	if b.Address != "b@x.example" || b.Action != "failed" || b.Status != "4.4.7" {
		t.Errorf("b = %+v: Action expired is a failure", b)
	}
	// A "said: 550" line is not a field.
	d, _ = ParseDSN([]byte("Reporting-MTA: dns; m\n\nFinal-Recipient: rfc822; c@x.example\nAction: failed\nDiagnostic-Code: smtp; host mx said:\nsaid: 550 no such user\n"))
	if len(d.Recipients) != 1 || d.Recipients[0].Status != "5.0.0" || !strings.Contains(d.Recipients[0].DiagnosticCode, "no such user") {
		t.Errorf("recipients = %+v", d.Recipients)
	}
}

// TestDeliveryStatusReportTrusted: report-type=delivery-status is a
// failure notice even when its delivery-status part cannot be read.
func TestDeliveryStatusReportTrusted(t *testing.T) {
	raw := "From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: decorte@un.org\nSubject: Returned\n" +
		"Auto-Submitted: auto-replied\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\n\n" +
		"--b\nContent-Type: text/plain\n\n<a@x.example>: host mx.x.example said: 550 5.1.1 User unknown\n\n" +
		"--b\nContent-Type: message/delivery-status\n\nthis is not a field group\n\n--b--\n"
	r := Classify(mustParse(t, raw))
	if r.Kind != Bounce || len(r.Failed()) != 1 || r.Failed()[0].Address != "a@x.example" || r.Failed()[0].Status != "5.1.1" {
		t.Errorf("Classify() = %s %+v, want a bounce failing a@x.example 5.1.1", r.Kind, r.Recipients)
	}
}

func TestBounceEvidence(t *testing.T) {
	cases := []struct {
		name, head, text string
		want             Kind
	}{
		{"auto-replied bounce", "From: MAILER-DAEMON@mx.example|Auto-Submitted: auto-replied|Subject: Undelivered Mail Returned to Sender",
			"This is the mail system at host mx.example.\n\n<a@x.example>: host said: 550 5.1.1 unknown", Bounce},
		{"daemon and code", "From: postmaster@mx.example|Subject: Notice",
			"Delivery to a@x.example: 550 5.1.1 unknown user", Bounce},
		{"german subject and returned original", "From: mailer@mx.example|Subject: Unzustellbar: Einladung",
			"Die Nachricht an a@x.example war nicht möglich.\n\n--- Kopie ---\nThis is a copy of the message", Bounce},
		{"list moderator hold", "From: cities-owner@lists.example|Subject: Your message to Cities awaits moderator approval",
			"Your mail to 'Cities' with the subject\n\n    Invitation\n\nIs being held until the list moderator can review it for approval.", Delay},
		{"person: failure subject only", "From: ana@city.example|Subject: Undelivered invitation?",
			"Our mayor never received it, can you resend it?", Other},
		{"person: forwarded notice", "From: ana@city.example|Subject: Fwd: Undeliverable: Invitation",
			"Delivery has failed to these recipients or groups:\n\nmayor@city.example\n550 5.1.1 not found", Other},
		{"out-of-office quoting numbers", "From: ana@city.example|Return-Path: <>|Auto-Submitted: auto-replied|Subject: Automatic reply: Invitation",
			"I am out of the office.\n\nOriginal message:\nThe hall seats 550 people.", AutoReply},
	}
	for _, c := range cases {
		m := parse(t, c.head+"|To: decorte@un.org")
		m.Text = c.text
		if r := Classify(m); r.Kind != c.want {
			t.Errorf("%s: Classify() = %s/%s, want %s", c.name, r.Kind, r.Reason, c.want)
		}
	}
}

func TestProviderReports(t *testing.T) {
	jmrp := "From: staff@hotmail.com\nTo: decorte@un.org\nSubject: complaint about message from 192.0.2.1\n" +
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nThis is an email abuse report.\n" +
		"--b\nContent-Type: message/rfc822\n\nX-HmXmrOriginalRecipient: <Grumpy@hotmail.com>\nFrom: decorte@un.org\nMessage-ID: <inv1@un.org>\nSubject: Invitation\n\nDear Mayor\n--b--\n"
	r := Classify(mustParse(t, jmrp))
	if r.Kind != AbuseReport || r.Reason != "jmrp" || r.OriginalMessageID != "inv1@un.org" || len(r.Recipients) != 1 || r.Recipients[0].Address != "grumpy@hotmail.com" {
		t.Errorf("JMRP: %+v", r)
	}
	inner := `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":[{"emailAddress":"a@x.example","status":"5.1.1"}]},"mail":{"commonHeaders":{"messageId":"<inv2@un.org>"}}}`
	sns := "From: AWS Notifications <no-reply@sns.amazonaws.com>\nTo: decorte@un.org\nSubject: AWS Notification Message\n\n" +
		`{"Type":"Notification","TopicArn":"arn:aws:sns:eu-west-1:1:ses","Message":` + jsonString(inner) + "}\n"
	r = Classify(mustParse(t, sns))
	if r.Kind != Notification || r.FeedbackType != "bounce" || r.OriginalMessageID != "inv2@un.org" || len(r.Recipients) != 1 || r.Recipients[0].Status != "5.1.1" {
		t.Errorf("SES through SNS: %+v", r)
	}
	dmarc := "From: noreply-dmarc-support@google.com\nTo: decorte@un.org\nSubject: Report domain: un.org Submitter: google.com Report-ID: 1234\n\nsee attachment\n"
	if r := Classify(mustParse(t, dmarc)); r.Kind != Notification || r.Reason != "dmarc" {
		t.Errorf("DMARC aggregate report: %s/%s", r.Kind, r.Reason)
	}
	apple := "From: a@x.example\nTo: decorte@un.org\nSubject: unsubscribe\nX-Apple-Unsubscribe: true\n\nThis message was automatically generated by Mail.\n"
	if r := Classify(mustParse(t, apple)); r.Kind != ListUnsubscribe || !r.Kind.Report() {
		t.Errorf("Apple unsubscribe: %s", r.Kind)
	}
	for _, plain := range []string{"{\"hello\": 1}", "{not json"} {
		if r := Classify(mustParse(t, "From: a@x.example\nTo: decorte@un.org\nSubject: data\n\n"+plain+"\n")); r.Kind != Other {
			t.Errorf("%q: %s, want other", plain, r.Kind)
		}
	}
}

func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func TestAutoReplyMarkers(t *testing.T) {
	for _, h := range []string{"X-Apple-Action: VACATION", "X-Autogenerated: Reply", "X-POST-MessageClass: 9; Autoresponder",
		"Delivered-To: Autoresponder", "X-Auto-Reply: yes", "X-Autoresponder: on"} {
		if r := Classify(parse(t, base+"|"+h)); r.Kind != AutoReply {
			t.Errorf("%s: %s, want auto-reply", h, r.Kind)
		}
	}
}

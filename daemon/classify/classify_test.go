package classify

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

// policy is the sandbox account of docs/CONFIG.md §5: decorte@un.org
// with alias gccm@un.org.
var policy = Policy{
	OwnAddresses: []string{"decorte@un.org", "GCCM@un.org"},
	LoopHeader:   "X-Herald-Loop",
	LoopValue:    "habitat",
}

// want is what one testdata/*.eml file must classify as.
type want struct {
	kind        Kind
	reason      string
	subjectOnly bool
	rcpt        string // first recipient's address
	action      string
	status      string
	severity    string // "permanent", "temporary", "policy" or ""
	diagnostic  string // substring of the first recipient's diagnostic
	origID      string
	suppress    string
	reply       string
	disposition string
	feedback    string
}

var cases = map[string]want{
	// Auto-replies (docs/BEHAVIOUR.md §4 step 2).
	"oof-exchange-m365.eml":     {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "m.janssens@stad.mechelen.be"},
	"oof-exchange-fr.eml":       {kind: AutoReply, reason: "ms-exchange", suppress: ReasonAutoResponseSuppress, reply: "jean.dupont@ville-lyon.fr"},
	"oof-gmail-vacation.eml":    {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "amina.diallo.mayor@gmail.com"},
	"oof-zimbra.eml":            {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "p.rossi@comune.torino.it"},
	"oof-icloud.eml":            {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "lena.berg@icloud.com"},
	"oof-sieve-vacation-es.eml": {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "c.fernandez@madrid.es"},
	"auto-notified.eml":         {kind: AutoReply, reason: "auto-submitted", suppress: ReasonAutoSubmitted, reply: "helpdesk@bruxelles.be"},
	"oof-subject-only.eml":      {kind: AutoReply, reason: "subject", suppress: ReasonAutomaticSubject, reply: "info@gemeente-voorbeeld.nl"},

	// Ordinary mail and the acknowledgement policy.
	"auto-submitted-no.eml":      {kind: Other, reply: "s.okafor@lagosstate.gov.ng"},
	"enquiry-office-hours.eml":   {kind: Other, reply: "k.mensah@accra.gov.gh"},
	"list-mailman.eml":           {kind: Other, suppress: ReasonList, reply: "urban-migration-bounces+decorte=un.org@lists.example.org"},
	"noreply-sender.eml":         {kind: Other, suppress: ReasonAutomaticSender, reply: "bounce-8812@mailer.eventportal.example"},
	"empty-return-path.eml":      {kind: Other, suppress: ReasonEmptyReturnPath},
	"outlook-meeting-accept.eml": {kind: Other, suppress: ReasonAutoResponseSuppress, reply: "l.moreau@paris.fr"},
	"own-address.eml":            {kind: Other, suppress: ReasonOwnAddress, reply: "gccm@un.org"},
	"loop-marker.eml":            {kind: Other, suppress: ReasonLoop, reply: "forwarder@partner.example"},
	"bcc-not-addressed.eml":      {kind: Other, suppress: ReasonNotAddressedToUs, reply: "comms@uclg.example"},
	"resent-to-alias.eml":        {kind: Other, reply: "m.kowalski@um.warszawa.pl"},

	// Bounces and reports (docs/BEHAVIOUR.md §4 step 1).
	"dsn-postfix-511.eml": {kind: Bounce, reason: "dsn", rcpt: "mayor.office@ville-exemple.fr", action: "failed", status: "5.1.1",
		severity: "permanent", diagnostic: "User unknown in virtual mailbox table", origID: "wave.invitation.51.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"dsn-postfix-delayed.eml": {kind: Delay, reason: "dsn", rcpt: "protocol@municipio-ejemplo.gob.mx", action: "delayed", status: "4.4.1",
		severity: "temporary", diagnostic: "Connection timed out", origID: "wave.reminder.52.1505559600@herald.un.org", suppress: ReasonAutoSubmitted},
	"dsn-policy-571.eml": {kind: Bounce, reason: "dsn", rcpt: "info@city-example.org", action: "failed", status: "5.7.1",
		severity: "policy", diagnostic: "zen.spamhaus.org", origID: "wave.invitation.57.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"exchange-o365-ndr.eml": {kind: Bounce, reason: "dsn", rcpt: "deputy.mayor@stadt-beispiel.de", action: "failed", status: "5.1.10",
		severity: "permanent", diagnostic: "RESOLVER.ADR.RecipientNotFound", origID: "wave.invitation.54.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"gmail-dsn-511.eml": {kind: Bounce, reason: "dsn", rcpt: "mayor.office.nairobi@gmail.com", action: "failed", status: "5.1.1",
		severity: "permanent", diagnostic: "does not exist", origID: "wave.invitation.55.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"exim-text.eml": {kind: Bounce, reason: "exim", rcpt: "town.clerk@borough-example.gov.uk", action: "failed", status: "5.1.1",
		severity: "permanent", diagnostic: "User unknown in local recipient table", origID: "wave.invitation.53.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"exim-delay.eml": {kind: Delay, reason: "exim", rcpt: "intl@ciudad-ejemplo.cl", action: "delayed", status: "4.7.1",
		severity: "temporary", diagnostic: "Greylisting", suppress: ReasonAutoSubmitted},
	"qmail-text.eml": {kind: Bounce, reason: "qmail", rcpt: "gabinete@prefeitura-exemplo.br", action: "failed", status: "5.1.1",
		severity: "permanent", diagnostic: "does not like recipient", origID: "wave.invitation.56.1505458800@herald.un.org", suppress: ReasonEmptyReturnPath},
	"postfix-text.eml": {kind: Bounce, reason: "postfix", rcpt: "relations@city-example.ca", action: "failed", status: "5.2.2",
		severity: "permanent", diagnostic: "Mailbox full", suppress: ReasonEmptyReturnPath},
	"exchange-text-fr.eml": {kind: Bounce, reason: "exchange", rcpt: "cabinet.maire@mairie-exemple.fr", action: "failed", status: "5.1.1",
		severity: "permanent", diagnostic: "introuvable", origID: "wave.invitation.58.1505458800@herald.un.org", suppress: ReasonAutoSubmitted},
	"read-receipt.eml": {kind: ReadReceipt, reason: "mdn", rcpt: "h.tanaka@city.yokohama.example", action: "displayed",
		origID: "wave.invitation.59.1505458800@herald.un.org", disposition: "manual-action/MDN-sent-manually; displayed", reply: "h.tanaka@city.yokohama.example"},
	"arf-abuse.eml": {kind: AbuseReport, reason: "arf", rcpt: "grumpy.councillor@hotmail.com", action: "abuse",
		origID: "wave.reminder.60.1505559600@herald.un.org", feedback: "abuse", suppress: ReasonEmptyReturnPath},
}

func severity(r Recipient) string {
	switch {
	case r.Policy():
		if r.Temporary() {
			return "temporary"
		}
		return "policy"
	case r.Permanent():
		return "permanent"
	case r.Temporary():
		return "temporary"
	}
	return ""
}

func TestClassifyFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if len(files) != len(cases) {
		t.Errorf("%d fixtures, %d cases: every fixture needs an expectation", len(files), len(cases))
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			w, ok := cases[name]
			if !ok {
				t.Fatalf("no expectation for %s", name)
			}
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := message.Parse(raw)
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			r := Classify(m)
			if r.Kind != w.kind || r.Reason != w.reason || r.SubjectOnly != w.subjectOnly {
				t.Errorf("Classify() = %s/%q subjectOnly=%v, want %s/%q subjectOnly=%v", r.Kind, r.Reason, r.SubjectOnly, w.kind, w.reason, w.subjectOnly)
			}
			if r.OriginalMessageID != w.origID {
				t.Errorf("OriginalMessageID = %q, want %q", r.OriginalMessageID, w.origID)
			}
			if r.Disposition != w.disposition || r.FeedbackType != w.feedback {
				t.Errorf("Disposition, FeedbackType = %q, %q; want %q, %q", r.Disposition, r.FeedbackType, w.disposition, w.feedback)
			}
			checkRecipient(t, r, w)
			if got := Suppress(m, policy); got != w.suppress {
				t.Errorf("Suppress() = %q, want %q", got, w.suppress)
			}
			if got := ReplyAddress(m); got != w.reply {
				t.Errorf("ReplyAddress() = %q, want %q", got, w.reply)
			}
		})
	}
}

func checkRecipient(t *testing.T, r Result, w want) {
	t.Helper()
	if w.rcpt == "" {
		if len(r.Recipients) != 0 {
			t.Errorf("Recipients = %+v, want none", r.Recipients)
		}
		return
	}
	if len(r.Recipients) != 1 {
		t.Fatalf("Recipients = %+v, want one", r.Recipients)
	}
	rc := r.Recipients[0]
	if rc.Address != w.rcpt || rc.Action != w.action || rc.Status != w.status {
		t.Errorf("recipient = %s %s %s, want %s %s %s", rc.Address, rc.Action, rc.Status, w.rcpt, w.action, w.status)
	}
	if got := severity(rc); got != w.severity {
		t.Errorf("severity = %q, want %q", got, w.severity)
	}
	if !regexp.MustCompile(regexp.QuoteMeta(w.diagnostic)).MatchString(rc.DiagnosticCode) {
		t.Errorf("DiagnosticCode = %q, want it to contain %q", rc.DiagnosticCode, w.diagnostic)
	}
}

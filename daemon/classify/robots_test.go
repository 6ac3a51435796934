package classify

import (
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

func classifyRaw(t *testing.T, raw string) Result {
	t.Helper()
	m, err := message.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return Classify(m)
}

// TestRobotNotices: the second blind set's registries, unread mailboxes,
// people who left, automatic forwards, challenges and offices'
// acknowledgements, with no automatic field, are auto-replies; people
// writing nearby words are not (docs/ACCURACY.md).
func TestRobotNotices(t *testing.T) {
	cases := []struct {
		subject, body string
		want          Kind
	}{
		{"Your enquiry has been received", "Thank you for contacting the Council. Your enquiry reference number is 1010045.", AutoReply},
		{"Registro de entrada", "Su escrito ha quedado registrado con número de registro 2017/045.\n\nMensaje generado automáticamente.", AutoReply},
		{"Eingangsbestätigung", "Ihre Anfrage wird unter der Vorgangsnummer 2017-09-4711 bearbeitet.\n\nDiese E-Mail wurde automatisch erstellt.", AutoReply},
		{"RE: Invitation", "This mailbox is no longer monitored. Please resend your email to intl@city.example.", AutoReply},
		{"RE : Invitation", "Cette boîte aux lettres n'est plus consultée. Merci d'écrire à ri@ville.example.", AutoReply},
		{"R: Invito", "Gentile mittente,\n\nnon lavoro più presso il Comune. La prego di scrivere a ri@comune.example.", AutoReply},
		{"RE: Invitación", "Ya no trabajo en el Ayuntamiento. Por favor, diríjase a internacional@ayto.example.", AutoReply},
		{"Transfert", "Votre message a été automatiquement transféré au service du Protocole.", AutoReply},
		{"RE : Invitation", "Le Cabinet du Maire accuse réception de votre courriel. Votre demande sera étudiée dans les meilleurs délais.", AutoReply},
		{"Please verify", "I am protecting myself from spam. Please click below to complete the verification process.", AutoReply},
		{"Automatiskt svar: Inbjudan", "Jag är på semester.", AutoReply},
		{"رد تلقائي: Invitation", "أنا خارج المكتب.", AutoReply},
		// People.
		{"RE: Invitation", "Please remove me from your list: I have left the Ministry. My successor is a.b@gov.example; please contact her.", Other},
		{"RE: Invitation", "I have moved to a new post. Please write to my successor, a.b@gov.example, who will reply.", Other},
		{"RE: Invitation", "Votre invitation a été transférée au Cabinet du Maire, qui vous répondra.", Other},
		{"RE : Invitation", "Nous accusons réception de votre courriel et vous confirmons la présence du Maire.", Other},
		{"Réponse automatique reçue – est-ce normal ?", "J'ai reçu une réponse automatique indiquant que votre boîte n'est plus consultée. À quelle adresse écrire ?", Other},
		{"Abwesenheitsnotiz – Frage zur Anmeldung", "Ich habe nur eine Abwesenheitsnotiz erhalten. Ist die Anmeldung angekommen?", Other},
		{"RE: Automatic reply: Speakers' briefing", "I received her automatic reply. Could someone else confirm the time?", Other},
	}
	for _, c := range cases {
		raw := "From: A <a@city.example>\nTo: decorte@un.org\nSubject: " + c.subject + "\nIn-Reply-To: <inv1@un.org>\nContent-Type: text/plain; charset=utf-8\n\n" + c.body + "\n"
		if r := classifyRaw(t, raw); r.Kind != c.want {
			t.Errorf("%q / %q: Classify() = %s (%s), want %s", c.subject, c.body, r.Kind, r.Reason, c.want)
		}
	}
}

// TestPersonSubjectNotBounce: a person's sentence that starts with a
// failure word, with the word again in the text, is not a bounce; the
// same subject as MTAs write it, from a mailer daemon, is.
func TestPersonSubjectNotBounce(t *testing.T) {
	person := "From: P <p@city.example>\nTo: decorte@un.org\nSubject: Undeliverable mail from your server\n\nEach time I write I get an \"Undeliverable\" message. Is there another address?\n"
	if r := classifyRaw(t, person); r.Kind != Other {
		t.Errorf("person: Classify() = %s (%s), want other", r.Kind, r.Reason)
	}
	robot := "From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: decorte@un.org\nSubject: Undeliverable mail\n\nYour message could not be delivered.\n"
	if r := classifyRaw(t, robot); r.Kind != Bounce {
		t.Errorf("robot: Classify() = %s (%s), want bounce", r.Kind, r.Reason)
	}
}

// TestLabelledRecipients: failure notices that name the recipient after a
// label in their language, or in a transcript's RCPT command.
func TestLabelledRecipients(t *testing.T) {
	for _, c := range []struct{ label, status string }{
		{"Destinataire : a@b.example\nMotif : 550 5.1.1 inconnu", "5.1.1"},
		{"收 件 人：  a@b.example\n退信原因 550 Mailbox not found", "5.0.0"},
		{"받는 사람: a@b.example\n(550 5.1.1 User unknown)", "5.1.1"},
		{" 09:04:12: --> RCPT To:<a@b.example>\n 09:04:12: <-- 550 5.1.1 User unknown", "5.1.1"},
	} {
		raw := "From: Mail Delivery System <MAILER-DAEMON@mx.example>\nTo: decorte@un.org\nSubject: Undelivered Mail Returned to Sender\n\nThis is a permanent error.\n\n" + c.label + "\n"
		r := classifyRaw(t, raw)
		f := r.Failed()
		if r.Kind != Bounce || len(f) != 1 || f[0].Address != "a@b.example" || !f[0].Permanent() {
			t.Errorf("%q: Classify() = %s %+v, want a permanent failure of a@b.example", c.label, r.Kind, f)
		}
	}
}

// TestNoSuchUserIsNotPolicy: "550 5.7.1 No such user!" (Yandex) says the
// address is unknown; 5.7.1 with policy words stays a policy refusal.
func TestNoSuchUserIsNotPolicy(t *testing.T) {
	if r := (Recipient{Status: "5.7.1", DiagnosticCode: "550 5.7.1 No such user!"}); r.Policy() || !r.Permanent() {
		t.Errorf("no such user: policy %v, permanent %v; want a permanent failure", r.Policy(), r.Permanent())
	}
	if r := (Recipient{Status: "5.7.1", DiagnosticCode: "550 5.7.1 user unknown or blocked by policy"}); !r.Policy() {
		t.Error("policy words: not a policy refusal")
	}
	if r := (Recipient{Status: "5.7.1", DiagnosticCode: "550 5.7.1 relaying denied"}); !r.Policy() {
		t.Error("5.7.1 relaying denied: not a policy refusal")
	}
}

// TestPECReceipt: Italian certified mail's delivery receipts are reports;
// its failure receipts are not claimed as such.
func TestPECReceipt(t *testing.T) {
	for v, want := range map[string]Kind{"avvenuta-consegna": DeliveryReport, "accettazione": DeliveryReport, "errore-consegna": Other} {
		raw := "From: posta-certificata@pec.example\nTo: decorte@un.org\nSubject: CONSEGNA: Invito\nX-Ricevuta: " + v + "\n\nRicevuta.\n"
		if r := classifyRaw(t, raw); r.Kind != want {
			t.Errorf("X-Ricevuta %s: Classify() = %s, want %s", v, r.Kind, want)
		}
	}
}

package main

import (
	"encoding/base64"
	"mime/quotedprintable"
	"strings"
)

func b64(s string) string {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(e) > 76 {
		b.WriteString(e[:76] + "\n")
		e = e[76:]
	}
	return b.String() + e
}

func qp(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// blindOddities: notices with malformed or unusual structure, in other
// languages, with unusual encodings, and wordings of smaller MTAs.
func blindOddities() {
	// RFC 6533 internationalised DSN.
	n, to := contact()
	bounce("global-delivery-status", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mx."+domainOf(to)+">", us, "Undelivered Mail Returned to Sender", "mx."+domainOf(to), "multipart/report; report-type=global-delivery-status; boundary=\"gds\""),
		multipartReport("gds",
			textPart("This is the mail system at host mx."+domainOf(to)+".\n\nYour message could not be delivered to one or more recipients.\n\n<"+to+">: unknown user: \""+localOf(to)+"\"\n"),
			"Content-Type: message/global-delivery-status\n\nReporting-MTA: dns; mx."+domainOf(to)+"\n\nFinal-Recipient: utf-8; "+to+"\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 unknown user\n",
			"Content-Type: message/global-headers\n\n"+invHeaders(n, to)+"\n")))

	// Malformed DSN: no space after the type, a lowercase action, a
	// comment after the status, a field name with odd case, and CRLF.
	n, to = contact()
	raw := mail(fromDaemon("MAILER-DAEMON@relay."+domainOf(to), us, "Delivery Status Notification (Failure)", "relay."+domainOf(to), rpt("mal1")),
		multipartReport("mal1",
			textPart("Delivery to the following recipient failed permanently:\n\n     "+to+"\n"),
			statusPart("reporting-mta: dns;relay."+domainOf(to)+"\n\nfinal-recipient: rfc822;<"+to+">\naction: FAILED\nstatus: 5.1.1 (bad destination mailbox address)\ndiagnostic-code: 550 5.1.1 mailbox unavailable\n"),
			headersOf(n, to)))
	bounce("dsn-malformed-crlf", "permanent", strings.ReplaceAll(raw, "\n", "\r\n"))

	// The per-recipient block glued to the per-message block, without
	// the blank line RFC 3464 §2.1 requires.
	n, to = contact()
	bounce("dsn-no-blank-line", "permanent", mail(fromDaemon("MAILER-DAEMON@mx."+domainOf(to), us, "Returned mail: User unknown", "mx."+domainOf(to), rpt("mal2")),
		multipartReport("mal2",
			textPart("Your message could not be delivered.\n"),
			statusPart("Reporting-MTA: dns; mx."+domainOf(to)+"\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n"),
			headersOf(n, to))))

	// The DSN sent as text/plain by a broken appliance, and the
	// continuation of Diagnostic-Code unindented.
	n, to = contact()
	bounce("dsn-as-text-plain", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mail."+domainOf(to)+">", us, "Undelivered Mail Returned to Sender", "mail."+domainOf(to), rpt("mal3")),
		multipartReport("mal3",
			textPart("This is the mail system at host mail."+domainOf(to)+".\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n"),
			"Content-Type: text/plain; name=\"details.txt\"\nContent-Description: Delivery report\n\nReporting-MTA: dns; mail."+domainOf(to)+"\n\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <"+to+">: Recipient address rejected:\nUser unknown in virtual mailbox table\n",
			headersOf(n, to))))

	// Two recipients: one delivered, one failed.
	n, to = contact()
	_, other := contact()
	bounce("dsn-two-recipients-one-failed", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mx."+domainOf(to)+">", us, "Undelivered Mail Returned to Sender", "mx."+domainOf(to), rpt("two")),
		multipartReport("two",
			textPart("Your message could not be delivered to one or more recipients.\n\n<"+to+">: host mx."+domainOf(to)+" said: 550 5.1.1 no such user\n"),
			statusPart("Reporting-MTA: dns; mx."+domainOf(to)+"\n\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n\nFinal-Recipient: rfc822; "+other+"\nAction: delivered\nStatus: 2.0.0\n"),
			headersOf(n, to))))

	// Action: expired with a 4.4.7, in a report whose text says nothing.
	n, to = contact()
	bounce("dsn-expired-447", "temporary", mail(fromDaemon("<>", us, "Delivery Status Notification (Failure)", "mx."+domainOf(to), rpt("exp")),
		multipartReport("exp",
			textPart("Delivery to the following recipients has been given up:\n\n"+to+"\n"),
			statusPart(dsnOf("mx."+domainOf(to), to, "expired", "4.4.7", "")),
			headersOf(n, to))))

	// A base64 text notice from an Italian provider.
	n, to = contact()
	bounce("italian-base64", "permanent", mail(fromDaemon("Mail Delivery System <mailer-daemon@libero.it>", us, "Messaggio non recapitato: "+invSubj, "smtp-out.libero.it", "text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"),
		b64("Questo è un messaggio generato automaticamente dal sistema di posta.\n\nIl messaggio che hai inviato non è stato recapitato ai seguenti destinatari:\n\n  "+to+"\n    550 5.1.1 Utente sconosciuto / User unknown\n\nQuesto è un errore permanente.\n")))

	// Portuguese, quoted-printable.
	n, to = contact()
	bounce("portuguese-qp", "permanent", mail(fromDaemon("Sistema de Entrega de Correio <MAILER-DAEMON@sapo.pt>", us, "Mensagem não entregue", "smtp.sapo.pt", "text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"),
		qp("Esta mensagem foi criada automaticamente pelo sistema de entrega de correio.\n\nNão foi possível entregar a sua mensagem ao(s) seguinte(s) destinatário(s):\n\n  "+to+"\n    550 5.1.1 Endereço de destino desconhecido\n")))

	// Dutch, Polish.
	n, to = contact()
	bounce("dutch-onbestelbaar", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mail."+domainOf(to)+">", us, "Onbestelbaar: "+invSubj, "mail."+domainOf(to), "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Uw bericht kon niet worden afgeleverd bij de volgende ontvangers:\n\n"+to+"\n  De externe server antwoordde: 550 5.1.1 Gebruiker onbekend\n"))
	n, to = contact()
	bounce("polish-niedostarczona", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@poczta.onet.pl>", us, "Niedostarczona wiadomość", "smtp.poczta.onet.pl", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Twoja wiadomość nie mogła zostać dostarczona do następujących odbiorców:\n\n<"+to+">: 550 5.1.1 Nie ma takiego użytkownika (User unknown)\n"))

	// A bounce sent from a no-reply sender, not a mailer daemon, with
	// Auto-Submitted: auto-replied.
	n, to = contact()
	bounce("noreply-sender-auto-replied", "permanent", mail(fromDaemon("No Reply <no-reply@mailgate."+domainOf(to)+">", us, "Undeliverable: "+invSubj, "mailgate."+domainOf(to), "text/plain; charset=utf-8", "Auto-Submitted: auto-replied", "In-Reply-To: "+invID(n)),
		"Your message could not be delivered to "+to+".\n\nThe mailbox is no longer in use. 550 5.1.1 Recipient not found.\n"))

	// Mailbox full at the final server, given up with a 4.2.2 after the
	// queue lifetime: a temporary failure.
	n, to = contact()
	bounce("postfix-full-given-up", "temporary", mail(fromDaemon("MAILER-DAEMON@mx."+domainOf(to)+" (Mail Delivery System)", us, "Undelivered Mail Returned to Sender", "mx."+domainOf(to), rpt("full")),
		multipartReport("full",
			textPart("This is the mail system at host mx."+domainOf(to)+".\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n<"+to+">: host store."+domainOf(to)+"[10.0.0.2] said: 452 4.2.2\n    Mailbox full (in reply to RCPT TO command)\n"),
			statusPart(dsnOf("mx."+domainOf(to), to, "failed", "4.2.2", "452 4.2.2 Mailbox full")),
			headersOf(n, to))))

	// A notice with only a subject and a bare address: nothing else.
	n, to = contact()
	bounce("bare-delivery-failure", "permanent", mail(fromDaemon("postmaster@"+domainOf(to), us, "Delivery failure", "mx."+domainOf(to), "text/plain; charset=us-ascii"),
		"Message to "+to+" could not be delivered: 550 5.1.1 user unknown.\n"))

	// Sendmail with the host unknown, from an unqualified MAILER-DAEMON.
	n, to = contact()
	bounce("sendmail-unknown-plain-host", "permanent", mail(fromDaemon("Mail Delivery Subsystem <MAILER-DAEMON>", us, "Returned mail: Host unknown (Name server: "+domainOf(to)+": host not found)", "mx.un.org", "text/plain"),
		"The original message was received at Fri, 15 Sep 2017 09:00:30 +0200\nfrom localhost [127.0.0.1]\n\n   ----- The following addresses had permanent fatal errors -----\n"+to+"\n\n   ----- Transcript of session follows -----\n550 5.1.2 "+to+"... Host unknown (Name server: "+domainOf(to)+": host not found)\n"))

	// Delay notices from Lotus Domino and Courier in their own words.
	n, to = contact()
	bounce("domino-delivery-delayed", "delay", mail(fromDaemon("Postmaster@"+domainOf(to), us, "DELIVERY DELAYED: "+invSubj, "notes."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message\n\n  Subject: "+invSubj+"\n\nhas not yet been delivered to:\n\n  "+to+"\n\nbecause:\n\n  Unable to connect to the remote host. Delivery will be retried.\n"))
	n, to = contact()
	bounce("courier-delayed-notice", "delay", mail(fromDaemon("Courier mail server at mx."+domainOf(to)+" <@>", us, "WARNING: delayed mail.", "mx."+domainOf(to), "text/plain; charset=us-ascii"),
		"This is a delivery status notification from mx."+domainOf(to)+",\nrunning the Courier mail server, version 1.0.\n\n                        DELAYED MAIL\n\nYour message to the following recipients has not been delivered yet:\n\n<"+to+">:\n    "+domainOf(to)+": 421 4.3.2 Service not available, closing channel\n\nDelivery attempts will continue.\n"))
	n, to = contact()
	bounce("smtp-timeout-giving-up-qmail", "temporary", mail(fromDaemon("MAILER-DAEMON@mail."+domainOf(to), us, "failure notice", "mail."+domainOf(to), "text/plain"),
		"Hi. This is the qmail-send program at mail."+domainOf(to)+".\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<"+to+">:\nI'm not going to try again; this message has been in the queue too long.\nConnected to 192.0.2.90 but greeting failed.\nRemote host said: 421 4.3.0 Temporary system problem\n"))
}

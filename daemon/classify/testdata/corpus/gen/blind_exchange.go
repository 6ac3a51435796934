package main

import "fmt"

// exchangeHTML is the HTML body of an Exchange 2013-2019 NDR: a heading,
// the recipient, diagnostics, and the original headers as <pre>.
func exchangeHTML(heading, to, reason, diagHead, diag, origHead string, n int) string {
	return "<html>\n<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head>\n<body>\n" +
		"<p><b><font color=\"#000066\" size=\"3\" face=\"Arial\">" + heading + "</font></b></p>\n" +
		"<font color=\"#000000\" size=\"2\" face=\"Tahoma\"><p><a href=\"mailto:" + to + "\">" + to + "</a><br>\n</p>\n" +
		"<p>" + reason + "</p>\n</font>\n" +
		"<font color=\"#808080\" size=\"2\" face=\"Tahoma\"><p><b>" + diagHead + "</b></p>\n" +
		"<p>Generating server: EXCH02.corp.local<br>\n<br>\n" + to + "<br>\n" + diag + "<br>\n</p>\n" +
		"<p>" + origHead + "</p>\n<pre>" + invHeaders(n, to) + "\n</pre>\n</font>\n</body>\n</html>\n"
}

// blindExchange: on-premises Exchange NDRs in French, Spanish, German and
// English with HTML-only bodies, as a report and as bare HTML after a
// relay dropped the report; delay notices; Outlook.com's new layout.
func blindExchange() {
	type ndr struct {
		key, subject, heading, reason, diagHead, origHead string
	}
	ndrs := []ndr{
		{"fr", "Non remis : ", "La remise aux destinataires ou groupes suivants a échoué :", "Le destinataire est introuvable. Vérifiez l'adresse de messagerie et réessayez.", "Informations de diagnostic pour les administrateurs :", "En-têtes de message d'origine :"},
		{"es", "No se puede entregar: ", "Error en la entrega a estos destinatarios o grupos:", "No se encontró la dirección de correo electrónico que escribió. Compruebe la dirección del destinatario e intente volver a enviar el mensaje.", "Información de diagnóstico para administradores:", "Encabezados del mensaje original:"},
		{"de", "Unzustellbar: ", "Fehler bei der Zustellung an folgende Empfänger oder Gruppen:", "Die eingegebene E-Mail-Adresse wurde nicht gefunden. Überprüfen Sie die E-Mail-Adresse des Empfängers, und senden Sie die Nachricht erneut.", "Diagnoseinformationen für Administratoren:", "Ursprüngliche Nachrichtenkopfzeilen:"},
		{"en", "Undeliverable: ", "Delivery has failed to these recipients or groups:", "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.", "Diagnostic information for administrators:", "Original message headers:"},
	}
	diag := "#550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ##"
	for _, x := range ndrs {
		n, to := contact()
		b := fmt.Sprintf("_000_%X_", 0x7A3C10+n)
		from := "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@" + domainOf(to) + ">"
		bounce("exchange-html-report-"+x.key, "permanent", mail(fromDaemon(from, us, x.subject+invSubj, "exch02."+domainOf(to), rpt(b), "Thread-Topic: "+enc(invSubj), "Content-Language: "+x.key+"-"+x.key, "X-MS-Exchange-Organization-SCL: -1"),
			multipartReport(b,
				htmlPart(exchangeHTML(x.heading, to, x.reason, x.diagHead, "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'", x.origHead, n)),
				statusPart("Reporting-MTA: dns;EXCH02.corp.local\nReceived-From-MTA: dns;mail.un.org\nArrival-Date: "+date(1)+"\n\nFinal-Recipient: rfc822;"+to+"\nAction: failed\nStatus: 5.1.10\nDiagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\n"),
				headersOf(n, to))))
		// The same notice after a gateway flattened it: HTML only, from
		// postmaster, no report part.
		n, to = contact()
		bounce("exchange-html-bare-"+x.key, "permanent", mail(fromDaemon("postmaster@"+domainOf(to), us, x.subject+invSubj, "gw."+domainOf(to), "text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit", "In-Reply-To: "+invID(n)),
			exchangeHTML(x.heading, to, x.reason, x.diagHead, diag, x.origHead, n)))
	}

	delays := []struct{ key, subject, text string }{
		{"en", "Delivery delayed:", "Delivery is delayed to these recipients or groups:\n\n%s\n\nSubject: " + invSubj + "\n\nThis message hasn't been delivered yet. Delivery will continue to be attempted.\n\nThe server will keep trying to deliver this message for the next 1 days, 19 hours and 53 minutes. You'll be notified if the message can't be delivered by that time."},
		{"fr", "Remise différée :", "La remise est différée pour les destinataires ou groupes suivants :\n\n%s\n\nObjet : " + invSubj + "\n\nCe message n'a pas encore été remis. La remise sera retentée.\n\nLe serveur continuera d'essayer de remettre ce message pendant 1 jours, 19 heures et 53 minutes."},
		{"es", "Entrega retrasada:", "La entrega está retrasada a estos destinatarios o grupos:\n\n%s\n\nAsunto: " + invSubj + "\n\nEste mensaje aún no se ha entregado. Se seguirá intentando la entrega."},
	}
	for _, d := range delays {
		n, to := contact()
		b := fmt.Sprintf("_001_%X_", 0x3C7A10+n)
		bounce("exchange-delay-"+d.key, "delay", mail(fromDaemon("Microsoft Outlook <postmaster@"+domainOf(to)+">", us, d.subject+" "+invSubj, "exch01."+domainOf(to), rpt(b)),
			multipartReport(b,
				"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"+fmt.Sprintf(d.text, to),
				statusPart("Reporting-MTA: dns;exch01."+domainOf(to)+"\n\nFinal-Recipient: rfc822;"+to+"\nAction: delayed\nStatus: 4.4.7\nDiagnostic-Code: smtp;400 4.4.7 Message delayed\nWill-Retry-Until: "+date(2880)+"\n"),
				headersOf(n, to))))
	}

	// Microsoft 365's 2019 layout: a coloured banner, "Your message to …
	// couldn't be delivered", then "Action Required".
	n, to := contact()
	b := "_002_m365_new_"
	bounce("m365-new-layout-mailbox-full", "permanent", mail(fromDaemon("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org>", us, "Undeliverable: "+invSubj, "AM6PR02MB4520.eurprd02.prod.outlook.com", rpt(b), "X-MS-Exchange-Message-Is-Ndr:", "X-MS-PublicTrafficType: Email"),
		multipartReport(b,
			"Content-Type: multipart/alternative; boundary=\"alt_m365\"\n\n--alt_m365\nContent-Type: text/plain; charset=us-ascii\n\n[https://products.office.com/en-us/CMSImages/Office365Logo_Orange.png]\nYour message to "+to+" couldn't be delivered.\n"+localOf(to)+" doesn't have enough space to receive your message.\nun.org\tOffice 365\t"+domainOf(to)+"\nAction Required\tRecipient\nMailbox full\n\nHow to Fix It\nThe recipient's mailbox is full. Try resending your message later.\n\n--alt_m365\nContent-Type: text/html; charset=us-ascii\n\n<html><body><div>Your message to <a href=\"mailto:"+to+"\">"+to+"</a> couldn't be delivered.</div><div><b>"+localOf(to)+"</b> doesn't have enough space to receive your message.</div></body></html>\n--alt_m365--",
			statusPart("Reporting-MTA: dns;AM6PR02MB4520.eurprd02.prod.outlook.com\nReceived-From-MTA: dns;mail.un.org\nArrival-Date: "+date(1)+"\n\nFinal-Recipient: rfc822;"+to+"\nAction: failed\nStatus: 5.2.2\nDiagnostic-Code: smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded\n"),
			headersOf(n, to))))

	// Exchange 2010 plain text in Spanish, through a relay that kept the
	// text part only.
	n, to = contact()
	bounce("exchange2010-text-es", "permanent", mail(fromDaemon("Administrador del sistema <postmaster@"+domainOf(to)+">", us, "No se puede entregar: "+invSubj, "correo."+domainOf(to), "text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: 8bit"),
		"Su mensaje no llegó a algunos o a ninguno de los destinatarios.\n\n      Asunto:\t"+invSubj+"\n      Enviado:\t15/09/2017 9:00\n\nNo se pudo llegar a los siguientes destinatarios:\n\n      "+to+" el 15/09/2017 9:02\n            La dirección de correo electrónico que especificó no se encuentra. Compruebe la dirección de correo electrónico del destinatario e intente volver a enviar el mensaje. Si el problema continúa, póngase en contacto con el departamento de soporte técnico.\n            <correo."+domainOf(to)+" #5.1.1 smtp;550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found>\n"))
}

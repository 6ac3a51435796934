package main

import "fmt"

// mdnOf is a read receipt (RFC 8098) from contact n's client ua, with the
// human-readable text and the disposition given.
func mdnOf(n int, to, subject, ua, text, disp string) string {
	b := "mdn" + localOf(to)[:3]
	return autoMail(0, to, subject, nil, "multipart/report; report-type=disposition-notification;\n\tboundary=\""+b+"\"",
		multipartReport(b,
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"+text,
			"Content-Type: message/disposition-notification\n\nReporting-UA: "+ua+"\nFinal-Recipient: rfc822;"+to+"\nOriginal-Message-ID: "+invID(n)+"\nDisposition: "+disp+"\n",
			headersOf(n, to)))
}

// gzipB64 stands for a compressed report attachment: the bytes of a gzip
// or zip header, then noise, base64-encoded as the senders do.
func gzipB64(zip bool) string {
	head := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
	if zip {
		head = "PK\x03\x04\x14\x00\x00\x00\x08\x00"
	}
	return b64(head + "\xad\x92\xcbn\xc20\x10E\xf7\xfd\x8a\xc8\xfb\xd8\x8e\x1d;\x0e\x82\x05\x02\xa9\xaa\xd4\x05\xdd\x00")
}

func blind2Reports() {
	// Complaint feedback loops: ARF (RFC 5965) from Yahoo and AOL, JMRP.
	n, to := contact()
	report("b2-arf-yahoo-cfl", autoMail(0, "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>", "FW: "+invSubj, nil, "multipart/report; report-type=feedback-report;\n\tboundary=\"yfb\"",
		multipartReport("yfb",
			textPart("This is an email abuse report for an email message received from IP 157.150.185.10 on "+date(90)+".\nFor more information about this format please see http://www.mipassoc.org/arf/.\n"),
			"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Yahoo!-Mail-Feedback/1.0\nVersion: 0.1\nOriginal-Mail-From: <"+us+">\nOriginal-Rcpt-To: <"+to+">\nReceived-Date: "+date(2)+"\nSource-IP: 157.150.185.10\nAuthentication-Results: mta1012.mail.ne1.yahoo.com  from=un.org; domainkeys=neutral (no sig);  from=un.org; dkim=pass (ok)\nReported-Domain: un.org\n",
			rfc822(n, to))))
	n, to = contact()
	report("b2-arf-aol-scomp", autoMail(0, "AOL Feedback Loop <scomp@aol.net>", "Email Feedback Report for IP 157.150.185.10", []string{"X-AOL-Feedback-Loop: yes"}, "multipart/report; report-type=feedback-report; boundary=\"boundary-1138-2571-2-5037\"",
		multipartReport("boundary-1138-2571-2-5037",
			textPart("This is an email abuse report for an email message with the message-id of "+invID(n)+" received from IP address 157.150.185.10 on "+date(80)+"\n\nFor information, please review the top portion of the following page:\nhttp://postmaster.aol.com/tools/fbl.html\n\nFor information about AOL E-mail policies, please see http://postmaster.aol.com/guidelines/\n"),
			"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: AOL SComp\nVersion: 0.1\nReceived-Date: "+date(2)+"\nSource-IP: 157.150.185.10\nReported-Domain: un.org\nRemoved-Recipient: true\n",
			rfc822(n, to))))
	n, to = contact()
	report("b2-jmrp-attached-eml", autoMail(0, "staff@hotmail.com", "complaint about message from 157.150.185.10", nil, "multipart/mixed; boundary=\"_jmrp2_\"",
		"--_jmrp2_\nContent-Type: text/plain; charset=us-ascii\n\nThis is a Junk Mail Reporting Program (JMRP) report of a message sent from IP 157.150.185.10.\nA user of Outlook.com marked it as junk.\n\n--_jmrp2_\nContent-Type: message/rfc822; name=\"ATT00001.eml\"\nContent-Disposition: attachment; filename=\"ATT00001.eml\"\n\nX-HmXmrOriginalRecipient: <"+to+">\n"+invitation(n, to)+"\n--_jmrp2_--\n"))
	n, to = contact()
	report("b2-arf-dmarc-forensic", autoMail(0, "DMARC Forensic <noreply-dmarc-failure@mail.city-example.org>", "FW: "+invSubj+" (DMARC failure report)", nil, "multipart/report; report-type=feedback-report; boundary=\"ruf\"",
		multipartReport("ruf",
			textPart("This is an authentication failure report for an email message received from IP 198.51.100.23.\n"),
			"Content-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nUser-Agent: OpenDMARC-Filter/1.3.2\nVersion: 1\nOriginal-Mail-From: "+us+"\nArrival-Date: "+date(4)+"\nSource-IP: 198.51.100.23\nReported-Domain: un.org\nAuthentication-Results: mail.city-example.org; dmarc=fail header.from=un.org\nAuth-Failure: dmarc\n",
			headersOf(n, to))))

	// DMARC aggregate reports (RFC 7489 §7.2), zip and gzip, one part or two.
	report("b2-dmarc-google-zip", autoMail(0, "noreply-dmarc-support@google.com", "Report domain: un.org Submitter: google.com Report-ID: 4957382637629283746", nil, "application/zip;\n\tname=\"google.com!un.org!1505433600!1505519999.zip\"\nContent-Disposition: attachment;\n\tfilename=\"google.com!un.org!1505433600!1505519999.zip\"\nContent-Transfer-Encoding: base64",
		gzipB64(true)))
	report("b2-dmarc-microsoft-gz", autoMail(0, "DMARC Aggregate Report <dmarcreport@microsoft.com>", "[Preview] Report Domain: un.org Submitter: protection.outlook.com Report-ID: 5dc2a7b1b3e4461f9e5a3c1f0b2a9d12", nil, "multipart/mixed; boundary=\"ms-dmarc\"",
		"--ms-dmarc\nContent-Type: text/plain; charset=us-ascii\n\nThis is a DMARC aggregate report from Microsoft Corporation. For Emails received between 2017-09-14 00:00:00 UTC to 2017-09-15 00:00:00 UTC.\n\n--ms-dmarc\nContent-Type: application/gzip; name=\"protection.outlook.com!un.org!1505347200!1505433600.xml.gz\"\nContent-Disposition: attachment; filename=\"protection.outlook.com!un.org!1505347200!1505433600.xml.gz\"\nContent-Transfer-Encoding: base64\n\n"+gzipB64(false)+"\n--ms-dmarc--\n"))
	report("b2-dmarc-yahoo-gz", autoMail(0, "noreply@dmarc.yahoo.com", "Report Domain: un.org Submitter: yahoo.com Report-ID: <1505519999.478312>", nil, "multipart/mixed; boundary=\"y-dmarc\"",
		"--y-dmarc\nContent-Type: text/plain; charset=us-ascii\n\n\n--y-dmarc\nContent-Type: application/x-gzip; name=\"yahoo.com!un.org!1505433600!1505519999.xml.gz\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment\n\n"+gzipB64(false)+"\n--y-dmarc--\n"))
	report("b2-dmarc-smallisp-zip", autoMail(0, "DMARC Reports <dmarc-reports@mx.isp-example.net>", "DMARC Aggregate Report for un.org", nil, "multipart/mixed; boundary=\"isp\"",
		"--isp\nContent-Type: text/plain; charset=utf-8\n\nPlease find attached the DMARC aggregate report for un.org from isp-example.net.\n\n--isp\nContent-Type: application/x-zip-compressed; name=\"isp-example.net!un.org!1505433600!1505519999.zip\"\nContent-Transfer-Encoding: base64\n\n"+gzipB64(true)+"\n--isp--\n"))

	// SMTP TLS reports (RFC 8460 §5.3).
	report("b2-tlsrpt-google", autoMail(0, "noreply-smtp-tls-reporting@google.com", "Report Domain: un.org Submitter: google.com Report-ID: <2017.09.15T00.00.00Z+un.org@google.com>", []string{"TLS-Report-Domain: un.org", "TLS-Report-Submitter: google.com"}, "multipart/report; report-type=tlsrpt; boundary=\"tls\"",
		multipartReport("tls",
			textPart("This is an aggregate TLS report from google.com\n"),
			"Content-Type: application/tlsrpt+gzip; name=\"google.com!un.org!1505433600!1505519999!001.json.gz\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"google.com!un.org!1505433600!1505519999!001.json.gz\"\n\n"+gzipB64(false))))
	report("b2-tlsrpt-microsoft-json", autoMail(0, "TLS Report <tlsrpt-noreply@microsoft.com>", "Report Domain: un.org Submitter: microsoft.com Report-ID: <133412345678901234+un.org>", []string{"TLS-Report-Domain: un.org", "TLS-Report-Submitter: microsoft.com"}, "multipart/report; report-type=tlsrpt; boundary=\"mstls\"",
		multipartReport("mstls",
			textPart("This is an aggregate TLS report from Microsoft Corporation.\n"),
			"Content-Type: application/tlsrpt+json\nContent-Disposition: attachment; filename=\"microsoft.com!un.org!1505433600!1505519999.json\"\n\n{\"organization-name\":\"Microsoft Corporation\",\"date-range\":{\"start-datetime\":\"2017-09-14T00:00:00Z\",\"end-datetime\":\"2017-09-14T23:59:59Z\"},\"contact-info\":\"tlsrpt-noreply@microsoft.com\",\"report-id\":\"133412345678901234+un.org\",\"policies\":[{\"policy\":{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"un.org\"},\"summary\":{\"total-successful-session-count\":412,\"total-failure-session-count\":0}}]}\n")))

	// Read receipts (RFC 8098) from Outlook in several languages and Thunderbird.
	outlookUA := "AM5PR0601MB2548.eurprd06.prod.outlook.com; Microsoft Outlook 16.0"
	mdns := []struct{ key, subject, text, disp string }{
		{"read-outlook-en", "Read: " + invSubj, "Your message\n\n  To: %s\n  Subject: " + invSubj + "\n  Sent: Friday, September 15, 2017 9:00:00 AM (UTC+01:00) Brussels\n\nwas read on Friday, September 15, 2017 10:14:02 AM (UTC+01:00) Brussels.\n", "manual-action/MDN-sent-manually; displayed"},
		{"read-outlook-it", "Letto: " + invSubj, "Il messaggio\n\n  A: %s\n  Oggetto: " + invSubj + "\n  Inviato: venerdì 15 settembre 2017 09:00:00 (UTC+01:00)\n\nè stato letto il venerdì 15 settembre 2017 10:14:02 (UTC+01:00).\n", "manual-action/MDN-sent-automatically; displayed"},
		{"read-outlook-pt", "Lida: " + invSubj, "A sua mensagem\n\n  Para: %s\n  Assunto: " + invSubj + "\n  Enviada: sexta-feira, 15 de setembro de 2017 09:00:00\n\nfoi lida na sexta-feira, 15 de setembro de 2017 10:14:02.\n", "manual-action/MDN-sent-automatically; displayed"},
		{"read-outlook-nl", "Gelezen: " + invSubj, "Uw bericht\n\n  Aan: %s\n  Onderwerp: " + invSubj + "\n  Verzonden: vrijdag 15 september 2017 9:00:00\n\nis gelezen op vrijdag 15 september 2017 10:14:02.\n", "manual-action/MDN-sent-automatically; displayed"},
		{"read-outlook-pl", "Przeczytano: " + invSubj, "Twoja wiadomość\n\n  Do: %s\n  Temat: " + invSubj + "\n  Wysłano: piątek, 15 września 2017 09:00:00\n\nzostała przeczytana piątek, 15 września 2017 10:14:02.\n", "manual-action/MDN-sent-automatically; displayed"},
		{"read-outlook-ru", "Прочитано: " + invSubj, "Ваше сообщение\n\n  Кому: %s\n  Тема: " + invSubj + "\n  Отправлено: 15 сентября 2017 г. 9:00:00\n\nбыло прочитано 15 сентября 2017 г. 10:14:02.\n", "manual-action/MDN-sent-automatically; displayed"},
		{"notread-outlook-es", "No leído: " + invSubj, "Su mensaje\n\n  Para: %s\n  Asunto: " + invSubj + "\n  Enviado: viernes, 15 de septiembre de 2017 9:00:00\n\nse eliminó sin haber sido leído el lunes, 18 de septiembre de 2017 8:02:11.\n", "manual-action/MDN-sent-automatically; deleted"},
	}
	for _, m := range mdns {
		n, to := contact()
		report("b2-"+m.key, mdnOf(n, to, m.subject, outlookUA, fmt.Sprintf(m.text, to), m.disp))
	}
	n, to = contact()
	report("b2-read-thunderbird-en", mdnOf(n, to, "Return Receipt (displayed) - "+invSubj, "mail.city-example.org; Mozilla Thunderbird",
		"This is a Return Receipt for the mail that you sent to "+to+".\n\nNote: This Return Receipt only acknowledges that the message was displayed on the recipient's computer. There is no guarantee that the recipient has read or understood the message contents.\n", "manual-action/MDN-sent-manually; displayed"))
	n, to = contact()
	report("b2-read-thunderbird-fr", mdnOf(n, to, "Accusé de réception (affiché) - "+invSubj, "mairie-exemple.fr; Mozilla Thunderbird",
		"Ceci est un accusé de réception pour le courrier que vous avez envoyé à "+to+".\n\nRemarque : cet accusé de réception indique seulement que le message a été affiché sur l'ordinateur du destinataire. Rien ne garantit que le destinataire a lu ou compris le contenu du message.\n", "manual-action/MDN-sent-manually; displayed"))

	// Delivery receipts: Exchange "Delivered:", German, Postfix success, Italian PEC.
	n, to = contact()
	report("b2-delivered-exchange-en", mail(fromDaemon("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org>", us, "Delivered: "+invSubj, "AM5PR0601MB2548.eurprd06.prod.outlook.com", rpt("dlv")),
		multipartReport("dlv",
			htmlPart("<html><body><p><b>Your message has been delivered to the following recipients:</b></p><p><a href=\"mailto:"+to+"\">"+to+"</a></p><p>Subject: "+invSubj+"</p></body></html>"),
			statusPart(dsnOf("AM5PR0601MB2548.eurprd06.prod.outlook.com", to, "delivered", "2.0.0", "")),
			headersOf(n, to))))
	n, to = contact()
	report("b2-delivered-exchange-de", mail(fromDaemon("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org>", us, "Übermittelt: "+invSubj, "AM5PR0601MB2548.eurprd06.prod.outlook.com", rpt("dlvde")),
		multipartReport("dlvde",
			htmlPart("<html><body><p><b>Ihre Nachricht wurde an die folgenden Empfänger übermittelt:</b></p><p>"+to+"</p><p>Betreff: "+invSubj+"</p></body></html>"),
			statusPart(dsnOf("AM5PR0601MB2548.eurprd06.prod.outlook.com", to, "delivered", "2.0.0", "")),
			headersOf(n, to))))
	n, to = contact()
	report("b2-success-postfix-relayed", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mail.un.org>", us, "Successful Mail Delivery Report", "mail.un.org", rpt("ok")),
		multipartReport("ok",
			textPart("This is the mail system at host mail.un.org.\n\nYour message was successfully delivered to the destination(s)\nlisted below. If the message was delivered to mailbox you will\nreceive no further notifications. Otherwise you may still receive\nnotifications of mail delivery errors from other systems.\n\n                   The mail system\n\n<"+to+">: delivery via mx.city-example.org[192.0.2.10]:25: 250 2.0.0 Ok:\n    queued as 3xvR1t2Kz5\n"),
			statusPart(dsnOf("mail.un.org", to, "relayed", "2.0.0", "250 2.0.0 Ok: queued as 3xvR1t2Kz5")),
			headersOf(n, to))))
	n, to = contact()
	report("b2-pec-consegna-it", autoMail(0, "posta-certificata@legalmail.it", "CONSEGNA: "+invSubj, []string{"X-Ricevuta: avvenuta-consegna", "X-Riferimento-Message-ID: " + invID(n), "X-Trasporto: posta-certificata"}, "multipart/mixed; boundary=\"pec\"",
		"--pec\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nRicevuta di avvenuta consegna\nIl giorno 15/09/2017 alle ore 09:01:12 (+0200) il messaggio\n\""+invSubj+"\" proveniente da \""+us+"\"\ned indirizzato a \""+to+"\"\nè stato consegnato nella casella di destinazione.\nIdentificativo messaggio: "+invID(n)+"\n\n--pec\nContent-Type: application/xml; name=\"daticert.xml\"\nContent-Disposition: inline; filename=\"daticert.xml\"\n\n<?xml version=\"1.0\" encoding=\"UTF-8\"?><postacert tipo=\"avvenuta-consegna\" errore=\"nessuno\"></postacert>\n--pec--\n"))
}

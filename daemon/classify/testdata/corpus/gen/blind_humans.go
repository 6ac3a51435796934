package main

import "fmt"

// personReply is a person's answer to the invitation sent to contact n,
// with the given content type and body (quote included by the caller).
func personReply(n int, from, subject string, hdr []string, ctype, body string) string {
	h := []string{
		"Return-Path: <" + fromAddr(from) + ">",
		"From: " + from,
		"To: " + usName + " <" + us + ">",
		"Subject: " + enc(subject),
		"Date: " + date(300+seq%200),
		"Message-ID: " + id(domainOf(fromAddr(from))),
		"In-Reply-To: " + invID(n),
		"References: " + invID(n),
	}
	h = append(h, hdr...)
	return mail(append(h, "MIME-Version: 1.0", "Content-Type: "+ctype), body)
}

var outlookHdr = []string{"Thread-Topic: " + invSubj, "Thread-Index: AdMuA1B2C3D4E5F6G7H8I9J0KLMN==", "X-MS-Has-Attach:", "X-MS-TNEF-Correlator:", "x-originating-ip: [10.20.30.40]", "Content-Language: fr-FR"}

// blindHumans: people's mail that shares words or shapes with automatic
// mail, and RSVP answers in the shapes clients send them.
func blindHumans() {
	enquiries := []struct{ from, subj, body string }{
		{"Helen Carter <h.carter@borough-example.gov.uk>", "Out of office hours contact during the conference", "Hello, is there a number we can call out of office hours during the conference, should our delegation be delayed?\n\nMany thanks,\nHelen Carter\nInternational Officer"},
		{"Bruno Costa <b.costa@cm-porto.pt>", "Automatic reply from your address?", "Good morning, I received an automatic reply when I wrote to your colleague. Could someone confirm that our registration form arrived?\n\nBruno Costa"},
		{"Ingrid Olsen <i.olsen@city-example.no>", "FW: Delivery Status Notification (Failure)", "Hi, the invitation could not reach our mayor — see below. Please use mayor.office@city-example.no instead.\n\nIngrid\n\n-----Original Message-----\nFrom: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nSent: Friday, September 15, 2017 10:12\nSubject: Delivery Status Notification (Failure)\n\n** Address not found **\n\nYour message wasn't delivered to mayor@city-example.no because the address couldn't be found.\n\n550 5.1.1 The email account that you tried to reach does not exist."},
		{"Nadia Benali <n.benali@ville-nantes.fr>", "Message non remis ?", "Bonjour,\n\nMon précédent message m'est revenu avec la mention « message non remis ». Pouvez-vous me confirmer que vous avez bien reçu notre formulaire d'inscription ?\n\nCordialement,\nNadia Benali"},
		{"Rafael Torres <rtorres@bogota-example.gov.co>", "Respuesta automática de su servidor", "Buenas tardes, cada vez que les escribo recibo una respuesta automática. ¿Podrían confirmarme si el programa ya está disponible?\n\nSaludos,\nRafael Torres"},
		{"Julia Nowak <j.nowak@krakow-example.pl>", "Delivery status of our exhibition panels", "Dear secretariat, could you tell us the delivery address for the exhibition panels? The courier needs it by Friday.\n\nKind regards,\nJulia"},
		{"Tom Becker <t.becker@stadt-koeln.de>", "Abwesenheit des Oberbürgermeisters / question", "Dear secretariat, our mayor will be absent on 16 November. Could the deputy mayor speak in her place at the panel?\n\nRegards, Tom Becker"},
		{"Mirela Popescu <mirela.popescu@cluj-example.ro>", "Undeliverable invitation letter?", "Hello, the visa invitation letter you mentioned never reached me. Could you send it again as a PDF?\n\nMirela"},
		{"Sarah Lee <s.lee@seoul-example.kr>", "Returned mail", "Hello, my mail to your registration address was returned. Is registrations@un.org still the right address?\n\nSarah Lee"},
		{"Ahmed Hassan <a.hassan@city-example.eg>", "Vacation dates and the conference", "Dear Sir/Madam, our office is closed for vacation from 1 to 10 November. Can we still register after that?\n\nAhmed Hassan"},
	}
	for i, e := range enquiries {
		human(fmt.Sprintf("blind-enquiry-%02d", i+1), "yes", newMail(e.from, e.subj, nil, e.body))
	}

	// An Outlook HTML-only acceptance with a signature and a disclaimer.
	n, to := replier()
	human("blind-rsvp-outlook-html-accept", "yes", personReply(n, "Sophie Martin <"+to+">", "RE: "+invSubj, outlookHdr, "text/html; charset=utf-8",
		"<html><head><style>p.MsoNormal{margin:0cm;}</style></head><body lang=FR><div class=WordSection1><p class=MsoNormal>Bonjour,<o:p></o:p></p><p class=MsoNormal>Je vous confirme ma participation à la conférence des 16 et 17 novembre.<o:p></o:p></p><p class=MsoNormal>Bien cordialement,<o:p></o:p></p><p class=MsoNormal><b>Sophie Martin</b><br>Adjointe au maire déléguée aux relations internationales<o:p></o:p></p><p class=MsoNormal style='font-size:8pt'>Ce message et ses pièces jointes sont confidentiels. Si vous n'en êtes pas le destinataire, merci de le détruire.<o:p></o:p></p><div style='border:none;border-top:solid #E1E1E1 1.0pt'><p class=MsoNormal><b>De :</b> "+usName+" &lt;"+us+"&gt;<br><b>Envoyé :</b> vendredi 15 septembre 2017 09:00<br><b>Objet :</b> "+invSubj+"</p></div><p class=MsoNormal>Please let us know whether you will attend by replying to this message.</p></div></body></html>"))

	// A reply with the calendar invitation attached back.
	n, to = replier()
	human("blind-rsvp-with-ics", "yes", personReply(n, "John Smith <"+to+">", "RE: "+invSubj, nil, "multipart/mixed; boundary=\"ics_b\"",
		"--ics_b\nContent-Type: text/plain; charset=utf-8\n\nDear colleagues,\n\nI will attend. I have put the dates in my calendar (attached for your records).\n\nBest regards,\nJohn Smith\nDeputy Commissioner for International Affairs\n\n-----Original Message-----\nFrom: "+usName+" <"+us+">\nSent: Friday, September 15, 2017 9:00 AM\nSubject: "+invSubj+"\n\n"+quoted("")+"\n--ics_b\nContent-Type: text/calendar; charset=utf-8; method=REQUEST; name=\"invite.ics\"\nContent-Disposition: attachment; filename=\"invite.ics\"\n\nBEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\nMETHOD:REQUEST\nBEGIN:VEVENT\nUID:gccm-2017@un.org\nDTSTART:20171116T080000Z\nDTEND:20171117T170000Z\nSUMMARY:Global Conference on Cities and Migrants\nLOCATION:Mechelen\nEND:VEVENT\nEND:VCALENDAR\n--ics_b--\n"))

	// A reply that quotes the invitation and carries normal Outlook
	// headers, declining in Spanish with a long disclaimer.
	n, to = replier()
	human("blind-rsvp-es-decline-disclaimer", "yes", personReply(n, "Lucía Fernández <"+to+">", "RE: "+invSubj, outlookHdr, utf8Text,
		"Estimados señores:\n\nLamento comunicarles que no podré asistir a la conferencia por compromisos de agenda.\n\nAtentamente,\nLucía Fernández\nTeniente de Alcalde Delegada de Relaciones Internacionales\n\nEste mensaje y, en su caso, los ficheros anexos son confidenciales. Si usted no es el destinatario, le rogamos que lo comunique al remitente y proceda a su borrado.\n\n-----Mensaje original-----\nDe: "+usName+" <"+us+">\nEnviado el: viernes, 15 de septiembre de 2017 9:00\nAsunto: "+invSubj+"\n\n"+quoted("")))

	// A German answer, with an absence word, through Outlook.
	n, to = replier()
	human("blind-rsvp-de-absence-word", "yes", personReply(n, "Anna Schulz <"+to+">", "AW: "+invSubj, nil, utf8Text,
		"Sehr geehrte Damen und Herren,\n\nwegen meiner Abwesenheit im November kann ich leider nicht teilnehmen.\n\nMit freundlichen Grüßen\nAnna Schulz\n\n"+"Von: "+usName+" <"+us+">\nGesendet: Freitag, 15. September 2017 09:00\nBetreff: "+invSubj+"\n\n"+quoted("")))

	// An iPhone acceptance, and an explicit Auto-Submitted: no.
	n, to = replier()
	human("blind-rsvp-iphone", "yes", personReply(n, to, "Re: "+invSubj, []string{"X-Mailer: iPhone Mail (14G60)"}, utf8Text,
		"Count me in!\n\nSent from my iPhone\n\n> On 15 Sep 2017, at 09:00, "+usName+" <"+us+"> wrote:\n>\n"+quoted("> ")))
	n, to = replier()
	human("blind-rsvp-auto-submitted-no", "yes", personReply(n, to, "Re: "+invSubj, []string{"Auto-Submitted: no"}, utf8Text,
		"Dear secretariat, I am delighted to accept. Regards, Kwame"))

	// An assistant answering for the mayor, in a forwarded chain.
	n, to = replier()
	human("blind-rsvp-assistant-forward", "yes", personReply(n, "Cabinet du Maire <"+to+">", "TR: "+invSubj, nil, utf8Text,
		"Bonjour,\n\nMonsieur le Maire m'a chargée de vous confirmer sa présence à la conférence.\n\nCordialement,\nSecrétariat du Cabinet\n\n-----Message d'origine-----\nDe : Maire\nEnvoyé : lundi 18 septembre 2017 08:12\nÀ : Cabinet du Maire\nObjet : TR: "+invSubj+"\n\nMerci de répondre oui.\n\n-----Message d'origine-----\nDe : "+usName+" <"+us+">\nEnvoyé : vendredi 15 septembre 2017 09:00\nObjet : "+invSubj+"\n\n"+quoted("")))

	// A tentative answer that says "out of office" about the dates.
	n, to = replier()
	human("blind-rsvp-out-of-office-words", "yes", personReply(n, to, "Re: "+invSubj, nil, utf8Text,
		"Hello, I am out of the office on 16 November but could join on the 17th. Is it possible to attend only the second day?\n\nBest,\nKarim\n\nOn Fri, Sep 15, 2017 at 9:00 AM, "+usName+" <"+us+"> wrote:\n"+quoted("> ")))

	// Unsubscribe with a reason, Spanish, from a mobile.
	n, to = replier()
	human("blind-unsub-es-reason", "yes", personReply(n, to, "RE: "+invSubj, nil, utf8Text,
		"Por favor, denme de baja de su lista de distribución; ya no trabajo en el área de relaciones internacionales.\n\nEnviado desde mi iPhone"))
}

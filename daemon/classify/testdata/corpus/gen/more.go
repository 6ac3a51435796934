package main

import "fmt"

// more adds variations of the commonest shapes: other hosts, other
// failures, other languages, as a secretariat's inbox holds many of each.
func more() {
	type mta struct {
		name string
		gen  func(n int, to string, f fail) string
	}
	mtas := []mta{
		{"postfix", func(n int, to string, f fail) string { return postfix("smtp-out.un.org", n, to, f, n%2 == 0, false) }},
		{"exim-cpanel", func(n int, to string, f fail) string { return exim("server12.hosting-example.net", n, to, f, false) }},
		{"sendmail", func(n int, to string, f fail) string { return sendmail("mail."+domainOf(to), n, to, f, n%2 == 1) }},
		{"qmail", func(n int, to string, f fail) string { return qmail("mx."+domainOf(to), n, to, f) }},
		{"gmail", func(n int, to string, f fail) string { return gmail(n, to, f, n%2 == 1) }},
		{"m365", func(n int, to string, f fail) string {
			return m365NDR(n, to, f, []string{"en", "fr", "es", "de"}[n%4], n%3 == 1)
		}},
		{"courier", courier},
		{"opensmtpd", opensmtpd},
		{"yahoo", yahoo},
		{"icloud", icloud},
		{"messagelabs", messagelabs},
		{"zoho", zoho},
		{"domino", func(n int, to string, f fail) string { return domino(n, to, f, false) }},
		{"mailgun", mailgun},
		{"gmx", func(n int, to string, f fail) string { return gmx(n, to, f, "gmx.net") }},
	}
	fs := []fail{fUnknown, fNoSuch, fFull, fDisabled, fDomain, fSpam, fBlock, fDmarc}
	for i := 0; i < 45; i++ {
		m := mtas[i%len(mtas)]
		f := fs[(i/len(mtas)+i)%len(fs)]
		n, to := contact()
		if m.name == "gmail" && f.key == "disabled" {
			f = fFull
		}
		bounce(fmt.Sprintf("%s-%s-%d", m.name, f.key, i), f.verdict, m.gen(n, to, f))
	}

	more := []struct{ lang, subj, text string }{
		{"en", "Automatic reply: ", "I am on annual leave until 29 September. Your email will not be forwarded."},
		{"en", "Out of Office: ", "I'm currently away from the office and will respond on my return."},
		{"fr", "Réponse automatique : ", "Je suis en congés jusqu'au 29 septembre inclus."},
		{"fr", "Absence : ", "Madame, Monsieur, je suis absent jusqu'au 2 octobre. Pour toute urgence : cabinet@mairie.example"},
		{"es", "Respuesta automática: ", "Me encuentro de vacaciones hasta el 29 de septiembre."},
		{"es", "Fuera de la oficina: ", "Estaré fuera de la oficina hasta el lunes."},
		{"de", "Abwesenheitsnotiz: ", "Ich bin bis 29.09. im Urlaub. Ihre Nachricht wird nicht weitergeleitet."},
		{"it", "Assente: ", "Sono in ferie fino al 29 settembre."},
		{"pt", "Ausente: ", "Estou de férias até 29 de setembro."},
		{"nl", "Afwezig: ", "Ik ben met vakantie tot 29 september."},
		{"ja", "不在通知: ", "9月29日まで休暇をいただいております。"},
		{"pl", "Odpowiedź automatyczna: ", "Jestem na urlopie do 29 września."},
		{"sv", "Autosvar: ", "Jag är på semester till och med 29 september."},
		{"en", "Auto-Reply: ", "Thank you for your email. I am attending a conference abroad."},
		{"en", "AutoReply: ", "This mailbox is not monitored on weekends."},
		{"fr", "Réponse automatique d'absence : ", "Je serai de retour le 2 octobre."},
		{"es", "Respuesta automática de ausencia: ", "Regresaré el 2 de octubre."},
		{"en", "Re: ", "This is an automated response. Your message has been received by the Office of the Mayor."},
		{"en", "[Out of office] ", "Back on Monday."},
		{"it", "Risposta automatica: ", "Grazie per il suo messaggio, risponderò al mio rientro."},
	}
	for i, o := range more {
		n, to := contact()
		var hdr []string
		switch i % 4 {
		case 0:
			hdr = []string{"Auto-Submitted: auto-replied"}
		case 1:
			hdr = []string{"X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: " + to}
		case 2:
			hdr = []string{"X-Mailer: Apple Mail (2.3445.1.7)"}
		}
		autoReply(fmt.Sprintf("oof-more-%s-%d", o.lang, i), oof(n, to, o.subj+invSubj, hdr, o.text))
	}

	enquiries := []struct{ from, subj, body string }{
		{"Nicolas Bernard <n.bernard@ville-nantes.fr>", "Badge perdu", "Bonjour, j'ai perdu mon badge lors de l'inscription. Comment en obtenir un nouveau ? Merci."},
		{"Isabel Romero <iromero@madrid.es>", "Certificado de asistencia", "Hola, ¿podrían enviarme un certificado de asistencia? Gracias, Isabel"},
		{"Kenji Sato <k.sato@city.sapporo.jp>", "Vegetarian meals", "Dear secretariat, will vegetarian meals be available at lunch? Best regards, Kenji Sato"},
		{"Lucy Brown <lucy.brown@lisburn-example.gov.uk>", "Parking at the venue", "Hello, is there parking at the venue for the delegation's car? Thanks, Lucy"},
		{"Omar Diouf <o.diouf@dakar-example.sn>", "Demande de lettre d'invitation", "Bonjour, je souhaite recevoir une lettre d'invitation pour ma demande de visa. Cordialement, Omar Diouf"},
		{"Valentina Greco <v.greco@comune.bologna.it>", "Presentation slides", "Dear all, where should speakers send their slides, and by when? Valentina"},
		{"Jorge Herrera <jherrera@lima-example.gob.pe>", "Consulta sobre transporte", "Buenas tardes, ¿hay transporte desde Bruselas hasta Malinas? Saludos, Jorge"},
		{"Anne Meyer <anne.meyer@wien-example.at>", "Photo consent", "Hello, will photographs be taken during the sessions? Our mayor prefers not to be filmed. Regards, Anne"},
		{"Samuel Mwangi <s.mwangi@nairobi-example.ke>", "Invitation for a second delegate", "Hello, could the invitation be extended to our director of planning? Thank you, Samuel"},
		{"Chloé Petit <chloe.petit@free.fr>", "Question sur le dîner", "Bonjour, faut-il s'inscrire au dîner du 16 novembre ? Merci, Chloé"},
		{"Diego Castro <dcastro@quito-example.gob.ec>", "Horario de la ceremonia de apertura", "Buenos días, ¿a qué hora empieza la ceremonia de apertura? Gracias, Diego"},
		{"Mei Lin <mei.lin@taipei-example.tw>", "Observer status", "Dear secretariat, can our city attend as an observer? Kind regards, Mei Lin"},
	}
	for i, e := range enquiries {
		human(fmt.Sprintf("enquiry-more-%02d", i+1), "yes", newMail(e.from, e.subj, nil, e.body))
	}
	replies := []struct{ style, body string }{
		{"gmail", "I confirm my attendance. Looking forward to Mechelen."},
		{"fr", "Avec plaisir, je serai présent."},
		{"es", "Confirmo mi participación. Saludos."},
		{"outlook", "Regrettably, the Mayor has a council meeting on those dates and cannot attend."},
		{"fr", "Merci pour l'invitation. Malheureusement, je ne pourrai pas venir."},
		{"gmail", "Count me in!"},
	}
	for i, r := range replies {
		n, to := replier()
		human(fmt.Sprintf("reply-more-%02d", i+1), "yes", replyTo(n, to, "Re: "+invSubj, r.body, r.style))
	}
	for i, c := range []struct{ subj, disp string }{
		{"Read: " + invSubj, "manual-action/MDN-sent-manually; displayed"},
		{"Lu : " + invSubj, "automatic-action/MDN-sent-automatically; displayed"},
		{"Leído: " + invSubj, "manual-action/MDN-sent-manually; displayed"},
	} {
		n, to := contact()
		report(fmt.Sprintf("mdn-more-%d", i+1), mdn(n, to, c.subj, "Microsoft Outlook 16.0", c.disp, "Your message was read."))
	}
	for i := 0; i < 3; i++ {
		n, to := contact()
		report(fmt.Sprintf("arf-more-%d", i+1), arf(n, to, "Feedback Loop <fbl@isp"+fmt.Sprint(i)+"-example.net>", "FBL/1.0", "abuse"))
	}
	n, to := contact()
	report("jmrp-more", jmrp(n, to, 0))
	n, to = contact()
	report("ses-sns-more", sesSNS(n, to, "Bounce", false))
}

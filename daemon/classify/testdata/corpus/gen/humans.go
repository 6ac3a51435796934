package main

import "fmt"

func human(name, ack, raw string) { add(name, "human", ack, "-", raw) }

// newMail is a message a person wrote to the secretariat.
func newMail(from, subject string, hdr []string, body string) string {
	h := []string{
		"Return-Path: <" + fromAddr(from) + ">",
		"From: " + from,
		"To: " + us,
		"Subject: " + enc(subject),
		"Date: " + date(2000+seq),
		"Message-ID: " + id(domainOf(fromAddr(from))),
	}
	h = append(h, hdr...)
	h = append(h, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", body)
	return lines(h...)
}

// fromAddr is the address of "Name <addr>" or addr.
func fromAddr(s string) string {
	if i := len(s) - 1; i > 0 && s[i] == '>' {
		for j := i; j >= 0; j-- {
			if s[j] == '<' {
				return s[j+1 : i]
			}
		}
	}
	return s
}

// replyTo is a person's answer to the invitation sent to contact n,
// quoting it as their client does.
func replyTo(n int, from, subject, body, quoteStyle string) string {
	var q string
	switch quoteStyle {
	case "gmail":
		q = "\n\nOn Fri, Sep 15, 2017 at 9:00 AM, " + usName + " <" + us + "> wrote:\n" + quoted("> ")
	case "outlook":
		q = "\n\n-----Original Message-----\nFrom: " + usName + " <" + us + ">\nSent: Friday, September 15, 2017 9:00 AM\nTo: " + fromAddr(from) + "\nSubject: " + invSubj + "\n\n" + quoted("")
	case "fr":
		q = "\n\nLe 15/09/2017 à 09:00, " + usName + " a écrit :\n" + quoted("> ")
	case "es":
		q = "\n\nEl 15/09/2017 a las 9:00, " + usName + " escribió:\n" + quoted("> ")
	}
	return newMail(from, subject, []string{"In-Reply-To: " + invID(n), "References: " + invID(n)}, body+q)
}

// humans: enquiries and answers in English, French and Spanish, some of
// which use the words automatic mail uses.
func humans() {
	enquiries := []struct{ from, subj, body string }{
		{"Amina Diallo <amina.diallo@dakar-example.sn>", "Visa invitation letter", "Dear secretariat,\n\nCould you send me an invitation letter for my visa application to Belgium? My passport number is attached.\n\nBest regards,\nAmina Diallo"},
		{"Kofi Mensah <k.mensah@accra.gov.gh>", "Is the registration desk open out of office hours?", "Hello, our delegation arrives late on 15 November. Will the registration desk still be open after 18:00?\n\nThanks,\nKofi"},
		{"Jean Dupont <jean.dupont@ville-lyon.fr>", "Demande d'hébergement", "Bonjour,\n\nPourriez-vous m'indiquer les hôtels recommandés près du lieu de la conférence ?\n\nCordialement,\nJean Dupont\nAdjoint au maire"},
		{"Carla Ruiz <carla.ruiz@ayto-valencia.es>", "Pregunta sobre la conferencia", "Buenos días:\n\n¿Habrá interpretación al español durante las sesiones plenarias?\n\nUn saludo,\nCarla Ruiz"},
		{"Press Desk <desk@newsagency-example.com>", "Press accreditation", "Hello, we would like to cover the conference. How do journalists get accredited?"},
		{"Olga Petrova <o.petrova@city-example.ru>", "Programme of the conference", "Dear colleagues, is the programme of the conference already available? Kind regards, Olga"},
		{"Sophie Martin <s.martin@mairie-exemple.fr>", "Inscription d'un second délégué", "Bonjour, notre maire souhaiterait être accompagné de son directeur de cabinet. Est-ce possible ?\nMerci d'avance,\nSophie Martin"},
		{"Luis Gómez <lgomez@municipio-ejemplo.gob.mx>", "Solicitud de carta de invitación para visado", "Estimados señores:\n\nLes agradecería el envío de una carta de invitación para tramitar mi visado.\n\nAtentamente,\nLuis Gómez"},
		{"Hiroshi Tanaka <h.tanaka@city.yokohama.example>", "Side event proposal", "Dear organisers, the City of Yokohama would like to propose a side event on migrant inclusion. Whom should we contact?"},
		{"Priya Nair <priya.nair@gmail.com>", "Question about registration", "Hi, I registered last week but haven't received a confirmation. Could you check? Thank you, Priya\n\nSent from my iPhone"},
		{"Marc Lefèvre <marc.lefevre@bruxelles-example.be>", "Accès pour personnes à mobilité réduite", "Bonjour, le lieu de la conférence est-il accessible aux fauteuils roulants ? Bien à vous, Marc"},
		{"Ana Souza <ana.souza@prefeitura-exemplo.br>", "Travel grant", "Dear secretariat, are there travel grants for delegations from Latin America? Best, Ana"},
		{"Tom Becker <t.becker@stadt-koeln.de>", "Interpretation in German?", "Dear all, will there be interpretation into German? Regards, Tom Becker"},
		{"Fatima Zahra <f.zahra@tunis-example.tn>", "Demande de programme détaillé", "Madame, Monsieur,\n\nJe vous serais reconnaissante de bien vouloir m'envoyer le programme détaillé.\n\nVeuillez agréer mes salutations distinguées.\nFatima Zahra"},
		{"Pedro Alves <pedro.alves@cm-lisboa.pt>", "Speakers list", "Hello, could you share the list of speakers for the session on housing? Thanks, Pedro"},
		{"Elena Rossi <elena.rossi@comune.torino.it>", "Arrival at Brussels airport", "Dear secretariat, is there a shuttle from Brussels airport to Mechelen? Best regards, Elena"},
		{"Daniel Okafor <d.okafor@lagosstate.gov.ng>", "Delegation of three", "Good day, the Lagos State delegation will have three members. Do all of them need to register separately?"},
		{"María José Pérez <mjperez@ayto-malaga.es>", "Alojamiento para la delegación", "Hola, ¿tienen un bloque de habitaciones reservado para las delegaciones? Gracias. María José"},
		{"Claire Dubois <claire.dubois@orange.fr>", "Question : dîner officiel", "Bonjour, les conjoints sont-ils invités au dîner officiel du 16 novembre ? Merci, Claire Dubois"},
		{"Ahmed Hassan <a.hassan@city-example.eg>", "Letter for the embassy", "Dear Sir/Madam, the embassy asks for a letter confirming the dates of the conference. Could you provide it?"},
		{"Julia Nowak <j.nowak@krakow-example.pl>", "Registration deadline", "Hello, what is the registration deadline? Kind regards, Julia Nowak"},
		{"Rafael Torres <rtorres@bogota-example.gov.co>", "Consulta: sesiones paralelas", "Buenas tardes, ¿cuándo se publicará el programa de las sesiones paralelas? Saludos cordiales, Rafael Torres"},
		{"Nadia Benali <n.benali@ville-nantes.fr>", "Présentation lors de l'atelier", "Bonjour, combien de temps dispose chaque intervenant lors de l'atelier ? Cordialement, Nadia Benali"},
		{"Grace Wanjiru <g.wanjiru@kampala-example.ug>", "Undelivered invitation?", "Hello, our mayor says she never received the invitation. Could you send it again to mayor@kampala-example.ug?\n\nThanks, Grace"},
	}
	for i, e := range enquiries {
		human(fmt.Sprintf("enquiry-%02d", i+1), "yes", newMail(e.from, e.subj, nil, e.body))
	}
	human("enquiry-mentions-automatic-reply", "yes", newMail("Bruno Costa <b.costa@cm-porto.pt>", "Your colleague's address", nil,
		"Hello, I received an automatic reply from your colleague saying she is out of the office. Who else can confirm our hotel booking?\n\nBest, Bruno"))
	human("enquiry-forwarded-bounce", "yes", newMail("Ingrid Olsen <i.olsen@city-example.no>", "Fwd: Undeliverable: Invitation: Global Conference on Cities and Migrants", nil,
		"Hello, I tried to forward your invitation to our mayor and got this. Is there another address I should use?\n\nIngrid\n\n---------- Forwarded message ---------\nFrom: Microsoft Outlook <postmaster@city-example.no>\nDate: Fri, 15 Sep 2017 at 10:02\nSubject: Undeliverable: Invitation: Global Conference on Cities and Migrants\n\nDelivery has failed to these recipients or groups:\n\nmayor@city-example.no\nThe email address you entered couldn't be found.\n\nRemote Server returned '550 5.1.1 RESOLVER.ADR.RecipientNotFound'"))
	human("enquiry-auto-submitted-no", "yes", newMail("Sarah Lee <s.lee@seoul-example.kr>", "Hotel booking", []string{"Auto-Submitted: no"},
		"Dear secretariat, could you confirm that our hotel booking is included? Sarah Lee"))
	human("enquiry-subject-absence-new", "yes", newMail("Paul Girard <p.girard@mairie-rouen.fr>", "Absence du maire à la séance d'ouverture", nil,
		"Bonjour, le maire sera absent à la séance d'ouverture mais présent le 17. Peut-il tout de même intervenir à l'atelier ? Cordialement, Paul Girard"))
	human("enquiry-html-only", "yes", lines(
		"Return-Path: <mirela.popescu@cluj-example.ro>",
		"From: Mirela Popescu <mirela.popescu@cluj-example.ro>",
		"To: "+us,
		"Subject: Side event room booking",
		"Date: "+date(2500),
		"Message-ID: "+id("cluj-example.ro"),
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=utf-8",
		"",
		"<html><body><p>Dear secretariat,</p><p>We would like to book a room for a side event on <b>16 November</b>. Is that possible?</p><p>Mirela</p></body></html>",
	))
	human("outlook-meeting-accept", "no", lines(
		"Return-Path: <l.moreau@paris.fr>",
		"From: Laure Moreau <l.moreau@paris.fr>",
		"To: "+us,
		"Subject: Accepted: "+invSubj,
		"Date: "+date(2600),
		"Message-ID: "+id("paris.fr"),
		"X-Auto-Response-Suppress: DR, OOF, AutoReply",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		"Laure Moreau has accepted.",
	))

	rsvps := []struct {
		lang, body string
	}{
		{"gmail", "Dear secretariat,\n\nThank you for the invitation. I am pleased to confirm that I will attend the conference in Mechelen.\n\nBest regards,\nJohn Smith\nDeputy Commissioner"},
		{"outlook", "Unfortunately I will not be able to attend the conference due to a prior commitment.\n\nKind regards,\nMargaret Byrne"},
		{"fr", "Madame, Monsieur,\n\nJe vous confirme avec plaisir ma participation à la conférence.\n\nBien cordialement,\nIsabelle Laurent\nAdjointe au maire"},
		{"fr", "Bonjour,\n\nJe ne pourrai malheureusement pas être présente à Malines à ces dates.\n\nCordialement,\nChristine Morel"},
		{"es", "Estimados señores:\n\nCon mucho gusto confirmo mi asistencia a la conferencia.\n\nAtentamente,\nJavier Martín\nTeniente de Alcalde"},
		{"es", "Lamentablemente no podré asistir a la conferencia.\n\nSaludos cordiales,\nLucía Fernández"},
		{"gmail", "Yes, I will attend. Thank you!\n\nSent from my iPhone"},
		{"outlook", "I will be out of the office on those dates, so I cannot attend. Please keep me informed of future events.\n\nRegards,\nPeter Novak"},
		{"gmail", "Could you tell me whether interpretation will be provided before I confirm?\n\nThanks,\nAisha"},
		{"fr", "Bonjour, pouvez-vous me noter comme participation possible ? Je vous confirmerai la semaine prochaine.\n\nMarie"},
		{"es", "Gracias por la invitación. Asistiré con mi jefa de gabinete.\n\nUn saludo,\nCarmen"},
		{"outlook", "Dear all,\n\nThe Mayor is pleased to accept your kind invitation.\n\nYours sincerely,\nOffice of the Mayor\n\nThis email and any attachments are confidential. If you have received it in error, please notify the sender. The City cannot attend to requests sent outside office hours."},
		{"gmail", "Please remove me from your mailing list. I no longer work on international relations."},
		{"fr", "Merci de me retirer de votre liste de diffusion."},
		{"gmail", "Thanks, I'll be there.\n\n--\nKarim Haddad\nOut of office on Fridays"},
		{"es", "Buenos días, desafortunadamente no podré estar en Malinas en esas fechas. Un saludo."},
		{"outlook", "Accepted with pleasure. The Mayor will attend both days."},
		{"gmail", "I'm sorry, I can't make it this year."},
	}
	for i, r := range rsvps {
		n, to := replier()
		subj := "Re: " + invSubj
		switch r.lang {
		case "outlook":
			subj = "RE: " + invSubj
		case "fr":
			subj = "RE: " + invSubj
		case "es":
			subj = "RE: " + invSubj
		}
		human(fmt.Sprintf("reply-%02d", i+1), "yes", replyTo(n, to, subj, r.body, r.lang))
	}
	// Mail about delivery from people, with a failure word in the subject.
	human("enquiry-returned-parcel", "yes", newMail("Hans Vogel <h.vogel@stadt-leipzig.de>", "Returned badge – wrong address", nil,
		"Dear secretariat, the badge you posted to us came back with the note 'address unknown'. Our postal address is Markt 1, 04109 Leipzig."))
	human("enquiry-550-words", "yes", newMail("Ruth Abebe <r.abebe@addis-example.et>", "Capacity of the main hall", nil,
		"Hello, is it true the main hall seats 550 people? Our delegation is large. Thanks, Ruth"))
	// Gmail's unsubscribe button mails the List-Unsubscribe address with
	// this text: an unsubscribe request, never an auto-reply.
	_, to := replier()
	human("gmail-unsubscribe-mailto", "yes", newMail(to, "unsubscribe", nil, "This message was automatically generated by Gmail."))
	human("enquiry-from-postmaster-colleague", "no", newMail("IT Service Desk <postmaster@stadt-beispiel.de>", "Our mail server and your invitations", nil,
		"Hello, this is the IT service desk of Stadt Beispiel. Your invitations are being delivered now; we fixed our spam filter."))
}

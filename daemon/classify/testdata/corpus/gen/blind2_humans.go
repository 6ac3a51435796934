package main

import "fmt"

// blind2Humans: people's mail that borrows automatic mail's words, its
// subjects or its shapes, and answers to the invitation that mention an
// absence, an automatic reply or a failed delivery.
func blind2Humans() {
	enquiries := []struct{ from, subj, body string }{
		{"Laura Bennett <l.bennett@borough-example.gov.uk>", "Out of office next week — can we reschedule?", "Dear secretariat,\n\nI will be out of office next week, so I will miss our call on Tuesday. Could we reschedule to Monday 25 September?\n\nBest wishes,\nLaura Bennett\nHead of International Relations"},
		{"Kwame Asante <k.asante@accra-example.gov.gh>", "Delivery failed? I never got your invitation", "Hello,\n\nA colleague in Kumasi received your invitation to the conference but I never did. Did the delivery fail? Could you send it to this address?\n\nKind regards,\nKwame Asante"},
		{"Mark Ellis <m.ellis@city-example.ca>", "Automatic reply feature broken", "Hi,\n\nJust so you know, your automatic reply feature seems broken: I wrote to registrations@un.org twice and got no acknowledgement either time. Did my messages arrive?\n\nMark"},
		{"Patricia Gómez <pgomez@quito-example.gob.ec>", "Undeliverable mail from your server", "Buenos días,\n\nEach time I write to the programme team I get an \"Undeliverable\" message from your server. Is there another address I should use?\n\nGracias,\nPatricia Gómez"},
		{"Yusuf Okonkwo <y.okonkwo@abuja-example.gov.ng>", "Read receipt for our registration form", "Dear colleagues,\n\nCould you please send us a read receipt or a short confirmation that our registration form (sent Monday) was received?\n\nRegards,\nYusuf Okonkwo"},
		{"Heike Brandt <h.brandt@stadt-exemple.de>", "Abwesenheitsnotiz – Frage zur Anmeldung", "Sehr geehrte Damen und Herren,\n\nich habe auf meine Anmeldung nur eine Abwesenheitsnotiz erhalten. Ist die Anmeldung trotzdem angekommen?\n\nMit freundlichen Grüßen\nHeike Brandt"},
		{"Chloé Martin <c.martin@ville-lille-exemple.fr>", "Réponse automatique reçue – est-ce normal ?", "Bonjour,\n\nJ'ai reçu une réponse automatique indiquant que votre boîte n'est plus consultée. Est-ce normal ? À quelle adresse dois-je écrire pour inscrire notre délégation ?\n\nBien à vous,\nChloé Martin"},
		{"Alejandro Ruiz <aruiz@santiago-example.cl>", "Fuera de la oficina la próxima semana: ¿podemos hablar hoy?", "Estimados:\n\nEstaré fuera de la oficina la próxima semana. ¿Sería posible hablar hoy por teléfono sobre la logística de nuestra delegación?\n\nSaludos cordiales,\nAlejandro Ruiz"},
		{"Rosa Álvarez <ralvarez@municipio-ejemplo.gob.mx>", "No me llegó la invitación", "Buenas tardes:\n\nMi colega recibió la invitación a la conferencia, pero a mí no me llegó. ¿Podrían reenviármela?\n\nMuchas gracias,\nRosa Álvarez"},
		{"Femi Adebayo <f.adebayo@lagos-example.gov.ng>", "Mailbox full? My colleague says your mail bounced", "Dear team,\n\nMy colleague tells me your last message to me bounced because my mailbox was full. I have cleared it now; could you resend the programme?\n\nThanks,\nFemi"},
		{"Nicola Greco <n.greco@comune-exemple.it>", "Returned to sender: the visa letter", "Dear secretariat,\n\nThe visa invitation letter you posted was returned to sender by the Italian post. Could you email it as a PDF instead?\n\nBest regards,\nNicola Greco"},
		{"Ahmed Ben Salah <a.bensalah@tunis-example.tn>", "DMARC failure on our side?", "Hello,\n\nOur IT department says some of your messages fail DMARC checks and land in spam. Could your technical team confirm which servers send your invitations?\n\nRegards,\nAhmed Ben Salah"},
		{"Grace Kim <g.kim@seoul-example.kr>", "Delivery receipt for the brochures", "Dear secretariat,\n\nWe have shipped 200 brochures for the exhibition. Could someone sign the delivery receipt when the courier arrives on Thursday?\n\nThank you,\nGrace Kim"},
		{"Olivier Dubois <o.dubois@bruxelles-example.be>", "Feedback report on last year's conference", "Bonjour,\n\nAuriez-vous le rapport d'évaluation de l'édition précédente ? Nous aimerions le citer dans notre note au Collège.\n\nCordialement,\nOlivier Dubois"},
		{"Maria Silva <m.silva@recife-example.br>", "Failure notice on the registration portal", "Hello,\n\nThe registration portal shows a \"failure notice\" when I upload my passport copy. What file size is accepted?\n\nMaria Silva"},
		{"Thomas Wright <t.wright@city-example.org>", "This address is no longer monitored?", "Hi,\n\nI got a message saying your old address is no longer monitored. Is info@gccm-example.org the new one for speaker questions?\n\nThomas"},
		{"Ingrid Haugen <i.haugen@oslo-example.no>", "Vacation request for conference staff", "Dear organisers,\n\nOur staff need to file vacation requests for the conference dates. Could you confirm the exact hours of the closing session on 17 November?\n\nBest regards,\nIngrid Haugen"},
		{"Sipho Dlamini <s.dlamini@durban-example.za>", "Ticket 4521 - our hotel booking", "Good day,\n\nThe hotel gave us ticket number 4521 for our group booking but says you must confirm the conference rate. Could you help?\n\nRegards,\nSipho Dlamini"},
		{"Elena Petrova <e.petrova@sofia-example.bg>", "Do you send automatic confirmations?", "Hello,\n\nDo you send automatic confirmations after registration? I have not received anything yet and want to be sure before booking flights.\n\nKind regards,\nElena Petrova"},
		{"Luca Romano <l.romano@comune-exemple.it>", "Risposta automatica? Non ho ricevuto conferma", "Buongiorno,\n\nho ricevuto solo una risposta automatica. Potreste confermare la registrazione del Sindaco?\n\nGrazie,\nLuca Romano"},
		{"Anne-Marie Roy <am.roy@montreal-example.ca>", "Absence de la mairesse le 16 novembre", "Bonjour,\n\nLa mairesse sera absente le 16 novembre au matin. Pourrait-elle intervenir l'après-midi plutôt ?\n\nMerci,\nAnne-Marie Roy\nConseillère, Relations internationales"},
		{"Beatrix Horváth <b.horvath@budapest-example.hu>", "Undelivered parcel – exhibition material", "Dear organisers,\n\nThe courier says our parcel with the exhibition material could not be delivered to the venue. Who can receive it on 14 November?\n\nBeatrix Horváth"},
		{"Ravi Sharma <r.sharma@it.pune-example.gov.in>", "Our postmaster asks about your SPF record", "Hello,\n\nOur postmaster noticed that your invitations fail the SPF check at our gateway. Could your IT team add 157.150.185.10 to the record, or tell us which servers you send from?\n\nRavi Sharma\nIT Department"},
		{"Claire Dumont <c.dumont@ville-exemple.fr>", "Bounced : invitation de notre adjointe", "Bonjour,\n\nL'invitation adressée à notre adjointe vous est sans doute revenue : son adresse a changé. La nouvelle est adjointe.europe@ville-exemple.fr.\n\nCordialement,\nClaire Dumont"},
		{"Martin Svoboda <m.svoboda@praha-example.cz>", "Auto-forward of the Mayor's mail", "Dear secretariat,\n\nThe Mayor's mailbox forwards everything to me automatically, so please write to me directly about logistics from now on. Is there a briefing for delegations?\n\nMartin Svoboda"},
		{"Lucía Herrera <l.herrera@montevideo-example.gub.uy>", "Mail Delivery Subsystem rechaza mi respuesta", "Hola:\n\nCada vez que respondo a su invitación recibo un mensaje del \"Mail Delivery Subsystem\". ¿Hay otra dirección para confirmar la asistencia?\n\nLucía Herrera"},
		{"李伟 <li.wei@city-example.cn>", "关于会议注册的问题", "您好，\n\n请问会议的注册截止日期是什么时候？我们代表团共有三人。\n\n谢谢！\n李伟\n外事办公室"},
		{"سارة الحسن <s.alhassan@city-example.jo>", "استفسار حول التسجيل في المؤتمر", "السلام عليكم،\n\nهل يمكن تسجيل وفد من ثلاثة أشخاص؟ وما هو آخر موعد للتسجيل؟\n\nمع الشكر،\nسارة الحسن"},
		{"Jorge Castillo <jcastillo@lima-example.gob.pe>", "Mensaje no entregado a su colega", "Buenos días:\n\nMi mensaje a la señora Duarte no fue entregado: recibí un aviso de error. ¿Tiene ella una nueva dirección?\n\nAtentamente,\nJorge Castillo"},
	}
	for i, e := range enquiries {
		human(fmt.Sprintf("b2-enquiry-%02d", i+1), "yes", newMail(e.from, e.subj, nil, e.body))
	}

	// A person answering someone's out-of-office, quoting it.
	human("b2-reply-quoting-oof", "yes", newMail("Daniel Costa <d.costa@cm-lisboa.pt>", "RE: Automatic reply: Speakers' briefing", []string{"In-Reply-To: <oof.12345@un.org>"},
		"Dear colleagues,\n\nI received Ms Rahman's automatic reply below. Since she is away, could someone else confirm the time of the speakers' briefing?\n\nThanks,\nDaniel\n\nFrom: Nadia Rahman\nSent: Monday, September 18, 2017 10:02 AM\nSubject: Automatic reply: Speakers' briefing\n\nI am out of the office until 2 October with limited access to email."))
	// A person forwarding an NDR they got from us, in French.
	human("b2-forwarded-ndr-fr", "yes", newMail("Isabelle Petit <i.petit@ville-lyon-exemple.fr>", "TR: Non remis : Inscription de la délégation de Lyon", nil,
		"Bonjour,\n\nMon message d'inscription m'est revenu (voir ci-dessous). Pouvez-vous m'indiquer la bonne adresse ?\n\nIsabelle Petit\n\n-----Message d'origine-----\nDe : Microsoft Outlook\nEnvoyé : lundi 18 septembre 2017 11:20\nObjet : Non remis : Inscription de la délégation de Lyon\n\nVotre message n'a pas pu être remis à inscriptions@gccm-example.org.\nLe serveur distant a retourné '550 5.1.1 Utilisateur inconnu'"))
	// A person asking for a read receipt with the client's own field.
	human("b2-person-asks-mdn", "yes", newMail("Paolo Conti <p.conti@comune-exemple.it>", "Delegation list for the conference", []string{"Disposition-Notification-To: Paolo Conti <p.conti@comune-exemple.it>", "X-Confirm-Reading-To: p.conti@comune-exemple.it"},
		"Dear secretariat,\n\nPlease find below our delegation: the Mayor, Paolo Conti and Sara Lodi. Could you send the access badges to this address?\n\nBest regards,\nPaolo Conti"))

	blind2HumanReplies()
}

// blind2HumanReplies: invitees' answers to the invitation that use the
// words of out-of-office notices, failure notices or helpdesks.
func blind2HumanReplies() {
	replies := []struct{ key, name, subj, body string }{
		{"accept-despite-oof-words", "Fiona Walsh", "Re: " + invSubj, "Dear secretariat,\n\nI am out of the office until Monday, but wanted to confirm straight away that I will attend the conference.\n\nBest regards,\nFiona Walsh\nDeputy Lord Mayor"},
		{"ignore-our-oof", "Cabinet du Maire", "RE : " + invSubj, "Bonjour,\n\nVeuillez ne pas tenir compte de la réponse automatique que vous avez reçue de notre service : Monsieur le Maire participera bien à la conférence.\n\nCordialement,\nLe secrétariat du Cabinet"},
		{"absent-deputy-question", "Hans Weber", "AW: " + invSubj, "Sehr geehrte Damen und Herren,\n\nI will be absent on 16 November. Can my deputy, Ms Roth, attend in my place?\n\nMit freundlichen Grüßen\nHans Weber"},
		{"decline-vacation", "Teresa Moreno", "RE: " + invSubj, "Estimados señores:\n\nLamentablemente no podré asistir: estaré de vacaciones esas fechas.\n\nUn saludo,\nTeresa Moreno\nConcejala de Cooperación"},
		{"decline-mission-oof-like", "Margaret Ochieng", "Re: " + invSubj, "Dear colleagues,\n\nThank you for the kind invitation. Unfortunately I will be on mission abroad on those dates and will not be able to attend.\n\nKind regards,\nMargaret Ochieng"},
		{"auto-reply-mentioned-accept", "Jean-Pierre Lamy", "RE : " + invSubj, "Bonjour,\n\nPardon pour la réponse automatique de la semaine dernière, j'étais en congés. Je serai présent à Malines.\n\nBien cordialement,\nJean-Pierre Lamy\nAdjoint au maire chargé des relations internationales"},
		{"address-change-by-hand", "Robert Mensah", "Re: " + invSubj, "Dear secretariat,\n\nI have moved to a new post in the Ministry since 1 September. Please send future correspondence about the conference to my successor, Ms Abena Owusu (a.owusu@accra-example.gov.gh), who will reply to you directly.\n\nKind regards,\nRobert Mensah"},
		{"delivery-failed-forwarded-accept", "Secretaría de la Alcaldía", "RE: " + invSubj, "Buenos días:\n\nSu invitación no llegó al correo del Alcalde (nos devolvió un error de entrega), por eso respondemos desde esta cuenta: el Alcalde asistirá a la conferencia.\n\nAtentamente,\nSecretaría de la Alcaldía"},
		{"ticket-words-question", "Emily Carter", "Re: " + invSubj, "Hello,\n\nYour request has been received by our office and the Mayor is considering it. Could you tell us whether a speaking slot is foreseen?\n\nBest regards,\nEmily Carter\nExecutive Assistant to the Mayor"},
		{"short-yes-mobile", "", "Re: " + invSubj, "Yes, I'll come.\n\nSent from my BlackBerry 10 smartphone."},
	}
	for _, r := range replies {
		n, to := replier()
		from := to
		if r.name != "" {
			from = r.name + " <" + to + ">"
		}
		human("b2-rsvp-"+r.key, "yes", personReply(n, from, r.subj, nil, utf8Text, r.body+"\n\n"+"On Fri, Sep 15, 2017 at 9:00 AM, "+usName+" <"+us+"> wrote:\n"+quoted("> ")))
	}
}

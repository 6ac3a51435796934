package main

// blindAutoReplies: out-of-office from every common client, with and
// without RFC 3834 headers, helpdesk acknowledgements, challenge-response
// systems and "mailbox not monitored" notices.
func blindAutoReplies() {
	type oofCase struct {
		key, name, subject string
		hdr                []string
		body               string
	}
	msx := []string{"X-MS-Has-Attach:", "X-MS-TNEF-Correlator:", "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", "Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All"}
	cases := []oofCase{
		{"outlook-en-full", "Sarah O'Connor", "Automatic reply: " + invSubj, msx,
			"Thank you for your message. I am currently out of the office with no access to email, returning on Monday 25 September.\n\nIf your matter is urgent, please contact my colleague Brian Walsh (brian.walsh@dublincity.example).\n\nKind regards,\nSarah"},
		{"outlook-en-stripped", "Peter Novak", "Automatic reply: " + invSubj, nil,
			"I am on annual leave until 2 October and will not be able to attend to your email until my return. Your message will not be forwarded."},
		{"outlook2007-out-of-office", "Alan Hughes", "Out of Office: " + invSubj, nil,
			"I'm out of the office until 20/09. For anything urgent call +44 20 7946 0000."},
		{"exchange2003-autoreply", "Ruth Keller", "Out of Office AutoReply: " + invSubj, []string{"X-MS-Exchange-Organization-AutoResponse: yes"},
			"I will be out of the office starting 15/09/2017 and will not return until 29/09/2017."},
		{"fr-reponse-auto-stripped", "Isabelle Laurent", "Réponse automatique : " + invSubj, nil,
			"Bonjour,\n\nJe suis en congés jusqu'au 2 octobre inclus, sans accès à ma messagerie. Je ne pourrai pas traiter votre demande avant mon retour.\n\nPour toute urgence : cabinet@mairie-rouen.fr\n\nIsabelle Laurent"},
		{"fr-absent-du-bureau", "Claire Moreau", "Absent(e) du bureau : " + invSubj, nil,
			"Je suis absente jusqu'au 25 septembre. Votre message sera traité à mon retour."},
		{"fr-absence-custom", "Direction des relations internationales", "Absence du bureau", []string{"Auto-Submitted: auto-replied"},
			"Madame, Monsieur,\nLe service est fermé du 15 au 22 septembre. Nous traiterons votre message dès notre retour.\nCordialement"},
		{"es-respuesta-stripped", "Lucía Fernández", "Respuesta automática: " + invSubj, nil,
			"Estaré fuera de la oficina hasta el 2 de octubre sin acceso al correo. No podré atender su mensaje hasta mi regreso.\nPara asuntos urgentes: gabinete@ayto-sevilla.es"},
		{"es-fuera-oficina", "Javier Martín", "Fuera de la oficina: " + invSubj, nil,
			"Me encuentro de vacaciones hasta el 25 de septiembre. Responderé a su correo a mi vuelta."},
		{"de-abwesenheitsnotiz", "Thomas Becker", "Abwesenheitsnotiz: " + invSubj, nil,
			"Sehr geehrte Damen und Herren,\n\nich bin bis einschließlich 29.09.2017 nicht im Hause. Ihre E-Mail wird nicht weitergeleitet.\n\nMit freundlichen Grüßen\nThomas Becker"},
		{"de-automatische-antwort-stripped", "Anna Schulz", "Automatische Antwort: " + invSubj, nil,
			"Vielen Dank für Ihre Nachricht. Ich bin derzeit nicht im Büro und ab dem 2. Oktober wieder erreichbar."},
		{"pt-resposta-automatica", "Ana Souza", "Resposta automática: " + invSubj, nil,
			"Estou fora do escritório até 2 de outubro, com acesso limitado ao e-mail."},
		{"it-fuori-sede", "Elena Rossi", "Risposta automatica: " + invSubj, nil,
			"Sono fuori sede fino al 2 ottobre. Per urgenze contattare la segreteria."},
		{"nl-afwezigheid", "Jan de Vries", "Afwezigheidsbericht: " + invSubj, nil,
			"Ik ben afwezig tot en met 2 oktober. Uw e-mail wordt niet doorgestuurd."},
		{"gmail-vacation-re-subject", "Amina Diallo", "Re: " + invSubj, []string{"Auto-Submitted: auto-replied"},
			"Thank you for your message. I am on leave until 6 October and will not be able to attend to it before then. For urgent matters please write to the Mayor's office."},
		{"gmail-vacation-custom-subject", "Kofi Mensah", "On leave", []string{"Auto-Submitted: auto-replied"},
			"Hello, I am travelling with limited access to email until 1 October. I will reply when I am back."},
		{"icloud-vacation-header", "Lena Berg", "Away until 2 October", []string{"X-Apple-Action: VACATION"},
			"I'm away until 2 October and will reply when I'm back."},
		{"zimbra-vacation", "Marc Lefèvre", "Absent", []string{"Auto-Submitted: auto-replied (zimbra; vacation)"},
			"Je suis absent jusqu'au 25 septembre."},
		{"lotus-notes-auto", "Hiroshi Tanaka", "AUTO: Hiroshi Tanaka is out of the office (returning 02/10/2017)", nil,
			"I am out of the office until 02/10/2017.\n\nI will respond to your message when I return.\n\n\nNote: This is an automated response to your message  \"" + invSubj + "\" sent on 15/09/2017 9:00:00.\n\nThis is the only notification you will receive while this person is away."},
		{"sieve-auto-prefix", "Olga Petrova", "Auto: " + invSubj, []string{"Auto-Submitted: auto-replied (vacation)", "Precedence: bulk"},
			"I am away until October. Your mail will be read when I return."},
		{"x-autoreply-yes", "Tom Becker", "Re: " + invSubj, []string{"X-Autoreply: yes"},
			"I am currently on holiday and will be back on 2 October."},
		{"x-autorespond-cpanel", "Priya Nair", "Auto Response", []string{"X-Autorespond: Invitation: Global Conference on Cities and Migrants", "Precedence: auto_reply"},
			"Thanks for your email. I am away from my desk and will respond as soon as possible."},
		{"yahoo-auto-response", "Grace Wanjiru", "Auto Response", nil,
			"I am on leave and will respond on my return on 2 October."},
		{"oof-reads-like-decline", "Margaret Byrne", "Automatic reply: " + invSubj, nil,
			"I am away and unable to attend to your message until Monday. I will not be able to respond before then. Thank you."},
		{"oof-fr-reads-like-decline", "Christine Morel", "Réponse automatique : " + invSubj, nil,
			"Je ne serai pas présente au bureau avant le 2 octobre et ne pourrai pas répondre à votre message avant cette date."},
		{"oof-es-reads-like-accept", "Carmen López", "Respuesta automática: " + invSubj, nil,
			"Gracias por su correo. Estaré encantada de atenderle a mi regreso el 2 de octubre; hasta entonces no tendré acceso al correo."},
		{"no-longer-monitored", "International Office", "Automatic reply: " + invSubj, nil,
			"This mailbox is no longer monitored. Please send your message to international@new-city-example.org."},
		{"left-the-organisation", "Paul Girard", "Réponse automatique : " + invSubj, nil,
			"Paul Girard ne fait plus partie des services de la Ville depuis le 1er septembre. Merci d'adresser vos messages à cabinet@mairie-rouen.fr."},
	}
	for _, c := range cases {
		n, to := contact()
		autoReply("blind-oof-"+c.key, autoMail(n, c.name+" <"+to+">", c.subject, c.hdr, utf8Text, c.body))
	}

	// Outlook HTML-only out-of-office, headers stripped by a relay.
	n, to := contact()
	autoReply("blind-oof-outlook-html-only", autoMail(n, "Nathalie Garnier <"+to+">", "Réponse automatique : "+invSubj, nil, "text/html; charset=utf-8",
		"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><div class=WordSection1><p class=MsoNormal>Bonjour,<o:p></o:p></p><p class=MsoNormal>Je suis absente du bureau jusqu'au lundi 2 octobre. Votre message ne sera pas transféré.<o:p></o:p></p><p class=MsoNormal>Cordialement,<br>Nathalie Garnier<o:p></o:p></p></div></body></html>"))

	// Helpdesks and acknowledgements: automatic, never to be answered.
	acks := []struct {
		key, from, subject string
		hdr                []string
		body               string
	}{
		{"zendesk-request-received", "City Support <support@city-example.zendesk.com>", "[City Support] Re: " + invSubj, []string{"X-Mailer: Zendesk Mailer", "Auto-Submitted: auto-generated"},
			"##- Please type your reply above this line -##\n\nYour request (48213) has been received and is being reviewed by our support staff.\n\nTo add additional comments, reply to this email."},
		{"freshdesk-ticket-received", "Mayor's Office Helpdesk <help@mayors-office.freshdesk.com>", "Ticket Received - " + invSubj, nil,
			"Dear Sender,\n\nWe would like to acknowledge that we have received your request and a ticket has been created.\nA support representative will be reviewing your request and will send you a personal response (usually within 24 hours).\n\nTo view the status of the ticket or add comments, please visit https://mayors-office.freshdesk.com/helpdesk/tickets/4321\n\nThank you for your patience.\n\nSincerely,\nMayor's Office Support Team"},
		{"otrs-ticket", "Service Relations Internationales <ri@otrs.ville-exemple.fr>", "[Ticket#2017091510000123] RE: " + invSubj, []string{"X-Loop: yes", "Precedence: bulk"},
			"Ceci est un message automatique.\n\nVotre demande a bien été enregistrée sous le numéro 2017091510000123. Nous vous répondrons dans les meilleurs délais."},
		{"jira-we-received", "Jira Service Desk <jira@city-example.atlassian.net>", "We received your request: " + invSubj, nil,
			"Hi,\n\nWe received your request. A member of our team will get back to you soon.\n\nView request · Turn off this request's notifications\n\nThis is shared with Global Conference on Cities and Migrants.\n\nPowered by Jira Service Desk"},
		{"servicenow-incident", "City ServiceDesk <servicedesk@city-example.service-now.com>", "Incident INC0012345 has been opened on your behalf", []string{"X-ServiceNow-Generated: true"},
			"Your incident INC0012345 has been opened on your behalf.\n\nShort description: " + invSubj + "\n\nYou can view the incident here. Thank you."},
		{"mairie-accuse-reception", "Mairie de Nantes <ne-pas-repondre@ville-nantes.fr>", "Accusé de réception de votre message", nil,
			"Madame, Monsieur,\n\nNous accusons réception de votre courriel, qui sera traité dans les meilleurs délais par le service concerné.\n\nCe message est généré automatiquement, merci de ne pas y répondre."},
		{"alcaldia-acuse-recibo", "Alcaldía de Sevilla <noreply@ayto-sevilla.es>", "Acuse de recibo: " + invSubj, nil,
			"Hemos recibido su correo electrónico. Le responderemos a la mayor brevedad posible.\n\nEste es un mensaje automático; por favor, no responda a este correo."},
		{"mayors-office-automated-thanks", "Office of the Mayor <mayor@city-example.org>", "Thank you for contacting the Office of the Mayor", nil,
			"Thank you for contacting the Office of the Mayor. This is an automated response to let you know that we have received your email. Due to the high volume of correspondence, please allow up to ten business days for a reply."},
		{"boxbe-guest-list", "Lena Berg via Boxbe <notification@boxbe.com>", "Re: " + invSubj + " (Action Required)", []string{"X-Boxbe-Fwd: yes"},
			"Hello UN-Habitat focal point,\n\nYou will not receive any more courtesy notices from our members for two days. Messages you have sent will remain in a lower priority mailbox for our member to review at their leisure.\n\nFuture messages will be more likely to be viewed if you are on our member's priority Guest List.\n\nClick here to request to join the Guest List."},
		{"mailinblack-validation", "Mailinblack <noreply@mailinblack.com>", "Validation de votre message pour " + "adjoint.maire@free.fr", nil,
			"Bonjour,\n\nVous avez envoyé un message à adjoint.maire@free.fr qui utilise la protection Mailinblack.\nPour que votre message soit délivré, merci de vous authentifier en cliquant sur le lien ci-dessous (une seule fois) :\nhttps://mailinblack.example/validate?id=abc123\n\nCe message est envoyé automatiquement."},
		{"spamarrest-verify", "Spam Arrest Sender Verification <verify@spamarrest.com>", "Sender Verification Request", nil,
			"Greetings,\n\nYou just sent an email to my Spam Arrest account. In order to confirm the sending and have your message delivered, please click the link below.\n\nThis is a one-time verification.\n"},
		{"auto-forward-notice", "Ville de Lyon <noreply@lyon.fr>", "Votre message a été transféré", []string{"Auto-Submitted: auto-generated"},
			"Votre message à relations.internationales@lyon.fr a été automatiquement transféré à la nouvelle adresse du service : international@lyon.fr."},
	}
	for _, a := range acks {
		n, _ := contact()
		autoReply("blind-ack-"+a.key, autoMail(n, a.from, a.subject, a.hdr, utf8Text, a.body))
	}
}

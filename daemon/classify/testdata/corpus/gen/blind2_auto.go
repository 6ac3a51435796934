package main

// blind2Robots: autoresponders that are not out-of-office notices:
// marketing-platform "thanks for contacting", government registries and
// ticketing systems, mailboxes no longer read, people who left, automatic
// forwarding, address changes, challenge-response systems and offices
// that acknowledge every message. Most carry no RFC 3834 field.
func blind2Robots() {
	cases := []struct {
		key, from, subject string
		hdr                []string
		ctype, body        string
	}{
		{"hubspot-thanks-contacting", "Office of the Mayor <mayor@city-example.org>", "Thank you for contacting the Office of the Mayor", []string{"X-HubSpot-Message-Type: auto-response"}, utf8Text,
			"Thank you for contacting the Office of the Mayor.\n\nThis is an automated response confirming that we have received your email. Due to the high volume of correspondence, we aim to respond within 10 working days. Please do not reply to this message.\n\nOffice of the Mayor\nCity Hall, 1 Main Street"},
		{"mailchimp-thanks-reaching-out", "City Events Team <events@city-example.org>", "Thanks for reaching out!", []string{"X-Mailer: MailChimp Mailer - **CID9b8f1e5a2c**", "Precedence: bulk"}, utf8Text,
			"Hi there,\n\nThanks for getting in touch! We've received your email and one of our team will get back to you within 48 hours.\n\nIn the meantime, you may find the answer to your question in our FAQ: https://city-example.org/faq\n\nThe Events Team"},
		{"uk-council-reference", "Customer Services <customer.services@borough-example.gov.uk>", "Your enquiry has been received - Reference 101004567893", nil, utf8Text,
			"Dear Customer,\n\nThank you for contacting Borough Council. Your enquiry reference number is 101004567893.\n\nWe aim to respond to all enquiries within 10 working days. Please quote your reference number in any further correspondence.\n\nThis mailbox does not accept replies."},
		{"fr-mairie-reference", "Ville de Nantes - Relations citoyens <contact@ville-nantes.fr>", "Accusé de réception de votre message – Réf. DRI-2017-4512", nil, utf8Text,
			"Madame, Monsieur,\n\nVotre message a bien été reçu par les services de la Ville. Il a été enregistré sous la référence DRI-2017-4512 et transmis au service compétent, qui vous répondra dans les meilleurs délais.\n\nCe courriel est envoyé automatiquement, merci de ne pas y répondre."},
		{"co-radicado", "Alcaldía Mayor - Ventanilla Única <radicacion@bogota-example.gov.co>", "Radicado de su comunicación No. 2017-ER-123456", nil, utf8Text,
			"Señor(a) ciudadano(a):\n\nLa Alcaldía Mayor le informa que su comunicación ha sido radicada con el número 2017-ER-123456 del 15/09/2017. Con este número podrá consultar el estado de su trámite.\n\nEste es un mensaje automático, por favor no responda a esta dirección."},
		{"es-registro-entrada", "Registro General <registro@ayto-malaga.es>", "Registro de entrada de su escrito", nil, utf8Text,
			"Le comunicamos que su escrito ha quedado registrado con número de registro de entrada 2017/045123, de fecha 15/09/2017.\n\nMensaje generado automáticamente. No responda a este correo."},
		{"de-vorgangsnummer", "Bürgerservice Stadt Köln <buergerservice@stadt-koeln.de>", "Eingangsbestätigung Ihrer Anfrage (Vorgangsnummer 2017-09-4711)", nil, utf8Text,
			"Sehr geehrte Damen und Herren,\n\nvielen Dank für Ihre Nachricht. Ihre Anfrage ist bei uns eingegangen und wird unter der Vorgangsnummer 2017-09-4711 bearbeitet.\n\nDiese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht darauf."},
		{"it-protocollo", "Protocollo Generale <protocollo@comune.bologna.it>", "Notifica di protocollazione - Prot. n. 0123456/2017", nil, utf8Text,
			"Si comunica che il messaggio da Lei inviato è stato protocollato con numero 0123456/2017 in data 15/09/2017.\n\nQuesto messaggio è generato automaticamente dal sistema di protocollo informatico. Si prega di non rispondere."},
		{"pt-rececao-pedido", "Câmara Municipal de Lisboa <atendimento@cm-lisboa.pt>", "Confirmação de receção - Pedido n.º 2017/12345", nil, utf8Text,
			"Exmo.(a) Senhor(a),\n\nConfirmamos a receção do seu pedido, registado com o n.º 2017/12345. O mesmo será encaminhado para os serviços competentes.\n\nEsta é uma mensagem automática. Por favor não responda."},
		{"freshservice-hash-ticket", "IT Service Desk <servicedesk@ministry-example.gov>", "We've received your request [##45123##]", []string{"X-Freshservice-Ticket: 45123"}, utf8Text,
			"Hello,\n\nWe've received your request and a member of our team will get back to you shortly. Your ticket ID is ##45123##.\n\nYou can check the status of your request at https://servicedesk.ministry-example.gov/support/tickets/45123\n\nService Desk"},
		{"dynamics-cas-ministry", "Ministry of Foreign Affairs - Public Enquiries <enquiries@mfa-example.gov>", "CAS-04512-K8L2M9 Your enquiry to the Ministry", nil, utf8Text,
			"Dear Sir/Madam,\n\nThank you for your email to the Ministry of Foreign Affairs. Your enquiry reference is CAS-04512-K8L2M9. We will reply within 20 working days.\n\nPlease do not reply to this email: replies to this address are not monitored."},
		{"no-longer-monitored-en", "International Office <intl.office@cape-example.za>", "Re: " + invSubj, nil, utf8Text,
			"This mailbox is no longer monitored. Please resend your email to international.relations@cape-example.za.\n\nThank you."},
		{"no-longer-monitored-fr", "Relations internationales <ri@ville-exemple.fr>", "RE : " + invSubj, nil, utf8Text,
			"Cette boîte aux lettres n'est plus consultée. Merci d'adresser désormais vos messages à relations.internationales@ville-exemple.fr."},
		{"no-longer-monitored-es", "Relaciones Internacionales <rrii@lima-example.gob.pe>", "RE: " + invSubj, nil, utf8Text,
			"Esta casilla de correo ya no es atendida. Por favor, envíe su mensaje a cooperacion@lima-example.gob.pe."},
		{"no-longer-monitored-de", "Büro Oberbürgermeister <ob-buero@nuernberg.de>", "AW: " + invSubj, []string{"Auto-Submitted: auto-replied"}, utf8Text,
			"Dieses Postfach wird nicht mehr betreut. Bitte richten Sie Ihre Nachricht künftig an oberbuergermeister@nuernberg.de."},
		{"left-org-en", "Samuel Adeyemi <s.adeyemi@lagos-example.gov.ng>", "Re: " + invSubj, nil, utf8Text,
			"Please note that I have left the Lagos State Government with effect from 1 September 2017.\n\nFor matters relating to international affairs, please contact Mrs. Funmi Bello at f.bello@lagos-example.gov.ng.\n\nThis mailbox will be closed on 31 October."},
		{"left-org-fr", "Julien Mercier <j.mercier@mairie-rouen.fr>", "Réponse automatique : " + invSubj, nil, utf8Text,
			"Bonjour,\n\nJ'ai quitté mes fonctions à la Mairie de Rouen le 31 août 2017. Pour toute question relative aux relations internationales, merci de contacter Mme Anne Lefort : a.lefort@mairie-rouen.fr.\n\nCordialement"},
		{"left-org-es", "Diego Navarro <d.navarro@ayto-malaga.es>", "RE: " + invSubj, nil, utf8Text,
			"Buenos días:\n\nYa no trabajo en el Ayuntamiento de Málaga. Por favor, diríjase a la Oficina de Relaciones Internacionales: internacional@ayto-malaga.es.\n\nUn saludo."},
		{"left-org-it", "Marco Bianchi <m.bianchi@comune.torino.it>", "R: " + invSubj, nil, utf8Text,
			"Gentile mittente,\n\nnon lavoro più presso il Comune di Torino. Per le relazioni internazionali La prego di scrivere a relazioni.internazionali@comune.torino.it.\n\nGrazie."},
		{"left-org-pt", "Inês Carvalho <i.carvalho@cm-porto.pt>", "RE: " + invSubj, nil, utf8Text,
			"Informo que já não faço parte da Câmara Municipal do Porto. Para assuntos de relações internacionais, contacte gabinete.presidente@cm-porto.pt.\n\nObrigada."},
		{"forwarded-notice-en", "Mayor's Office <mayor.office@city-example.org>", "Your message has been forwarded", []string{"Auto-Submitted: auto-generated"}, utf8Text,
			"Your email has been automatically forwarded to the International Relations Office (intl@city-example.org), which handles invitations on behalf of the Mayor.\n\nThis is an automated notification."},
		{"forwarded-notice-fr", "Cabinet du Maire <cabinet@mairie-exemple.fr>", "Transfert automatique de votre message", nil, utf8Text,
			"Votre message a été automatiquement transféré au service du Protocole (protocole@mairie-exemple.fr).\n\nCeci est une notification automatique, merci de ne pas y répondre."},
		{"forwarded-notice-es", "Alcaldía <alcaldia@municipio-ejemplo.gob.mx>", "Su correo ha sido reenviado", nil, utf8Text,
			"Su correo ha sido reenviado automáticamente a la Coordinación de Asuntos Internacionales (internacional@municipio-ejemplo.gob.mx).\n\nNotificación automática. Favor de no responder."},
		{"address-changed-en", "Peter Hall <p.hall@council-example.gov.uk>", "Change of email address", nil, utf8Text,
			"My email address has changed. Please update your address book with my new address: peter.hall@newcouncil-example.gov.uk\n\nYour message has not been forwarded. This is an automated message."},
		{"address-changed-fr", "Service Europe <europe@ville-exemple.fr>", "Changement d'adresse électronique", nil, utf8Text,
			"Notre adresse électronique change. Merci de bien vouloir utiliser dorénavant : europe-international@ville-exemple.fr\n\nMessage automatique – votre courriel n'a pas été transmis."},
		{"challenge-verification", "Hassan Karimi <h.karimi@city-example.ir>", "Please verify your email to reach Hassan Karimi", nil, utf8Text,
			"Hello,\n\nI am protecting myself from spam. Please click the link below to complete the verification process. You only have to do this once.\n\nhttps://verify.antispam-example.com/v?id=9f8e7d6c\n\nIf you do not verify within 7 days, your message will be deleted."},
		{"challenge-de", "Spamschutz <bestaetigung@antispam-example.de>", "Bestätigung erforderlich: " + invSubj, nil, utf8Text,
			"Guten Tag,\n\nIhre E-Mail an buergermeister@stadt-exemple.de wurde vorläufig zurückgehalten. Um sicherzustellen, dass Sie kein Spam-Versender sind, bestätigen Sie bitte einmalig Ihre Absenderadresse über folgenden Link:\n\nhttps://antispam-example.de/bestaetigen?c=a1b2c3\n\nNach der Bestätigung wird Ihre Nachricht zugestellt."},
		{"mayor-office-ack-fr", "Cabinet du Maire <cabinet.maire@ville-exemple.fr>", "RE : " + invSubj, nil, utf8Text,
			"Madame, Monsieur,\n\nLe Cabinet du Maire accuse réception de votre courriel. Votre demande sera étudiée et fera l'objet d'une réponse dans les meilleurs délais.\n\nLe Cabinet du Maire"},
		{"mayor-office-ack-es", "Secretaría Particular <secretaria.particular@municipio-ejemplo.gob.mx>", "RE: " + invSubj, nil, utf8Text,
			"La Secretaría Particular de la Presidencia Municipal acusa recibo de su correo electrónico. Su solicitud será turnada al área correspondiente.\n\nAtentamente,\nSecretaría Particular"},
	}
	for _, c := range cases {
		n, _ := contact()
		autoReply("b2-"+c.key, autoMail(n, c.from, c.subject, c.hdr, c.ctype, c.body))
	}
}

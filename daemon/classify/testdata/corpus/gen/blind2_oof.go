package main

import (
	"html"
	"strings"
)

// oofHTML is an Outlook HTML body of the text s.
func oofHTML(s string) string {
	var b strings.Builder
	b.WriteString("<html dir=\"auto\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><div class=WordSection1>")
	for _, l := range strings.Split(s, "\n") {
		b.WriteString("<p class=MsoNormal>" + html.EscapeString(l) + "</p>")
	}
	return b.String() + "</div></body></html>"
}

// blind2OOF: Outlook and Exchange out-of-office notices in many
// languages, most with every automatic header dropped by a relay (only
// the subject prefix and the text are left), and the other mail systems'
// vacation responders.
func blind2OOF() {
	type oofCase struct {
		key, name, subject string
		hdr                []string
		html               bool
		body               string
	}
	exch := func(addr string) []string {
		return []string{"Thread-Topic: " + invSubj, "X-MS-Has-Attach:", "Auto-Submitted: auto-generated", "X-Auto-Response-Suppress: All", "X-MS-Exchange-Inbox-Rules-Loop: " + addr}
	}
	bare := []string{"Thread-Topic: " + invSubj, "X-MS-Has-Attach:"}
	cases := []oofCase{
		{"oof-de-exchange", "Katrin Vogel", "Automatische Antwort: " + invSubj, nil, false,
			"Vielen Dank für Ihre Nachricht.\n\nIch bin vom 14.09. bis einschließlich 29.09.2017 nicht im Büro und habe keinen Zugriff auf meine E-Mails. In dringenden Fällen wenden Sie sich bitte an Frau Meier (meier@stadt-leipzig.de).\n\nMit freundlichen Grüßen\nKatrin Vogel"},
		{"oof-it-stripped", "Giulia Ferri", "Risposta automatica: " + invSubj, bare, false,
			"Gentile mittente,\n\ngrazie per il messaggio. Sarò assente dall'ufficio fino al 2 ottobre con accesso limitato alla posta elettronica. Per questioni urgenti si prega di contattare la segreteria del Sindaco.\n\nCordiali saluti"},
		{"oof-pt-pt-stripped", "Rui Almeida", "Resposta automática: " + invSubj, bare, false,
			"Encontro-me ausente do serviço até dia 2 de outubro, inclusive. Durante este período o acesso ao correio eletrónico será limitado.\nEm caso de urgência, contacte o Gabinete da Presidência."},
		{"oof-pt-br-exchange", "Fernanda Lima", "Resposta automática: " + invSubj, nil, false,
			"Olá! Estarei em férias de 15/09 a 30/09, sem acesso aos e-mails. Retornarei sua mensagem assim que voltar."},
		{"oof-nl-stripped", "Pieter Bakker", "Automatisch antwoord: " + invSubj, bare, false,
			"Dank voor uw bericht. Ik ben tot en met vrijdag 29 september niet op kantoor. Voor dringende zaken kunt u contact opnemen met het secretariaat van de burgemeester."},
		{"oof-pl-stripped", "Agnieszka Kowalska", "Odpowiedź automatyczna: " + invSubj, bare, false,
			"Dzień dobry,\n\ndziękuję za wiadomość. Jestem na urlopie do 2 października. W pilnych sprawach proszę o kontakt z Biurem Prezydenta Miasta.\n\nPozdrawiam"},
		{"oof-pl-exchange", "Tomasz Nowak", "Automatyczna odpowiedź: " + invSubj, nil, false,
			"Do 29 września przebywam poza biurem. Odpowiem na wiadomość po powrocie."},
		{"oof-sv-stripped", "Karin Lindqvist", "Automatiskt svar: " + invSubj, bare, false,
			"Tack för ditt meddelande. Jag är på semester till och med den 2 oktober och har begränsad tillgång till e-post. Vid brådskande ärenden, kontakta kommunens växel."},
		{"oof-ar-stripped-html", "Omar Haddad", "رد تلقائي: " + invSubj, bare, true,
			"شكراً لرسالتكم.\nأنا خارج المكتب حالياً حتى ٢ أكتوبر، وسأرد على رسالتكم فور عودتي.\nللأمور العاجلة يرجى التواصل مع مكتب العمدة."},
		{"oof-zh-stripped-html", "王芳", "自动回复: " + invSubj, bare, true,
			"您好，\n我目前不在办公室，将于10月2日返回。期间查看邮件可能不及时。\n如有急事，请联系市政府外事办公室。\n谢谢！"},
		{"oof-zh-tw-exchange", "陳志明", "自動回覆: " + invSubj, nil, false,
			"您好，本人休假中，將於10月2日返回辦公室，屆時將儘速回覆您的來信。"},
		{"oof-ja-stripped-html", "佐藤 花子", "自動応答: " + invSubj, bare, true,
			"お世話になっております。\n誠に恐れ入りますが、10月2日まで不在にしております。\n戻り次第、ご連絡いたします。"},
		{"oof-ru-stripped", "Ирина Соколова", "Автоматический ответ: " + invSubj, bare, false,
			"Здравствуйте!\n\nБлагодарю за письмо. Я нахожусь в отпуске до 2 октября и не имею доступа к почте. По срочным вопросам обращайтесь в приёмную мэра.\n\nС уважением,\nИрина Соколова"},
		{"oof-tr-stripped", "Ayşe Demir", "Otomatik yanıt: " + invSubj, bare, false,
			"Mesajınız için teşekkür ederim. 2 Ekim tarihine kadar ofis dışındayım. Acil durumlarda lütfen Dış İlişkiler Müdürlüğü ile iletişime geçiniz."},
		{"oof-cs-stripped", "Jana Novotná", "Automatická odpověď: " + invSubj, bare, false,
			"Dobrý den, děkuji za Vaši zprávu. Do 2. října jsem mimo kancelář. V naléhavých případech kontaktujte sekretariát primátora."},
		{"oof-da-stripped", "Mette Jensen", "Automatisk svar: " + invSubj, bare, false,
			"Tak for din mail. Jeg er på ferie indtil den 2. oktober og læser ikke mails i perioden."},
		{"oof-fi-stripped", "Sanna Virtanen", "Automaattinen vastaus: " + invSubj, bare, false,
			"Kiitos viestistäsi. Olen lomalla 2.10. asti enkä lue sähköpostia. Kiireellisissä asioissa ota yhteyttä kaupungin kirjaamoon."},
		{"oof-ko-stripped", "김민지", "자동 회신: " + invSubj, bare, false,
			"안녕하세요. 10월 2일까지 휴가로 부재 중입니다. 급한 용무는 국제협력과로 연락 주시기 바랍니다."},
		{"oof-el-stripped", "Μαρία Παπαδοπούλου", "Αυτόματη απάντηση: " + invSubj, bare, false,
			"Σας ευχαριστώ για το μήνυμά σας. Θα απουσιάζω από το γραφείο έως τις 2 Οκτωβρίου."},
		{"oof-he-stripped", "נועה לוי", "תשובה אוטומטית: " + invSubj, bare, false,
			"תודה על פנייתך. אני מחוץ למשרד עד ה-2 באוקטובר ואחזור אלייך עם שובי."},
		{"oof-hu-stripped", "Kovács Eszter", "Automatikus válasz: " + invSubj, bare, false,
			"Köszönöm levelét. Október 2-ig szabadságon vagyok, ezalatt leveleimet nem olvasom."},
		{"oof-ro-stripped", "Andreea Popa", "Răspuns automat: " + invSubj, bare, false,
			"Vă mulțumesc pentru mesaj. Sunt în concediu până pe 2 octombrie și voi răspunde la întoarcere."},
	}
	for _, c := range cases {
		n, to := contact()
		hdr := c.hdr
		if hdr == nil {
			hdr = exch(to)
		}
		ct, body := utf8Text, c.body
		if c.html {
			ct, body = "text/html; charset=utf-8", oofHTML(c.body)
		}
		autoReply("b2-"+c.key, autoMail(n, c.name+" <"+to+">", c.subject, hdr, ct, body))
	}

	// The Russian one again, base64 as Exchange often sends it, headers kept.
	n, to := contact()
	autoReply("b2-oof-ru-base64", autoMail(n, "Дмитрий Орлов <"+to+">", "Автоматический ответ: "+invSubj, exch(to), "text/plain; charset=utf-8\nContent-Transfer-Encoding: base64",
		b64("Добрый день! Я в командировке до 29 сентября. Ваше письмо будет прочитано после моего возвращения.")))

	others := []struct {
		key, name, subject string
		hdr                []string
		body               string
	}{
		{"gmail-vacation-fr", "Sophie Girard", "Re: " + invSubj, []string{"Auto-Submitted: auto-replied"},
			"Bonjour,\n\nJe suis actuellement en déplacement et n'aurai qu'un accès limité à mes e-mails jusqu'au 2 octobre. Je vous répondrai dès mon retour.\n\nSophie"},
		{"gmail-vacation-es-custom", "Carmen Ruiz", "De vacaciones hasta el 2 de octubre", []string{"Auto-Submitted: auto-replied"},
			"Hola, estoy de vacaciones hasta el 2 de octubre. Contestaré tu correo a mi regreso. Gracias."},
		{"yahoo-vacation", "Grace Otieno", "Re: " + invSubj, []string{"X-YMail-OSG: aRtq8bAVM1kBfWk", "Auto-Submitted: auto-replied"},
			"Hello, I am away on official travel until 2 October with limited access to email. I will respond on my return."},
		{"zoho-auto-reply", "Rahul Mehta", "Auto Reply: " + invSubj, []string{"Auto-Submitted: auto-replied", "X-ZohoMail-Sender: " + "Rahul Mehta"},
			"Thank you for your email. I'm currently out of office and will get back to you by 2 October."},
		{"sieve-vacation-fr", "Hélène Dupuis", "Absence", []string{"Auto-Submitted: auto-replied (vacation)", "Precedence: bulk"},
			"Je suis en congés jusqu'au 2 octobre. Votre message sera lu à mon retour."},
		{"sieve-vacation-es-re", "Pablo Herrera", "Re: " + invSubj, []string{"Auto-Submitted: auto-replied (vacation)"},
			"Estoy fuera hasta el 2 de octubre. Leeré su mensaje a mi regreso."},
		{"thunderbird-template-reply", "Marek Wiśniewski", "Re: " + invSubj, []string{"User-Agent: Mozilla/5.0 (Windows NT 10.0; WOW64; rv:52.0) Gecko/20100101 Thunderbird/52.3.0"},
			"I am away on mission until 2 October with no access to e-mail. Your message will be dealt with on my return.\n\nThis is an automatic reply."},
		{"exchange-rule-reads-like-decline-es", "Marta Gil", "RE: " + invSubj, []string{"Auto-Submitted: auto-replied"},
			"Estoy de vacaciones y no podré atender su correo hasta el 2 de octubre. Gracias por su comprensión."},
		{"oof-fr-reads-like-decline", "Nathalie Roux", "Réponse automatique : " + invSubj, bare,
			"Bonjour,\nJe suis absente et ne pourrai pas donner suite à votre message avant le lundi 2 octobre.\nMerci de votre compréhension."},
	}
	for _, c := range others {
		n, to := contact()
		autoReply("b2-"+c.key, autoMail(n, c.name+" <"+to+">", c.subject, c.hdr, utf8Text, c.body))
	}
}

package main

// The second blind set (testdata/blind2, see docs/ACCURACY.md) was written
// by another author, again without reading the rules nor the corpora, to
// measure whether the fixes made after the first blind set generalise. It
// leans on what the first set found weakest: auto-replies in many
// languages and from many systems, reports, and failure notices from
// MTAs that are less often seen.

// daemonMail is a failure notice from robot at host with a plain body.
func daemonMail(from, subject, host string, extra []string, ctype, body string) string {
	return mail(fromDaemon(from, us, subject, host, ctype, extra...), body)
}

// origPart is the returned original as a message/rfc822 part.
func origPart(n int, to string) string { return rfc822(n, to) }

func blind2Bounces() {
	blind2SmallMTAs()
	blind2Providers()
	blind2Asia()
}

// blind2SmallMTAs: commercial mail servers that small town halls run.
func blind2SmallMTAs() {
	n, to := contact()
	bounce("b2-mdaemon-permanent", "permanent", daemonMail("MDaemon@mail.comune-exemple.it", "Permanent Delivery Failure", "mail.comune-exemple.it", nil, "multipart/mixed; boundary=\"md1\"",
		"--md1\nContent-Type: text/plain; charset=us-ascii\n\nThe attached message had PERMANENT fatal delivery errors!\n\nAfter one or more unsuccessful delivery attempts the attached message has\nbeen removed from the mail queue on this server.  The number and frequency\nof delivery attempts are determined by local configuration parameters.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE TO ANY OTHER RECIPIENTS.\n\n--- Session Transcript ---\n Fri 2017-09-15 09:04:12.311: Parsing message <mail.comune-exemple.it\\pd50000012345.msg>\n Fri 2017-09-15 09:04:12.312: *  From: "+us+"\n Fri 2017-09-15 09:04:12.312: *  To: "+to+"\n Fri 2017-09-15 09:04:12.315: Attempting SMTP connection to [10.1.2.3:25]\n Fri 2017-09-15 09:04:12.412: --> RCPT To:<"+to+">\n Fri 2017-09-15 09:04:12.420: <-- 550 5.1.1 <"+to+">... User unknown\n--- End Transcript ---\n\n--md1\n"+origPart(n, to)+"\n--md1--\n"))
	n, to = contact()
	bounce("b2-mdaemon-transient", "delay", daemonMail("MDaemon@mail.stadt-exemple.de", "Warning: message delivery delayed", "mail.stadt-exemple.de", nil, "multipart/mixed; boundary=\"md2\"",
		"--md2\nContent-Type: text/plain; charset=us-ascii\n\nThe attached message has had transient (non-fatal) delivery errors.\n\nThis is only a warning. MDaemon will continue to try to deliver the message\nto "+to+" for another 4 days.\n\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n--- Session Transcript ---\n Fri 2017-09-15 13:04:12.311: Attempting SMTP connection to [mx.stadt-exemple.de:25]\n Fri 2017-09-15 13:04:42.311: Connection timed out\n--- End Transcript ---\n\n--md2\n"+origPart(n, to)+"\n--md2--\n"))
	n, to = contact()
	bounce("b2-kerio-undeliverable", "permanent", mail(fromDaemon("Mail Delivery System <postmaster@mail.ayto-exemple.es>", us, "Undelivered mail: "+invSubj, "mail.ayto-exemple.es", rpt("kerio")),
		multipartReport("kerio",
			textPart("Your message did not reach some or all of the intended recipients.\n\n   Subject: "+invSubj+"\n   Sent:    15/09/2017 09:00\n\nThe following recipient(s) could not be reached:\n\n   "+to+"\n      Error Type: SMTP\n      Remote server replied: 550 5.1.1 <"+to+">: Recipient address rejected: User unknown in local recipient table\n\n-- \nKerio Connect 9.2.4 at mail.ayto-exemple.es\n"),
			statusPart("Reporting-MTA: dns; mail.ayto-exemple.es\n\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.ayto-exemple.es\nDiagnostic-Code: smtp; 550 5.1.1 <"+to+">: Recipient address rejected: User unknown in local recipient table\n"),
			headersOf(n, to))))
	n, to = contact()
	bounce("b2-icewarp-text", "permanent", daemonMail("postmaster@icewarp.prefeitura-exemplo.br", "Undeliverable Message", "icewarp.prefeitura-exemplo.br", nil, "multipart/mixed; boundary=\"iw\"",
		"--iw\nContent-Type: text/plain; charset=utf-8\n\nMessage from: mail.un.org\n\nDelivery to the following recipients failed permanently:\n\n   "+to+"\n\nTechnical details of permanent failure:\nIceWarp Server could not deliver the message. The remote server said:\n550 5.1.1 User unknown; rejecting\n\n--iw\n"+origPart(n, to)+"\n--iw--\n"))
	n, to = contact()
	bounce("b2-icewarp-quota-delay", "delay", daemonMail("postmaster@icewarp.gemeente-exemple.nl", "Delivery Delayed: "+invSubj, "icewarp.gemeente-exemple.nl", nil, "text/plain; charset=utf-8",
		"This is an automatically generated Delivery Status Notification.\n\nTHIS IS A WARNING MESSAGE ONLY.\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\nDelivery to the following recipients has been delayed:\n\n   "+to+"\n\nReason: 452 4.2.2 Mailbox over quota\n\nThe server will keep trying for 3 more days.\n"))
	n, to = contact()
	bounce("b2-axigen-failure", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@axigen.municipio-exemple.pt>", us, "Delivery failure notification", "axigen.municipio-exemple.pt", rpt("ax")),
		multipartReport("ax",
			textPart("This is the mail delivery agent at axigen.municipio-exemple.pt.\n\nI was unable to deliver your message to the following addresses:\n\n<"+to+">: host mx.municipio-exemple.pt[192.0.2.15] said:\n   550 5.1.1 Mailbox does not exist (in reply to RCPT TO command)\n\nThe original message headers are attached.\n"),
			statusPart(dsnOf("axigen.municipio-exemple.pt", to, "failed", "5.1.1", "550 5.1.1 Mailbox does not exist")),
			headersOf(n, to))))
	n, to = contact()
	bounce("b2-godaddy-secureserver", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@p3plibsmtp01-05.prod.phx3.secureserver.net>", "Mail delivery failed: returning message to sender", "p3plibsmtp01-05.prod.phx3.secureserver.net", []string{"X-Failed-Recipients: " + to}, "text/plain; charset=us-ascii",
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  "+to+"\n    host mx.city-exemple.org [192.0.2.77]\n    SMTP error from remote mail server after RCPT TO:<"+to+">:\n    550 5.1.1 <"+to+"> recipient rejected\n\n------ This is a copy of the message, including all the headers. ------\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-smartermail-policy", "policy", daemonMail("postmaster@mail.city-exemple.ca", "Undeliverable Mail", "mail.city-exemple.ca", nil, "text/plain; charset=utf-8",
		"Delivery has failed to these recipients or groups:\n\n"+to+"\nThe message was rejected by the recipient's server because it was identified as spam.\n\nDiagnostic information:\nRemote server returned: 554 5.7.1 Message rejected due to content restrictions (spam score 9.2)\n\nOriginal message headers:\n\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-zimbra-fr-nondelivre", "permanent", daemonMail("Système de distribution du courrier <MAILER-DAEMON@zimbra.mairie-exemple.fr>", "Message non délivré", "zimbra.mairie-exemple.fr", nil, "text/plain; charset=utf-8",
		"Ceci est le système de distribution du courrier de zimbra.mairie-exemple.fr.\n\nVotre message n'a pas pu être distribué à un ou plusieurs destinataires.\nIl est joint ci-dessous.\n\n<"+to+"> : l'hôte mx.mairie-exemple.fr a répondu :\n    550 5.1.1 Utilisateur inconnu\n\n--- Message d'origine ---\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-exim-mailbox-full-452", "temporary", daemonMail("Mail Delivery System <Mailer-Daemon@hosting.alcaldia-exemplo.gob.mx>", "Mail delivery failed: returning message to sender", "hosting.alcaldia-exemplo.gob.mx", []string{"X-Failed-Recipients: " + to}, "text/plain; charset=us-ascii",
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  "+to+"\n    retry timeout exceeded\n    452 4.2.2 The email account that you tried to reach is over quota\n\n------ This is a copy of the message's headers. ------\n\n"+invHeaders(n, to)+"\n"))
}

// blind2Providers: consumer mail services of Europe and Latin America.
func blind2Providers() {
	n, to := contact()
	bounce("b2-outlookcom-es", "permanent", mail(fromDaemon("Microsoft Outlook <postmaster@outlook.com>", us, "No se puede entregar: "+invSubj, "DB5EUR03HT123.mail.protection.outlook.com", "multipart/report; report-type=delivery-status; boundary=\"olk-es\""),
		multipartReport("olk-es",
			htmlPart("<html><body><p><b><font color=\"#000066\">Error en la entrega a estos destinatarios o grupos:</font></b></p><p><a href=\"mailto:"+to+"\">"+to+"</a><br>No se encontró la dirección de correo electrónico que escribió. Compruebe la dirección de correo electrónico del destinatario e intente enviar el mensaje de nuevo. Si el problema continúa, póngase en contacto con el departamento de soporte técnico.</p><p><b>Información de diagnóstico para administradores:</b></p><p>Servidor de generación: DB5EUR03HT123.eurprd03.prod.outlook.com<br>"+to+"<br>Servidor remoto devolvió '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)'</p></body></html>"),
			statusPart(dsnOf("DB5EUR03HT123.eurprd03.prod.outlook.com", to, "failed", "5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable")),
			origPart(n, to))))
	n, to = contact()
	bounce("b2-outlookcom-fr", "permanent", mail(fromDaemon("Microsoft Outlook <postmaster@outlook.com>", us, "Non distribuable : "+invSubj, "AM5EUR02HT001.mail.protection.outlook.com", "multipart/report; report-type=delivery-status; boundary=\"olk-fr\""),
		multipartReport("olk-fr",
			htmlPart("<html><body><p><b>Échec de la remise à ces destinataires ou groupes :</b></p><p><a href=\"mailto:"+to+"\">"+to+"</a><br>Impossible de trouver l'adresse de messagerie que vous avez entrée. Vérifiez l'adresse de messagerie du destinataire et renvoyez le message.</p><p><b>Informations de diagnostic pour les administrateurs :</b></p><p>Serveur de génération : AM5EUR02HT001.eurprd02.prod.outlook.com<br>Le serveur distant a retourné '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'</p></body></html>"),
			statusPart(dsnOf("AM5EUR02HT001.eurprd02.prod.outlook.com", to, "failed", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup")),
			origPart(n, to))))
	n, to = contact()
	bounce("b2-tonline-de", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@mailout.t-online.de>", "Unzustellbar: "+invSubj, "mailout.t-online.de", nil, "text/plain; charset=iso-8859-1",
		"Leider konnte Ihre Nachricht nicht an alle Empfänger zugestellt werden.\nUnfortunately your message could not be delivered to all recipients.\n\nDie Nachricht konnte nicht zugestellt werden an / could not be delivered to:\n  <"+to+">\n  Grund / Reason: 550 5.1.1 Empfänger unbekannt / recipient unknown\n\n-- Kopfzeilen der Originalnachricht / headers of the original message --\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-libero-it", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@smtp-out.libero.it>", "Messaggio non recapitato", "smtp-out.libero.it", nil, "text/plain; charset=utf-8",
		"Questo è un messaggio generato automaticamente dal sistema di posta di Libero.\n\nIl messaggio che hai inviato non è stato recapitato ai seguenti destinatari:\n\n"+to+"\nMotivo: 550 5.1.1 casella di posta inesistente\n\nMessaggio originale:\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-libero-it-delay", "delay", daemonMail("Mail Delivery System <MAILER-DAEMON@smtp-out.libero.it>", "Avviso: messaggio non ancora recapitato", "smtp-out.libero.it", nil, "text/plain; charset=utf-8",
		"Questo è un messaggio generato automaticamente.\n\nIl messaggio inviato a "+to+" non è stato ancora recapitato.\nIl sistema continuerà a tentare la consegna per altri 4 giorni.\nNON è necessario inviare di nuovo il messaggio.\n\nMotivo: 421 4.4.2 connessione scaduta\n"))
	n, to = contact()
	bounce("b2-seznam-cz", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@email.seznam.cz>", "Nedoručitelná zpráva", "email.seznam.cz", nil, "multipart/mixed; boundary=\"sz\"",
		"--sz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nDobrý den,\n\nVaši zprávu se nepodařilo doručit následujícím příjemcům:\n\n"+to+"\n  Důvod: 550 5.1.1 schránka neexistuje (mailbox does not exist)\n\nToto je automaticky generovaná zpráva, neodpovídejte na ni.\n\n--sz\n"+origPart(n, to)+"\n--sz--\n"))
	n, to = contact()
	bounce("b2-mailru-ru", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@smtp48.i.mail.ru>", "Сообщение не доставлено", "smtp48.i.mail.ru", []string{"X-Failed-Recipients: " + to}, "text/plain; charset=utf-8",
		"Это письмо создано автоматически сервером Mail.Ru.\nОтвечать на него не нужно.\n\nК сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:\n\n"+to+"\n\nРекомендуем Вам проверить корректность указания адресов получателей.\n\nSMTP error from remote mail server after RCPT TO:<"+to+">:\n550 5.1.1 Message was not accepted -- invalid mailbox.\n\n--- Заголовки исходного письма ---\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-yandex-ru", "permanent", daemonMail("mailer-daemon@yandex.ru", "Недоставленное сообщение", "forward100j.mail.yandex.net", nil, "multipart/mixed; boundary=\"ya\"",
		"--ya\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nЭто письмо отправлено почтовым роботом Яндекс.Почты.\n\nВаше сообщение не было доставлено по адресу:\n"+to+"\n\nПричина: 550 5.7.1 No such user!\n\nПроверьте, пожалуйста, правильность адреса.\n\n--ya\n"+origPart(n, to)+"\n--ya--\n"))
	n, to = contact()
	bounce("b2-onet-pl", "permanent", daemonMail("Mail Delivery System <MAILER-DAEMON@smtp.poczta.onet.pl>", "Wiadomość niedostarczona", "smtp.poczta.onet.pl", nil, "text/plain; charset=utf-8",
		"To jest automatyczna wiadomość systemu pocztowego.\n\nNie można było dostarczyć Twojej wiadomości do następujących odbiorców:\n\n<"+to+">: 550 5.1.1 Nie ma takiego użytkownika (user unknown)\n\nNagłówki oryginalnej wiadomości:\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-gmx-spam-policy", "policy", daemonMail("Mail Delivery System <mailer-daemon@gmx.net>", "Mail delivery failed: returning message to sender", "mout.gmx.net", nil, "text/plain; charset=us-ascii",
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. This is a permanent error. The following address\nfailed:\n\n"+to+":\nSMTP error from remote server for TEXT command, host: mx00.emig.gmx.net (212.227.15.9) reason: 554-Transaction failed\n554-Reject due to policy restrictions.\n554 For explanation visit https://postmaster.gmx.net/en/error-messages?ip=157.150.185.10&c=sp\n\n--- The header of the original message is following. ---\n\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-orange-fr-quota", "permanent", daemonMail("Mail Delivery Subsystem <MAILER-DAEMON@orange.fr>", "Echec de distribution du message", "smtp.orange.fr", nil, "text/plain; charset=utf-8",
		"Votre message n'a pas pu être remis à son destinataire.\n\nDestinataire : "+to+"\nMotif : 552 5.2.2 La boîte aux lettres du destinataire est pleine\n\nIl s'agit d'une erreur permanente. Votre message vous est retourné ci-dessous.\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-terra-br-pt", "permanent", daemonMail("MAILER-DAEMON@terra.com.br", "Mensagem não entregue", "mx.terra.com.br", nil, "text/plain; charset=utf-8",
		"Olá. Este é o programa de entrega de mensagens do servidor terra.com.br.\n\nNão foi possível entregar a sua mensagem para os seguintes endereços.\nEste é um erro permanente; não haverá novas tentativas.\n\n<"+to+">:\n550 5.1.1 usuário inexistente\n\n--- Segue abaixo uma cópia da mensagem original.\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-o365-no-recipient-named", "none", daemonMail("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org>", "Undeliverable: "+invSubj, "VI1PR0601MB2512.eurprd06.prod.outlook.com", []string{"Auto-Submitted: auto-replied", "X-MS-Exchange-Message-Is-Ndr:"}, "text/plain; charset=utf-8",
		"Your message couldn't be delivered because the recipient's email provider rejected it.\n\nThe message was too large for the recipient's mailbox. Try sending a smaller message, or remove attachments.\n\nRemote Server returned '552 5.3.4 Message size exceeds fixed maximum message size'\n"))
}

// blind2Asia: providers of China, Korea and India, and a Chinese Exchange.
func blind2Asia() {
	n, to := contact()
	bounce("b2-qq-tuixin", "permanent", daemonMail("PostMaster <PostMaster@qq.com>", "退信", "smtpbg.qq.com", nil, "multipart/alternative; boundary=\"qq\"",
		"--qq\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n很抱歉您发送的邮件被退回，以下是该邮件的相关信息：\n\n被退回的邮件\n主    题：  "+invSubj+"\n时    间：  2017年9月15日(星期五) 上午9:00\n收 件 人：  "+to+"\n\n退信原因\n该邮件地址不存在，请检查收件人地址是否正确。\n(550 Mailbox not found)\n\n--qq\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n<div>很抱歉您发送的邮件被退回，以下是该邮件的相关信息：</div><table><tr><td>收 件 人：</td><td>"+to+"</td></tr><tr><td>退信原因</td><td>该邮件地址不存在 (550 Mailbox not found)</td></tr></table>\n--qq--\n"))
	n, to = contact()
	bounce("b2-163-netease", "permanent", daemonMail("Postmaster@163.com", "系统退信/Systems bounce", "m15-36.126.com", nil, "text/plain; charset=utf-8",
		"抱歉，您的邮件被退回来了……\n\n原邮件信息：\n时　间：2017-09-15 09:00:00\n主　题："+invSubj+"\n收件人："+to+"\n\n退信原因：\n收件人邮箱地址不存在，请核对后重新发送。\n550 User not found: "+to+"\n\n网易邮箱\n"))
	n, to = contact()
	bounce("b2-163-domain", "permanent", daemonMail("Postmaster@163.com", "系统退信", "m15-36.126.com", nil, "text/plain; charset=utf-8",
		"抱歉，您的邮件被退回来了……\n\n原邮件信息：\n时　间：2017-09-15 09:00:00\n主　题："+invSubj+"\n收件人："+to+"\n\n退信原因：\n收件人域名不存在或无法解析（DNS 查询失败）。\n"+"Host or domain name not found\n"))
	n, to = contact()
	bounce("b2-aliyun-cn", "permanent", daemonMail("postmaster@service.aliyun.com", "邮件投递失败通知 / Delivery failure notification", "smtp.aliyun.com", nil, "text/plain; charset=utf-8",
		"您发送的邮件未能投递到以下收件人：\nYour message could not be delivered to the following recipient:\n\n"+to+"\n\n原因 / Reason: 550 5.1.1 mailbox unavailable\n\n此邮件由系统自动发出，请勿回复。\nThis mail is sent automatically; please do not reply.\n"))
	n, to = contact()
	bounce("b2-exchange-zh", "permanent", daemonMail("Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@city-example.cn>", "无法投递: "+invSubj, "HK2PR02MB1234.apcprd02.prod.outlook.com", []string{"X-MS-Exchange-Message-Is-Ndr:"}, "text/plain; charset=utf-8",
		"无法将邮件传递给以下收件人或组:\n\n"+to+"\n找不到你输入的电子邮件地址。请检查收件人的电子邮件地址，然后尝试重新发送邮件。\n\n管理员的诊断信息:\n\n生成服务器: HK2PR02MB1234.apcprd02.prod.outlook.com\n"+to+"\n远程服务器返回 '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n\n原始邮件头:\n\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-naver-ko", "permanent", daemonMail("MAILER-DAEMON@naver.com", "[발송실패 안내] "+invSubj, "cvsmtppost01.nm.naver.com", nil, "text/plain; charset=utf-8",
		"보내신 메일이 받는 사람에게 전달되지 않았습니다.\n\n받는 사람: "+to+"\n실패 사유: 받는 사람의 메일 주소가 존재하지 않습니다.\n(550 5.1.1 Recipient address rejected: User unknown)\n\n본 메일은 발신 전용입니다.\n"))
	n, to = contact()
	bounce("b2-rediff-qmail", "permanent", daemonMail("MAILER-DAEMON@rediffmail.com", "failure notice", "rediffmail.com", nil, "text/plain",
		"Hi. This is the qmail-send program at rediffmail.com.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<"+to+">:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("b2-docomo-ja-text", "permanent", daemonMail("Mail Administrator <Postmaster@mail.city-example.jp>", "返送されたメール：宛先不明", "mail.city-example.jp", nil, "text/plain; charset=utf-8",
		"このメールは、メール配信システムから自動的に送信されています。\n\n以下の宛先にメールを配信できませんでした。\n\n"+to+"\n理由：宛先のメールアドレスが存在しません (550 5.1.1 User unknown)\n\n----- 元のメッセージのヘッダー -----\n"+invHeaders(n, to)+"\n"))
	n, to = contact()
	bounce("b2-sina-cn-full", "temporary", daemonMail("MAILER-DAEMON@sina.com", "退信通知 / Returned mail", "mx.sina.com", nil, "text/plain; charset=utf-8",
		"您的邮件无法送达以下收件人，系统将不再重试：\n\n"+to+"\n原因：收件人邮箱已满 (452 4.2.2 mailbox full)\n\n这是系统自动发出的邮件，请勿直接回复。\n"))
}

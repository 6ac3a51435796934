package main

import "fmt"

// gNotice is Gmail's failure notice: a multipart/alternative of a
// text and an HTML rendering of the same words, then the DSN and the
// original, inside multipart/report.
func gNotice(n int, to, subject, heading, text, remote, action, status string) string {
	b := fmt.Sprintf("000000000000%x", 0xa1b2c3+n)
	alt := "0000000000" + fmt.Sprintf("%x", 0xd4e5f6+n)
	html := "<html>\n<head>\n<style>\n* {\nfont-family:Roboto, \"Helvetica Neue\", Helvetica, Arial, sans-serif;\n}\n</style>\n</head>\n<body>\n<table cellpadding=\"0\" cellspacing=\"0\" class=\"email-wrapper\" style=\"padding-top:32px;background-color:#ffffff;\"><tbody>\n<tr><td>\n<table cellpadding=0 cellspacing=0><tbody>\n<tr><td style=\"max-width:560px;padding:24px 24px 32px;background-color:#fafafa;border:1px solid #e0e0e0;border-radius:2px\">\n<img style=\"padding:0 24px 16px 0;float:left\" width=72 height=72 alt=\"Error Icon\" src=\"cid:icon.png\">\n<table style=\"min-width:272px;padding-top:8px\"><tbody>\n<tr><td><h2 style=\"font-size:20px;color:#212121;font-weight:bold;margin:0\">\n" + heading + "\n</h2></td></tr>\n<tr><td style=\"padding-top:20px;color:#757575;font-size:16px;font-weight:normal;text-align:left\">\n" + text + "\n</td></tr>\n</tbody></table>\n</td></tr>\n</tbody></table>\n</td></tr>\n<tr style=\"border:none;background-color:#fff;font-size:12.8px;width:90%\">\n<td align=\"left\" style=\"padding:48px 10px\">\nThe response was:<br/>\n<p style=\"font-family:monospace\">\n" + remote + "\n</p>\n</td>\n</tr>\n</tbody></table>\n</body>\n</html>"
	return mail(fromDaemon("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", us, subject, "mail-sor-f69.google.com", rpt(b), "X-Failed-Recipients: "+to, "Auto-Submitted: auto-replied"),
		multipartReport(b,
			"Content-Type: multipart/related; boundary=\""+alt+"\"\n\n--"+alt+"\nContent-Type: multipart/alternative; boundary=\""+alt+"x\"\n\n--"+alt+"x\nContent-Type: text/plain; charset=\"UTF-8\"\n\n\n** "+heading+" **\n\n"+text+"\n\nThe response was:\n\n"+remote+"\n\n--"+alt+"x\nContent-Type: text/html; charset=\"UTF-8\"\n\n"+html+"\n--"+alt+"x--\n--"+alt+"\nContent-Type: image/png; name=\"icon.png\"\nContent-Disposition: attachment; filename=\"icon.png\"\nContent-Transfer-Encoding: base64\nContent-ID: <icon.png>\n\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\n--"+alt+"--",
			statusPart("Reporting-MTA: dns; googlemail.com\nArrival-Date: "+date(1)+"\nX-Original-Message-ID: "+invID(n)+"\n\nFinal-Recipient: rfc822; "+to+"\nAction: "+action+"\nStatus: "+status+"\nRemote-MTA: dns; mx."+domainOf(to)+". (192.0.2.5, the server for the domain "+domainOf(to)+".)\nDiagnostic-Code: smtp; "+remote+"\nLast-Attempt-Date: "+date(3)+"\n"),
			"Content-Type: message/rfc822\n\n"+invitation(n, to)))
}

// blindProviders: Gmail, Yahoo and AOL, iCloud, Outlook.com, Zoho,
// GMX and Web.de, Orange, Free, Yandex, Mail.ru, Amazon SES, SendGrid,
// Mailgun, KDDI, Comcast.
func blindProviders() {
	n, to := contact()
	bounce("gmail-address-not-found-html", "permanent", gNotice(n, to, "Delivery Status Notification (Failure)", "Address not found",
		"Your message wasn't delivered to <a style='color:#212121;text-decoration:none'><b>"+to+"</b></a> because the address couldn't be found, or is unable to receive mail.",
		"550 5.1.1 <"+to+">: Recipient address rejected: User unknown in virtual alias table", "failed", "5.1.1"))
	n, to = contact()
	bounce("gmail-domain-not-found", "permanent", gNotice(n, to, "Delivery Status Notification (Failure)", "Address not found",
		"There was a problem delivering your message to <b>"+to+"</b>. See the technical details below, or try resending in a few minutes.",
		"DNS Error: DNS type 'mx' lookup of "+domainOf(to)+" responded with code NXDOMAIN Domain name not found: "+domainOf(to), "failed", "5.1.2"))
	n, to = contact()
	bounce("gmail-delivery-incomplete", "delay", gNotice(n, to, "Delivery Status Notification (Delay)", "Delivery incomplete",
		"There was a temporary problem delivering your message to <b>"+to+"</b>. Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.",
		"451 4.7.650 The mail server [157.150.185.10] has been temporarily rate limited due to IP reputation.", "delayed", "4.7.650"))
	n, to = contact()
	bounce("gmail-message-blocked", "policy", gNotice(n, to, "Delivery Status Notification (Failure)", "Message blocked",
		"Your message to <b>"+to+"</b> has been blocked. See technical details below for more information.",
		"550 5.7.1 Message rejected due to content restrictions. Contact your administrator.", "failed", "5.7.1"))

	n, to = contact()
	bounce("yahoo-sorry-unable", "permanent", mail(fromDaemon("MAILER-DAEMON@yahoo.com", us, "Failure Notice", "mta1062.mail.bf1.yahoo.com", "text/plain; charset=us-ascii"),
		"Sorry, we were unable to deliver your message to the following address.\n\n<"+to+">:\n554: delivery error: dd This user doesn't have a yahoo.com account ("+to+") [0] - mta1062.mail.bf1.yahoo.com\n\n--- Below this line is a copy of the message.\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("yahoo-remote-host-said", "permanent", mail(fromDaemon("Mail Delivery Subsystem <MAILER-DAEMON@yahoo.com>", us, "Failure Notice", "sonic306-20.consmr.mail.gq1.yahoo.com", "text/plain; charset=us-ascii"),
		"Sorry, we were unable to deliver your message to the following address.\n\n<"+to+">:\n Remote host said: 550 5.1.1 <"+to+">... No such user [RCPT_TO]\n\n--- Below this line is a copy of the message.\n\n"+invitation(n, to)))
	n, to = contact()
	bounce("aol-failure-notice", "permanent", mail(fromDaemon("MAILER-DAEMON@aol.com", us, "Failure Notice", "mtaout-aal02.mx.aol.com", "text/plain; charset=us-ascii"),
		"Sorry, we were unable to deliver your message to the following address.\n\n<"+to+">:\n550: 5.1.1 <"+to+">: Recipient address rejected: "+to+"\n\n--- Below this line is a copy of the message.\n\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("icloud-sun-messaging", "permanent", mail(fromDaemon("Mail Delivery System <postmaster@icloud.com>", us, "Undeliverable Mail", "ms11p00im-qufv17100201.me.com", "multipart/report; report-type=delivery-status; boundary=\"Boundary_(ID_ryU8YqxvUlSWaJM7M1zWxQ)\""),
		multipartReport("Boundary_(ID_ryU8YqxvUlSWaJM7M1zWxQ)",
			"Content-Type: text/plain; charset=us-ascii\nContent-Language: en-US\n\nThis report relates to a message you sent with the following header fields:\n\n  Message-id: "+invID(n)+"\n  Date: "+date(0)+"\n  From: "+usName+" <"+us+">\n  To: "+to+"\n  Subject: "+invSubj+"\n\nYour message cannot be delivered to the following recipients:\n\n  Recipient address: "+to+"\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;550 5.1.1 unknown or illegal alias: "+to+"\n  Remote system: dns;mx6.mail.icloud.com (TCP|17.57.152.5|52140|17.57.154.6|25) (ms11p00im-qufv17100201.me.com ESMTP)\n",
			statusPart("Original-envelope-id: 0OWB00A1D2E3F400@ms11p00im-qufv17100201.me.com\nReporting-MTA: dns;ms11p00im-qufv17100201.me.com (tcp_intranet-daemon)\n\nOriginal-recipient: rfc822;"+to+"\nFinal-recipient: rfc822;"+to+"\nAction: failed\nStatus: 5.1.1 (Remote SMTP server has rejected address)\nRemote-MTA: dns;mx6.mail.icloud.com (TCP|17.57.152.5|52140|17.57.154.6|25)\n (ms11p00im-qufv17100201.me.com ESMTP)\nDiagnostic-code: smtp;550 5.1.1 unknown or illegal alias: "+to+"\n"),
			headersOf(n, to))))

	n, to = contact()
	bounce("outlookcom-undeliverable", "permanent", mail(fromDaemon("postmaster@outlook.com", us, "Undeliverable: "+invSubj, "DB5EUR03HT123.eop-EUR03.prod.protection.outlook.com", "multipart/report; report-type=delivery-status; boundary=\"_outlk_\"", "X-MS-Exchange-Message-Is-Ndr:"),
		multipartReport("_outlk_",
			htmlPart("<html><body><p><b><font color=\"#000066\" size=\"3\" face=\"Arial\">Delivery has failed to these recipients or groups:</font></b></p><p><a href=\"mailto:"+to+"\">"+to+"</a><br>The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.</p><p>Diagnostic information for administrators:</p><p>Generating server: DB5EUR03HT123.eop-EUR03.prod.protection.outlook.com<br>"+to+"<br>Remote Server returned '550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)'</p></body></html>"),
			statusPart("Reporting-MTA: dns;DB5EUR03HT123.eop-EUR03.prod.protection.outlook.com\n\nFinal-recipient: RFC822; "+to+"\nAction: failed\nStatus: 5.5.0\nDiagnostic-Code: smtp;550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)\n"),
			headersOf(n, to))))

	n, to = contact()
	bounce("zoho-undelivered", "permanent", mail(fromDaemon("Mail Delivery Subsystem <mailer-daemon@mx.zohomail.com>", us, "Undelivered Mail Returned to Sender", "mx.zohomail.com", "text/plain; charset=UTF-8"),
		"This message was created automatically by mail delivery software.\nA message that you sent could not be delivered to one or more of its recipients. This is a permanent error.\n\n"+to+", ERROR CODE :550 - 5.1.1 Invalid Address: "+to+"\n\nReceived: from mail.un.org by mx.zohomail.com\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("gmx-german-unzustellbar", "permanent", mail(fromDaemon("Mail Delivery System <mailer-daemon@gmx.net>", us, "Mail delivery failed: returning message to sender", "mout.gmx.net", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Diese Nachricht wurde automatisch vom E-Mail-System erstellt.\n\nEine von Ihnen versendete Nachricht konnte nicht an einen oder mehrere\nEmpfänger zugestellt werden. Dies ist ein permanenter Fehler.\nDie folgenden Adressen sind fehlgeschlagen:\n\n  "+to+"\n    SMTP-Fehler vom entfernten Server nach RCPT TO:<"+to+">:\n    host mx00.emig.gmx.net [212.227.15.9]: 550 Requested action not taken: mailbox unavailable\n\n--- Die Kopfzeilen der Nachricht folgen ---\n"+invHeaders(n, to)))
	n, to = contact()
	bounce("webde-mailbox-full-temp", "temporary", mail(fromDaemon("Mail Delivery System <mailer-daemon@web.de>", us, "Mail delivery failed: returning message to sender", "mout.web.de", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of\nits recipients. The following address(es) failed; the mailbox has been\nfull for more than four days:\n\n  "+to+"\n    host mx-ha03.web.de [212.227.17.8]: 452 4.2.2 Mailbox over quota\n    retry timeout exceeded\n\n--- The header of the original message is following. ---\n\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("orange-french-echec", "permanent", mail(fromDaemon("Mail Delivery Subsystem <MAILER-DAEMON@orange.fr>", us, "Echec de remise du message", "mwinf5c14.me-wanadoo.net", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Ceci est un message automatique envoyé par le serveur de messagerie d'Orange.\n\nVotre message n'a pas pu être délivré au(x) destinataire(s) suivant(s) :\n\n"+to+"\n  Raison : 550 5.1.1 Adresse d'au moins un destinataire invalide.\n  Invalid recipient. OFR_416 [416]\n\nMerci de vérifier l'adresse et de renvoyer votre message.\n\n---- Entêtes du message d'origine ----\n"+invHeaders(n, to)))
	n, to = contact()
	bounce("free-postfix-fr-reason", "permanent", mail(fromDaemon("MAILER-DAEMON@smtp.free.fr (Mail Delivery System)", us, "Undelivered Mail Returned to Sender", "smtp4-g21.free.fr", "text/plain; charset=us-ascii"),
		"This is the mail system at host smtp4-g21.free.fr.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<"+to+">: host mx1.free.fr[212.27.48.6] said: 550 5.1.1\n    <"+to+">: Recipient address rejected: Free.fr: adresse destinataire\n    inconnue (in reply to RCPT TO command)\n"))

	n, to = contact()
	bounce("yandex-undelivered-ru", "permanent", mail(fromDaemon("mailer-daemon@yandex.ru", us, "=?utf-8?B?0J3QtdC00L7RgdGC0LDQstC70LXQvdC90L7QtSDRgdC+0L7QsdGJ0LXQvdC40LU=?=", "forward100j.mail.yandex.net", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Это письмо отправлено автоматически почтовой системой.\nThis message was created automatically by mail delivery software.\n\nВаше письмо не может быть доставлено одному или нескольким получателям:\nYour message could not be delivered to one or more recipients:\n\n<"+to+">: host mx."+domainOf(to)+" said: 550 5.1.1 No such user\n"))
	n, to = contact()
	bounce("mailru-undelivered", "permanent", mail(fromDaemon("Mail Delivery System <mailer-daemon@corp.mail.ru>", us, "Undelivered Mail Returned to Sender", "f123.i.mail.ru", "text/plain; charset=utf-8"),
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n"+to+"\n  SMTP error from remote mail server after RCPT TO:<"+to+">:\n  host mxs.mail.ru [94.100.180.31]: 550 Message was not accepted -- invalid mailbox.  Local mailbox "+to+" is unavailable: user not found\n"))

	n, to = contact()
	bounce("ses-amazonses-text", "permanent", mail(fromDaemon("MAILER-DAEMON@amazonses.com", us, "Delivery Status Notification (Failure)", "a8-33.smtp-out.amazonses.com", "multipart/report; report-type=delivery-status; boundary=\"ses_b\"", "X-Original-To: "+us),
		multipartReport("ses_b",
			textPart("An error occurred while trying to deliver the mail to the following recipients:\n"+to),
			statusPart("Reporting-MTA: dns; a8-33.smtp-out.amazonses.com\n\nAction: failed\nFinal-Recipient: rfc822; "+to+"\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\nStatus: 5.1.1\n"),
			rfc822(n, to))))
	n, to = contact()
	bounce("sendgrid-bounce-notice", "permanent", mail(fromDaemon("SendGrid <bounces+1234567-abcd-"+us[:7]+"=un.org@sendgrid.net>", us, "Undelivered Mail Returned to Sender", "o1.sendgrid.net", "text/plain; charset=utf-8"),
		"This is an automatically generated message from SendGrid.\n\nI'm sorry to have to tell you that your message was not able to be\ndelivered to one of its intended recipients.\n\nIf you require assistance with this, please contact SendGrid support.\n\n"+to+":"+"\n550 5.1.1 The email account that you tried to reach does not exist.\n"))
	n, to = contact()
	bounce("mailgun-delivery-failure", "permanent", mail(fromDaemon("Mailgun <postmaster@mg.un.org>", us, "Delivery Status Notification (Failure)", "so254-12.mailgun.net", "text/plain; charset=utf-8", "X-Mailgun-Sid: WyIxMjM0NSIsICJ0ZXN0Il0="),
		"Your message to "+to+" could not be delivered.\n\nThe recipient's server responded:\n\n550 5.1.1 Mailbox does not exist\n\nOriginal message ID: "+invID(n)+"\n"))

	n, to = contact()
	bounce("kddi-japanese", "permanent", mail(fromDaemon("MAILER-DAEMON@ezweb.ne.jp", us, "Returned mail: see transcript for details", "lsean.ezweb.ne.jp", "text/plain; charset=iso-2022-jp"),
		"The original message was received at Fri, 15 Sep 2017 16:02:00 +0900\nfrom mail.un.org [157.150.185.10]\n\n   ----- The following addresses had permanent fatal errors -----\n<"+to+">\n    (reason: 550 <"+to+">: User unknown)\n"))
	n, to = contact()
	bounce("comcast-cox-bounce", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@resdmta-po-05v.sys.comcast.net>", us, "Undelivered Mail Returned to Sender", "resdmta-po-05v.sys.comcast.net", "text/plain; charset=us-ascii"),
		"This is the mail system at host resdmta-po-05v.sys.comcast.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n                   The mail system\n\n<"+to+">: host\n    imta.comcast.net[96.114.157.77] said: 551 5.1.1 Not our Customer\n    (in reply to RCPT TO command)\n"))
}

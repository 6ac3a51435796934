package main

// autoMail is an automatic message answering the invitation to contact n
// (or, if n is 0, written to us out of the blue).
func autoMail(n int, from, subject string, hdr []string, ctype, body string) string {
	h := []string{
		"Return-Path: <" + fromAddr(from) + ">",
		"From: " + from,
		"To: " + usName + " <" + us + ">",
		"Subject: " + enc(subject),
		"Date: " + date(10+seq%40),
		"Message-ID: " + id(domainOf(fromAddr(from))),
	}
	if n > 0 {
		h = append(h, "In-Reply-To: "+invID(n), "References: "+invID(n))
	}
	h = append(h, hdr...)
	h = append(h, "MIME-Version: 1.0", "Content-Type: "+ctype)
	return mail(h, body)
}

const utf8Text = "text/plain; charset=utf-8"

// blindReports: complaints, positive DSNs, read receipts, DMARC and TLS
// reports, SES notifications and Apple unsubscribe requests.
func blindReports() {
	n, to := contact()
	report("arf-mailru-fbl", autoMail(0, "Mail.Ru FBL <fbl@corp.mail.ru>", "complaint about message from 157.150.185.10", nil, "multipart/report; report-type=feedback-report; boundary=\"fbl\"",
		multipartReport("fbl",
			textPart("This is an email abuse report for an email message received from IP 157.150.185.10.\n"),
			"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Mail.Ru FBL\nVersion: 1\nSource-IP: 157.150.185.10\nOriginal-Mail-From: <"+us+">\nOriginal-Rcpt-To: <"+to+">\nArrival-Date: "+date(3)+"\n",
			rfc822(n, to))))
	n, to = contact()
	report("jmrp-outlookcom-new", autoMail(0, "staff@hotmail.com", "complaint about message from 157.150.185.10", []string{"X-HmXmrOriginalRecipient: <" + to + ">"}, "multipart/mixed; boundary=\"jmrp\"",
		"--jmrp\nContent-Type: text/plain; charset=us-ascii\n\nThis is an email abuse report for an email message received from IP 157.150.185.10 on "+date(3)+".\nFor more information about this format please see http://postmaster.live.com/\n\n--jmrp\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n"+invitation(n, to)+"\n--jmrp--\n"))
	n, to = contact()
	report("positive-dsn-gmail-success", mail(fromDaemon("Mail Delivery Subsystem <mailer-daemon@googlemail.com>", us, "Delivery Status Notification (Success)", "mail-sor-f41.google.com", rpt("succ")),
		multipartReport("succ",
			textPart("** The message was successfully delivered **\n\nThis is a delivery receipt for the message you sent to "+to+".\n"),
			statusPart(dsnOf("googlemail.com", to, "delivered", "2.0.0", "250 2.0.0 OK")),
			headersOf(n, to))))
	n, to = contact()
	report("positive-dsn-exchange-relayed-fr", mail(fromDaemon("postmaster@"+domainOf(to), us, "Relayé : "+invSubj, "exch."+domainOf(to), rpt("rel")),
		multipartReport("rel",
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nLa remise à ces destinataires ou groupes est terminée, mais aucune notification de remise n'a été envoyée par le serveur de destination :\n\n"+to+"\n\nObjet : "+invSubj+"\n",
			statusPart(dsnOf("exch."+domainOf(to), to, "relayed", "2.0.0", "")),
			headersOf(n, to))))
	n, to = contact()
	report("mdn-displayed-es", autoMail(n, "Teresa Gómez <"+to+">", "Leído: "+invSubj, nil, "multipart/report; report-type=disposition-notification; boundary=\"mdn\"",
		multipartReport("mdn",
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nSu mensaje\n\n  Para: "+to+"\n  Asunto: "+invSubj+"\n  Enviado: viernes, 15 de septiembre de 2017 9:00:00 (UTC+01:00)\n\nfue leído el viernes, 15 de septiembre de 2017 11:12:41 (UTC+01:00).",
			"Content-Type: message/disposition-notification\n\nReporting-UA: "+domainOf(to)+"; Microsoft Exchange Server\nFinal-Recipient: rfc822;"+to+"\nOriginal-Message-ID: "+invID(n)+"\nDisposition: automatic-action/MDN-sent-automatically; displayed\n")))
	n, to = contact()
	report("mdn-thunderbird-deleted", autoMail(n, to, "Return Receipt (deleted) - "+invSubj, nil, "multipart/report; report-type=disposition-notification; boundary=\"mdn2\"",
		multipartReport("mdn2",
			textPart("This is a Return Receipt for the mail that you sent to "+to+".\n\nNote: This Return Receipt only acknowledges that the message was displayed on the recipient's computer. There is no guarantee that the recipient has read or understood the message contents."),
			"Content-Type: message/disposition-notification; name=\"MDNPart2.txt\"\n\nReporting-UA: "+domainOf(to)+"; Thunderbird 52.3.0\nFinal-Recipient: rfc822;"+to+"\nOriginal-Message-ID: "+invID(n)+"\nDisposition: manual-action/MDN-sent-manually; deleted\n")))
	report("dmarc-aggregate-google", autoMail(0, "noreply-dmarc-support@google.com", "Report domain: un.org Submitter: google.com Report-ID: 5737362151946238592", nil, "multipart/mixed; boundary=\"dmarc\"",
		"--dmarc\nContent-Type: text/plain; charset=us-ascii\n\n\n--dmarc\nContent-Type: application/zip; name=\"google.com!un.org!1505433600!1505519999.zip\"\nContent-Disposition: attachment; filename=\"google.com!un.org!1505433600!1505519999.zip\"\nContent-Transfer-Encoding: base64\n\nUEsDBBQAAAAIAA==\n--dmarc--\n"))
	report("tlsrpt-microsoft", autoMail(0, "tlsrpt-noreply@microsoft.com", "Report Domain: un.org Submitter: microsoft.com Report-ID: <133083936000000000+un.org@microsoft.com>", []string{"TLS-Report-Domain: un.org", "TLS-Report-Submitter: microsoft.com"}, "multipart/report; report-type=tlsrpt; boundary=\"tls\"",
		multipartReport("tls",
			textPart("This is an aggregate TLS report from microsoft.com"),
			"Content-Type: application/tlsrpt+gzip; name=\"microsoft.com!un.org!1505433600!1505519999.json.gz\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment\n\nH4sIAAAAAAAA/w==")))
	n, to = contact()
	report("ses-sns-complaint-raw", autoMail(0, "AWS Notifications <no-reply@sns.amazonaws.com>", "AWS Notification Message", []string{"x-amz-sns-message-type: Notification"}, "text/plain; charset=UTF-8",
		"{\"notificationType\":\"Complaint\",\"complaint\":{\"feedbackId\":\"0100015e8a0b1c2d\",\"complaintSubType\":null,\"complainedRecipients\":[{\"emailAddress\":\""+to+"\"}],\"timestamp\":\"2017-09-15T07:12:00.000Z\",\"userAgent\":\"Yahoo!-Mail-Feedback/2.0\",\"complaintFeedbackType\":\"abuse\"},\"mail\":{\"timestamp\":\"2017-09-15T07:00:00.000Z\",\"source\":\""+us+"\",\"messageId\":\"0100015e8a0a1b2c\",\"destination\":[\""+to+"\"]}}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\nhttps://sns.eu-west-1.amazonaws.com/unsubscribe.html?SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:ses-complaints\n"))
	n, to = contact()
	report("apple-unsubscribe-request", autoMail(0, to, "unsubscribe", []string{"X-Apple-Unsubscribe: true"}, "text/plain; charset=us-ascii", "This message was automatically generated by Mail to unsubscribe from a mailing list.\n"))
	n, to = contact()
	report("read-receipt-outlook-de", autoMail(n, to, "Gelesen: "+invSubj, nil, "multipart/report; report-type=disposition-notification; boundary=\"mdn3\"",
		multipartReport("mdn3",
			"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nIhre Nachricht\n\n  An: "+to+"\n  Betreff: "+invSubj+"\n\nwurde am 15.09.2017 11:40 gelesen.",
			"Content-Type: message/disposition-notification\n\nFinal-Recipient: rfc822;"+to+"\nDisposition: automatic-action/MDN-sent-automatically; displayed\n")))
	n, to = contact()
	report("arf-yahoo-cfl-complaint", autoMail(0, "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>", "FW: "+invSubj, nil, "multipart/report; report-type=feedback-report; boundary=\"yfb\"",
		multipartReport("yfb",
			textPart("This is an email abuse report for an email message from un.org on "+date(4)+"\n"),
			"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Yahoo!-Mail-Feedback/2.0\nVersion: 0.1\nOriginal-Mail-From: <"+us+">\nOriginal-Rcpt-To: <"+to+">\nReported-Domain: un.org\nAuthentication-Results: mta1.mail.yahoo.com from=un.org; domainkeys=neutral (no sig); from=un.org; dkim=pass (ok)\n",
			rfc822(n, to))))
	n, to = contact()
	report("positive-dsn-postfix-delivered", mail(fromDaemon("MAILER-DAEMON@mx."+domainOf(to)+" (Mail Delivery System)", us, "Successful Mail Delivery Report", "mx."+domainOf(to), rpt("ok")),
		multipartReport("ok",
			textPart("This is the mail system at host mx."+domainOf(to)+".\n\nYour message was successfully delivered to the destination(s)\nlisted below. If the message was delivered to mailbox you will\nreceive no further notifications. Otherwise you may still receive\nnotifications of mail delivery errors from other systems.\n\n<"+to+">: delivery via local: delivered to mailbox\n"),
			statusPart(dsnOf("mx."+domainOf(to), to, "delivered", "2.0.0", "")),
			headersOf(n, to))))
}

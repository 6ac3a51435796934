package main

import "fmt"

// bounces3: Courier, OpenSMTPD, DragonFly, MailFoundry, GMX/Web.de,
// Orange, Free, KDDI, NTT docomo, Verizon, Apache James, and the list
// managers Mailman, Sympa, fml and LISTSERV.
func bounces3() {
	for _, f := range []fail{fUnknown, fFull} {
		n, to := contact()
		bounce("courier-"+f.key, f.verdict, courier(n, to, f))
	}
	n, to := contact()
	bounce("courier-delayed", "delay", courierDelay(n, to))
	for _, f := range []fail{fUnknown, fDisabled} {
		n, to := contact()
		bounce("opensmtpd-"+f.key, f.verdict, opensmtpd(n, to, f))
	}
	n, to = contact()
	bounce("dragonfly-dma", "permanent", dma(n, to, fUnknown))
	n, to = contact()
	bounce("mailfoundry", "permanent", mailfoundry(n, to))
	for i, f := range []fail{fUnknown, fFull} {
		n, to := contact()
		bounce("gmx-"+f.key, f.verdict, gmx(n, to, f, []string{"gmx.net", "web.de"}[i]))
	}
	n, to = contact()
	bounce("webde-german", "permanent", gmxGerman(n, to))
	n, to = contact()
	bounce("orange-fr", "permanent", orange(n, to))
	n, to = contact()
	bounce("free-fr", "permanent", postfix("smtp1-g21.free.fr", n, to, fail{"free", "550", "5.1.1", "<" + to + ">: Recipient address rejected: User unknown in local recipient table", "permanent"}, false, false))
	n, to = contact()
	bounce("kddi-au", "permanent", kddi(n, to))
	n, to = contact()
	bounce("ntt-docomo", "permanent", docomo(n, to))
	n, to = contact()
	bounce("ntt-ocn-ja", "permanent", ocn(n, to))
	n, to = contact()
	bounce("verizon", "permanent", verizon(n, to))
	n, to = contact()
	bounce("apache-james", "permanent", james(n, to))

	bounce("mailman-held", "delay", mailmanHeld())
	bounce("mailman-rejected", "policy", mailmanRejected())
	bounce("sympa-rejected-en", "policy", sympa("en"))
	bounce("sympa-rejected-fr", "policy", sympa("fr"))
	bounce("fml-not-member", "policy", fml())
	bounce("listserv-not-authorized", "none", listserv())
}

func courier(n int, to string, f fail) string {
	host := "mail." + domainOf(to)
	hdr := []string{
		"Return-Path: <>",
		"From: \"Courier mail server at " + host + "\" <@>",
		"To: " + us,
		"Subject: NOTICE: mail delivery status.",
		"Date: " + date(3),
		"Message-ID: " + id(host),
	}
	text := lines(
		"This is a delivery status notification from "+host+",",
		"running the Courier mail server, version 1.0.",
		"",
		"The original message was received on "+date(1),
		"from mail.un.org [157.150.185.10]",
		"",
		"---------------------------------------------------------------------------",
		"",
		"                           UNDELIVERABLE MAIL",
		"",
		"Your message to the following recipients cannot be delivered:",
		"",
		"<"+to+">:",
		"    mx."+domainOf(to)+" [203.0.113.90]:",
		">>> RCPT TO:<"+to+">",
		"<<< "+f.code+" "+f.status+" <"+to+">... "+f.text,
		"",
		"---------------------------------------------------------------------------",
		"",
		"If your message was also sent to additional recipients, their delivery",
		"status is not included in this report.",
		"",
	)
	dsn := dsnPart(host, to, "failed", f.status, "mx."+domainOf(to), f.code+" "+f.status+" <"+to+">... "+f.text)
	return reportOf(hdr, fmt.Sprintf("=_courier-%d-1505459000", n), text, dsn, rfc822(n, to))
}

func courierDelay(n int, to string) string {
	host := "mail." + domainOf(to)
	hdr := []string{
		"Return-Path: <>",
		"From: \"Courier mail server at " + host + "\" <@>",
		"To: " + us,
		"Subject: WARNING: delayed mail.",
		"Date: " + date(600),
	}
	text := lines(
		"This is a delivery status notification from "+host+",",
		"running the Courier mail server, version 1.0.",
		"",
		"                             DELAYED MAIL",
		"",
		"Your message to the following recipients has not yet been delivered:",
		"",
		"<"+to+">:",
		"    mx."+domainOf(to)+" [203.0.113.91]:",
		"<<< 421 4.7.0 Try again later, closing connection.",
		"",
	)
	dsn := dsnPart(host, to, "delayed", "4.7.0", "mx."+domainOf(to), "421 4.7.0 Try again later, closing connection.")
	return reportOf(hdr, fmt.Sprintf("=_courier-%d-1505469000", n), text, dsn, headersOf(n, to))
}

func opensmtpd(n int, to string, f fail) string {
	host := "mx.un-example.org"
	return lines(
		"Return-Path: <>",
		"Received: from localhost (localhost [127.0.0.1]) by "+host+" (OpenSMTPD) with ESMTPSA id 0d3c9f1b for <"+us+">;",
		"\t"+date(2),
		"From: Mailer Daemon <MAILER-DAEMON@"+host+">",
		"Date: "+date(2),
		"To: "+us,
		"Subject: Delivery status notification: error",
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed;boundary=\"16244696771.Fb1EE9f.34719\"",
		"",
		"This is a MIME-encapsulated message.",
		"",
		"--16244696771.Fb1EE9f.34719",
		"Content-Description: Notification",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"Hi!",
		"",
		"This is the MAILER-DAEMON, please DO NOT REPLY to this email.",
		"",
		"An error has occurred while attempting to deliver a message for",
		"the following list of recipients:",
		"",
		to+": "+f.code+" "+f.status+" "+f.text,
		"",
		"Below is a copy of the original message:",
		"",
		"--16244696771.Fb1EE9f.34719",
		"Content-Description: Message headers",
		"Content-Type: text/rfc822-headers",
		"",
		invHeaders(n, to),
		"",
		"--16244696771.Fb1EE9f.34719--",
	)
}

func dma(n int, to string, f fail) string {
	host := "gw.un-example.org"
	return lines(
		"Return-Path: <>",
		"Received: from MAILER-DAEMON",
		"\tid 3f1a2b",
		"\tby "+host+" (DragonFly Mail Agent v0.11);",
		"\t"+date(1),
		"X-Original-To: <"+us+">",
		"From: MAILER-DAEMON <>",
		"To: <"+us+">",
		"Subject: Mail delivery failed",
		"Message-Id: "+id(host),
		"Date: "+date(1),
		"",
		"This is the DragonFly Mail Agent v0.11 at "+host+".",
		"",
		"There was an error delivering your mail to <"+to+">.",
		"",
		"remote delivery failed: "+f.code+" "+f.status+" "+f.text,
		"",
		"Original message follows.",
		"",
		invitation(n, to),
	)
}

func mailfoundry(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: MAILER-DAEMON@mailfoundry." + domainOf(to),
		"To: " + us,
		"Subject: Message delivery has failed",
		"Message-ID: " + id("mailfoundry."+domainOf(to)),
	},
		"Delivery failed for the following recipients:",
		to,
		"",
		"550 5.1.1 <"+to+">: user does not exist",
		"",
		"Original message follows.",
		"",
		invitation(n, to),
	)
}

func gmx(n int, to string, f fail, host string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: Mail Delivery System <mailer-daemon@" + host + ">",
		"To: " + us,
		"Subject: Mail delivery failed: returning message to sender",
		"Message-Id: " + id("mout."+host),
		"Auto-Submitted: auto-replied",
	},
		"This message was created automatically by mail delivery software.",
		"",
		"A message that you sent could not be delivered to one or more of",
		"its recipients. This is a permanent error. The following address(es)",
		"failed:",
		"",
		to+":",
		"SMTP error from remote server for RCPT TO command, host: mx00.emig."+host+" (212.227.15.9) reason: "+f.code+" Requested action not taken: "+f.text,
		"",
		"--- The header of the original message is following. ---",
		"",
		invHeaders(n, to),
	)
}

func gmxGerman(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: Mail Delivery System <mailer-daemon@web.de>",
		"To: " + us,
		"Subject: " + enc("Unzustellbare Nachricht: "+invSubj),
		"Auto-Submitted: auto-replied",
	},
		"Diese Nachricht wurde automatisch vom Mail-System erzeugt.",
		"",
		"Eine von Ihnen gesendete Nachricht konnte nicht an einen oder mehrere",
		"Empfänger zugestellt werden. Dies ist ein permanenter Fehler.",
		"",
		to+":",
		"550 5.1.1 Empfänger unbekannt / mailbox unavailable",
		"",
		"--- Kopfzeilen der ursprünglichen Nachricht ---",
		invHeaders(n, to),
	)
}

func orange(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: Mail Delivery System <MAILER-DAEMON@orange.fr>",
		"To: " + us,
		"Subject: " + enc("Message non délivré : "+invSubj),
		"Message-ID: " + id("smtp.orange.fr"),
	},
		"Ce message a été créé automatiquement par le logiciel de distribution du courrier.",
		"",
		"Votre message n'a pas pu être délivré à un ou plusieurs destinataires.",
		"C'est une erreur permanente. Les adresses suivantes ont échoué :",
		"",
		"  "+to,
		"    550 5.1.1 Adresse d'au moins un destinataire invalide (Invalid recipient) OFR_416",
		"",
		"------ Ceci est une copie du message, incluant tous les en-têtes ------",
		"",
		invitation(n, to),
	)
}

func kddi(n int, to string) string {
	b := fmt.Sprintf("KDDI%08d", n)
	return lines(
		"Return-Path: <>",
		"Date: "+date(3),
		"From: MAILER-DAEMON@ezweb.ne.jp",
		"To: "+us,
		"Subject: Mail System Error - Returned Mail",
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=iso-2022-jp",
		"",
		"This is a MIME-encapsulated message.",
		"",
		"Your mail sent on: "+date(0),
		"     could not be delivered to the following recipient(s):",
		"",
		"     <"+to+">",
		"     As their mailbox is full.",
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"",
		invitation(n, to),
		"--"+b+"--",
	)
}

func docomo(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: Mail Administrator <Postmaster@docomo.ne.jp>",
		"To: " + us,
		"Subject: " + enc("メール配信エラー (Undeliverable mail)"),
	},
		"以下のメールは宛先不明のため配信できませんでした。",
		"The following message could not be delivered because the recipient address is unknown.",
		"",
		"<"+to+">: 550 Unknown user "+to,
		"",
		"------ Original message follows ------",
		invHeaders(n, to),
	)
}

func ocn(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: MAILER-DAEMON@mail.ocn.ne.jp",
		"To: " + us,
		"Subject: " + enc("配信不能のお知らせ"),
		"Auto-Submitted: auto-replied",
	},
		"このメールは自動送信されています。",
		"次の宛先へのメールを配信できませんでした。",
		"",
		"  "+to,
		"  550 5.1.1 <"+to+">... User unknown",
		"",
		"--- 元のメッセージのヘッダー ---",
		invHeaders(n, to),
	)
}

func verizon(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: postmaster@vtext.com",
		"To: " + us,
		"Subject: Undeliverable Message",
	},
		"Your message did not reach some or all of the intended recipients.",
		"",
		"      Subject:  "+invSubj,
		"      Sent:     "+date(0),
		"",
		"The following recipient(s) cannot be reached:",
		"",
		"      "+to+" on "+date(1),
		"            550 5.1.1 Recipient address rejected: User unknown",
	)
}

func james(n int, to string) string {
	return lines(
		"Return-Path: <>",
		"Date: "+date(2),
		"From: postmaster@james."+domainOf(to),
		"To: "+us,
		"Subject: [BOUNCE] "+invSubj,
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=\"----=_Part_17_1505459000\"",
		"",
		"------=_Part_17_1505459000",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"Hi. This is the James mail server at james."+domainOf(to)+".",
		"I'm afraid I wasn't able to deliver your message to the following addresses.",
		"This is a permanent error; I've given up. Sorry it didn't work out.  Below",
		"I include the list of recipients and the reason why I was unable to deliver",
		"your message.",
		"",
		"Failed recipient(s):",
		to,
		"",
		"Error message:",
		"550 5.1.1 Mailbox unavailable: user unknown",
		"",
		"------=_Part_17_1505459000",
		"Content-Type: message/rfc822",
		"",
		invitation(n, "mayors@"+domainOf(to)),
		"------=_Part_17_1505459000--",
	)
}

// The list managers answer mail sent to a list address.
const listAddr = "mayors-network@lists.cities-example.org"

func mailmanHeld() string {
	return notice([]string{
		"Return-Path: <mayors-network-bounces@lists.cities-example.org>",
		"Subject: Your message to Mayors-network awaits moderator approval",
		"From: mayors-network-owner@lists.cities-example.org",
		"To: " + us,
		"Message-ID: <mailman.12.1505459100.1234.mayors-network@lists.cities-example.org>",
		"Date: " + date(2),
		"Precedence: bulk",
		"X-BeenThere: mayors-network@lists.cities-example.org",
		"X-Mailman-Version: 2.1.23",
		"List-Id: <mayors-network.lists.cities-example.org>",
	},
		"Your mail to 'Mayors-network' with the subject",
		"",
		"    "+invSubj,
		"",
		"Is being held until the list moderator can review it for approval.",
		"",
		"The reason it is being held:",
		"",
		"    Post by non-member to a members-only list",
		"",
		"Either the message will get posted to the list, or you will receive",
		"notification of the moderator's decision.  If you would like to cancel",
		"this posting, please visit the following URL:",
		"",
		"    https://lists.cities-example.org/mailman/confirm/mayors-network/4c1f0a",
	)
}

func mailmanRejected() string {
	return notice([]string{
		"Return-Path: <mayors-network-bounces@lists.cities-example.org>",
		"Subject: Request to mailing list Mayors-network rejected",
		"From: mayors-network-bounces@lists.cities-example.org",
		"To: " + us,
		"Date: " + date(200),
		"Precedence: bulk",
		"X-Mailman-Version: 2.1.23",
	},
		"Your request to the Mayors-network mailing list",
		"",
		"    Posting of your message titled \""+invSubj+"\"",
		"",
		"has been rejected by the list moderator.  The moderator gave the",
		"following reason for rejecting your request:",
		"",
		"\"Non-members are not allowed to post to this list.\"",
		"",
		"Any questions or comments should be directed to the list administrator",
		"at:",
		"",
		"    mayors-network-owner@lists.cities-example.org",
	)
}

func sympa(lang string) string {
	list := "migrations@listes.reseau-villes.fr"
	subject, body := "Message distribution: Authorization denied", []string{
		"Your message for list '" + list + "' (attached below) was rejected.",
		"You are not allowed to send this message for the following reason:",
		"",
		"  The sender is not a subscriber of the list " + list + ".",
		"",
		"For further information, please contact migrations-request@listes.reseau-villes.fr",
	}
	if lang == "fr" {
		subject, body = "Diffusion d'un message : permission refusée", []string{
			"Votre message pour la liste '" + list + "' (ci-joint) a été rejeté.",
			"Vous n'êtes pas autorisé à envoyer ce message pour la raison suivante :",
			"",
			"  L'expéditeur n'est pas abonné à la liste " + list + ".",
			"",
			"Pour plus d'informations, contactez migrations-request@listes.reseau-villes.fr",
		}
	}
	return notice([]string{
		"Return-Path: <sympa-request@listes.reseau-villes.fr>",
		"From: SYMPA <sympa@listes.reseau-villes.fr>",
		"To: " + us,
		"Subject: " + enc(subject),
		"Date: " + date(3),
		"Auto-Submitted: auto-replied",
		"X-Loop: sympa@listes.reseau-villes.fr",
	}, body...)
}

func fml() string {
	return notice([]string{
		"Return-Path: <kokusai-ml-admin@ml.city-example.jp>",
		"From: kokusai-ml-admin@ml.city-example.jp",
		"To: " + us,
		"Subject: fml status report (kokusai-ml ML)",
		"Date: " + date(3),
		"X-ML-Name: kokusai-ml",
		"X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]",
		"Precedence: bulk",
	},
		"You are not a member of the mailing list kokusai-ml@ml.city-example.jp,",
		"so your mail has been rejected by the list.",
		"",
		"If you want to join the list, please send a subscribe request to",
		"kokusai-ml-ctl@ml.city-example.jp.",
		"",
		"--kokusai-ml@ml.city-example.jp, Be Seeing You!",
	)
}

func listserv() string {
	return notice([]string{
		"Return-Path: <owner-CITIES-L@LISTSERV.UNIV-EXAMPLE.EDU>",
		"From: \"L-Soft list server at LISTSERV.UNIV-EXAMPLE.EDU (16.0)\" <LISTSERV@LISTSERV.UNIV-EXAMPLE.EDU>",
		"To: " + us,
		"Subject: Message (\"Your message dated " + date(0) + "...\")",
		"Date: " + date(3),
	},
		"You are not authorized to send mail to the CITIES-L list from your",
		us+" account. You might be authorized to send to the list from",
		"another of your accounts, or perhaps when using another mail program which",
		"generates slightly different addresses, but LISTSERV has no way to",
		"associate this other account or address with yours.",
		"",
		"Your message has been rejected. Please contact the list owner",
		"(CITIES-L-request@LISTSERV.UNIV-EXAMPLE.EDU) for assistance.",
	)
}

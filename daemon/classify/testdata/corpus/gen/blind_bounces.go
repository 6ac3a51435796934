package main

import (
	"fmt"
	"strings"
)

// The blind set (testdata/blind, see docs/ACCURACY.md) was written after
// the rules and without reading them, from what each MTA and client is
// known to send, to measure how the rules generalise. Its shapes differ
// from the corpus on purpose: other wordings, other layouts, other
// services.

// mail is a whole message: header fields, then a blank line and body.
func mail(hdr []string, body string) string { return lines(hdr...) + "\n\n" + body }

// fromDaemon is the header block of a failure notice from a mailer
// daemon at host, with the content type given.
func fromDaemon(from, to, subject, host, ctype string, extra ...string) []string {
	h := []string{
		"Return-Path: <>",
		"Received: from " + host + " by mx.un.org with ESMTP id " + fmt.Sprintf("%08X", seq*104729) + "; " + date(5+seq%50),
		"From: " + from,
		"To: " + to,
		"Subject: " + enc(subject),
		"Date: " + date(5+seq%50),
		"Message-ID: " + id(host),
	}
	h = append(h, extra...)
	return append(h, "MIME-Version: 1.0", "Content-Type: "+ctype)
}

// multipartReport is a multipart/report of delivery-status with parts
// already written (each starting with its own header).
func multipartReport(b string, parts ...string) string {
	var s strings.Builder
	s.WriteString("This is a MIME-encapsulated message.\n\n")
	for _, p := range parts {
		s.WriteString("--" + b + "\n" + p + "\n")
	}
	s.WriteString("--" + b + "--\n")
	return s.String()
}

func rpt(b string) string {
	return "multipart/report; report-type=delivery-status;\n\tboundary=\"" + b + "\""
}

func textPart(s string) string { return "Content-Type: text/plain; charset=us-ascii\n\n" + s }
func htmlPart(s string) string {
	return "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + s
}
func statusPart(s string) string { return "Content-Type: message/delivery-status\n\n" + s }

// dsnOf is a per-message and one per-recipient DSN block (RFC 3464 §2.2, §2.3).
func dsnOf(mta, to, action, status, diag string) string {
	s := "Reporting-MTA: dns; " + mta + "\nArrival-Date: " + date(1) + "\n\nFinal-Recipient: rfc822; " + to + "\nAction: " + action + "\nStatus: " + status + "\n"
	if diag != "" {
		s += "Diagnostic-Code: smtp; " + diag + "\n"
	}
	return s
}

func blindBounces() {
	blindUnixMTAs()
	blindExchange()
	blindProviders()
	blindGateways()
	blindOddities()
}

// blindUnixMTAs: Postfix, Sendmail, Exim, qmail, Courier, OpenSMTPD in
// wordings and layouts the corpus does not use.
func blindUnixMTAs() {
	n, to := contact()
	b := "A1F2B3C4D5.1505460001/mail.ville-exemple.fr"
	bounce("postfix-relay-unknown", "permanent", mail(fromDaemon("MAILER-DAEMON@smtp.ville-exemple.fr (Mail Delivery System)", us, "Undelivered Mail Returned to Sender", "smtp.ville-exemple.fr", rpt(b), "Auto-Submitted: auto-replied"),
		multipartReport(b,
			"Content-Description: Notification\n"+textPart("This is the mail system at host smtp.ville-exemple.fr.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\nIf you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n                   The mail system\n\n<"+to+">: host\n    mail.internal.ville-exemple.fr[10.1.2.3] said: 550 5.1.1 <"+to+">:\n    Recipient address rejected: User unknown in local recipient table (in\n    reply to RCPT TO command)\n"),
			"Content-Description: Delivery report\n"+statusPart(dsnOf("smtp.ville-exemple.fr", to, "failed", "5.1.1", "550 5.1.1 <"+to+">: Recipient address rejected: User unknown in local recipient table")),
			"Content-Description: Undelivered Message\n"+rfc822(n, to))))

	n, to = contact()
	b = "4D8C21A05E.1505460099/mx2.mairie-rouen.fr"
	bounce("postfix-delayed-quota", "delay", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@mx2.mairie-rouen.fr>", us, "Delayed Mail (still being retried)", "mx2.mairie-rouen.fr", rpt(b)),
		multipartReport(b,
			textPart("This is the mail system at host mx2.mairie-rouen.fr.\n\n####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for more than 4 hour(s).\nIt will be retried until it is 5 day(s) old.\n\n                   The mail system\n\n<"+to+">: host imap.mairie-rouen.fr[10.0.0.8] said: 452 4.2.2\n    Mailbox full (in reply to RCPT TO command)\n"),
			statusPart(dsnOf("mx2.mairie-rouen.fr", to, "delayed", "4.2.2", "452 4.2.2 Mailbox full")+"Will-Retry-Until: Wed, 20 Sep 2017 09:00:00 +0200\n"),
			headersOf(n, to))))

	n, to = contact()
	bounce("postfix-plain-nodsn-fr", "permanent", mail(fromDaemon("MAILER-DAEMON@lyon.fr (Systeme de messagerie)", us, "Message non délivré", "relais.lyon.fr", "text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
		"Ceci est le système de messagerie du serveur relais.lyon.fr.\n\nNous avons le regret de vous informer que votre message n'a pas pu\nêtre remis à un ou plusieurs destinataires. Il est joint ci-dessous.\n\n<"+to+">: le serveur distant a répondu : 550 5.1.1 Adresse\n    destinataire inconnue\n\n--- Message d'origine ---\n"+invitation(n, to)))

	n, to = contact()
	bounce("sendmail-returned-mail", "permanent", mail(fromDaemon("Mail Delivery Subsystem <MAILER-DAEMON@mail.ville-nantes.fr>", us, "Returned mail: see transcript for details", "mail.ville-nantes.fr", "multipart/report; report-type=delivery-status; boundary=\"v8HAB1x3012345.1505460200/mail.ville-nantes.fr\""),
		multipartReport("v8HAB1x3012345.1505460200/mail.ville-nantes.fr",
			textPart("The original message was received at Fri, 15 Sep 2017 09:01:12 +0200\nfrom mail.un.org [157.150.185.10]\n\n   ----- The following addresses had permanent fatal errors -----\n<"+to+">\n    (reason: 550 5.1.1 <"+to+">... User unknown)\n\n   ----- Transcript of session follows -----\n... while talking to mailhost.ville-nantes.fr.:\n>>> DATA\n<<< 550 5.1.1 <"+to+">... User unknown\n550 5.1.1 <"+to+">... User unknown\n<<< 503 5.0.0 Need RCPT (recipient)\n"),
			statusPart("Reporting-MTA: dns; mail.ville-nantes.fr\nReceived-From-MTA: DNS; mail.un.org\nArrival-Date: Fri, 15 Sep 2017 09:01:12 +0200\n\nFinal-Recipient: RFC822; "+to+"\nAction: failed\nStatus: 5.1.1\nRemote-MTA: DNS; mailhost.ville-nantes.fr\nDiagnostic-Code: SMTP; 550 5.1.1 <"+to+">... User unknown\nLast-Attempt-Date: Fri, 15 Sep 2017 09:01:13 +0200\n"),
			headersOf(n, to))))

	n, to = contact()
	bounce("sendmail-warning-text", "delay", mail(fromDaemon("Mail Delivery Subsystem <MAILER-DAEMON@ayto-sevilla.es>", us, "Warning: could not send message for past 4 hours", "correo.ayto-sevilla.es", "text/plain"),
		"    **********************************************\n    **      THIS IS A WARNING MESSAGE ONLY      **\n    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **\n    **********************************************\n\nThe original message was received at Fri, 15 Sep 2017 09:01:12 +0200\nfrom mail.un.org [157.150.185.10]\n\n   ----- Transcript of session follows -----\n<"+to+">... Deferred: Connection timed out with mx.ayto-sevilla.es.\nWarning: message still undelivered after 4 hours\nWill keep trying until message is 5 days old\n\n------- Original message headers -------\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("exim-cpanel-nosuchuser", "permanent", mail(fromDaemon("Mail Delivery System <Mailer-Daemon@server42.hostingco.example>", us, "Mail delivery failed: returning message to sender", "server42.hostingco.example", "text/plain; charset=us-ascii", "X-Failed-Recipients: "+to, "Auto-Submitted: auto-replied"),
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  "+to+"\n    No Such User Here\n\n------ This is a copy of the message, including all the headers. ------\n\n"+invitation(n, to)))

	n, to = contact()
	bounce("exim-smtp-error-remote", "permanent", mail(fromDaemon("Mail Delivery System <Mailer-Daemon@mx.bilbao.eus>", us, "Mail delivery failed: returning message to sender", "mx.bilbao.eus", "text/plain; charset=us-ascii", "X-Failed-Recipients: "+to, "Auto-Submitted: auto-replied"),
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  "+to+"\n    host posta.bilbao.eus [192.0.2.44]\n    SMTP error from remote mail server after RCPT TO:<"+to+">:\n    550 5.1.1 User unknown\n\n------ This is a copy of the message's headers. ------\n\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("exim-warning-delayed", "delay", mail(fromDaemon("Mail Delivery System <Mailer-Daemon@mail.ayto-malaga.es>", us, "Warning: message 1dsq5V-0003Gh-Tt delayed 24 hours", "mail.ayto-malaga.es", "text/plain; charset=us-ascii", "X-Failed-Recipients: "+to, "Auto-Submitted: auto-replied"),
		"This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\nrecipients after more than 24 hours on the queue on mail.ayto-malaga.es.\n\nThe message identifier is:     1dsq5V-0003Gh-Tt\nThe subject of the message is: "+invSubj+"\nThe date of the message is:    "+date(0)+"\n\nThe address to which the message has not yet been delivered is:\n\n  "+to+"\n    host mx.ayto-malaga.es [192.0.2.80]\n    Delay reason: SMTP error from remote mail server after RCPT TO:<"+to+">:\n    451 4.3.0 Temporary lookup failure\n\nNo action is required on your part. Delivery attempts will continue for\nsome time, and this warning may be repeated at intervals if the message\nremains undelivered. Eventually the mail delivery software will give up,\nand when that happens, the message will be returned to you.\n"))

	n, to = contact()
	bounce("qmail-hi-this-is", "permanent", mail(fromDaemon("MAILER-DAEMON@mail.madrid.es", us, "failure notice", "mail.madrid.es", "text/plain"),
		"Hi. This is the qmail-send program at mail.madrid.es.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<"+to+">:\nSorry, no mailbox here by that name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n"+invitation(n, to)))

	n, to = contact()
	bounce("qmail-remote-said", "permanent", mail(fromDaemon("MAILER-DAEMON@smtp.stadt-leipzig.de", us, "failure notice", "smtp.stadt-leipzig.de", "text/plain"),
		"Hi. This is the qmail-send program at smtp.stadt-leipzig.de.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n<"+to+">:\n192.0.2.17 does not like recipient.\nRemote host said: 550 5.1.1 <"+to+">: Recipient address rejected: User unknown\nGiving up on 192.0.2.17.\n\n--- Enclosed are the original headers of the message.\n\n"+invHeaders(n, to)))

	n, to = contact()
	bounce("courier-notice", "permanent", mail(fromDaemon("Courier mail server at mail.stadt-koeln.de <@>", us, "NOTICE: mail delivery status.", "mail.stadt-koeln.de", "multipart/report; report-type=delivery-status; boundary=\"=_courier-1505460500\""),
		multipartReport("=_courier-1505460500",
			textPart("This is a delivery status notification from mail.stadt-koeln.de,\nrunning the Courier mail server, version 0.78.\n\nThe original message was received on Fri, 15 Sep 2017 09:02:00 +0200\nfrom mail.un.org (mail.un.org [157.150.185.10])\n\n---------------------------------------------------------------------------\n\n                           UNDELIVERABLE MAIL\n\nYour message to the following recipients cannot be delivered:\n\n<"+to+">:\n    intern.stadt-koeln.de [10.3.3.3]:\n>>> RCPT TO:<"+to+">\n<<< 550 5.1.1 <"+to+">: Recipient address rejected: User unknown\n"),
			statusPart("Reporting-MTA: dns; mail.stadt-koeln.de\nArrival-Date: Fri, 15 Sep 2017 09:02:00 +0200\n\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; intern.stadt-koeln.de\nDiagnostic-Code: smtp; 550 5.1.1 <"+to+">: Recipient address rejected: User unknown\n"),
			headersOf(n, to))))

	n, to = contact()
	bounce("opensmtpd-hi-mailer-daemon", "permanent", mail(fromDaemon("Mailer Daemon <MAILER-DAEMON@mx.nuernberg.de>", us, "Delivery status notification: error", "mx.nuernberg.de", "multipart/mixed; boundary=\"15054605000.1234\""),
		"--15054605000.1234\nContent-Type: text/plain; charset=us-ascii\n\nHi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this email.\n\nAn error has occurred while attempting to deliver a message for\nthe following list of recipients:\n\n"+to+": 550 5.1.1 <"+to+">: Recipient address rejected: User unknown\n\nBelow is a copy of the original message:\n\n"+invitation(n, to)+"\n--15054605000.1234--\n"))
}

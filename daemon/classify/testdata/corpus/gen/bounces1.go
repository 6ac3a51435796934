package main

import "fmt"

// bounces1: Postfix, Sendmail, Exim, qmail, Exchange and Microsoft 365,
// Gmail, Yahoo, Outlook.com.
func bounces1() {
	for i, f := range []fail{fUnknown, fFull, fBlock, fDomain, fDisabled} {
		n, to := contact()
		bounce("postfix-"+f.key, f.verdict, postfix("mx1.un.org", n, to, f, i%2 == 1, i == 3))
	}
	n, to := contact()
	bounce("postfix-delayed", "delay", postfixDelay("mx1.un.org", n, to))
	n, to = contact()
	bounce("postfix-text-only", "permanent", postfixTextOnly("mail.un.org", n, to, fUnknown))

	for i, f := range []fail{fUnknown, fDomain, fSpam} {
		n, to := contact()
		bounce("sendmail-"+f.key, f.verdict, sendmail("relay.un.org", n, to, f, i == 1))
	}
	n, to = contact()
	bounce("sendmail-warning-4h", "delay", sendmailWarning("relay.un.org", n, to))
	n, to = contact()
	bounce("sendmail-expired-5d", "temporary", sendmailExpired("relay.un.org", n, to))

	for i, f := range []fail{fUnknown, fFull, fDmarc, fNoSuch} {
		n, to := contact()
		bounce("exim-"+f.key, f.verdict, exim("mail.un.org", n, to, f, i == 2))
	}
	n, to = contact()
	bounce("exim-retry-timeout", "temporary", eximRetryTimeout("mail.un.org", n, to))
	n, to = contact()
	bounce("exim-delayed-24h", "delay", eximDelay("mail.un.org", n, to))

	for _, f := range []fail{fUnknown, fFull, fDomain} {
		n, to := contact()
		bounce("qmail-"+f.key, f.verdict, qmail("mail.city-example.org", n, to, f))
	}
	n, to = contact()
	bounce("netqmail-no-mailbox", "permanent", netqmail(n, to))

	for i, lang := range []string{"en", "fr", "es", "de", "it", "pt", "nl", "ja"} {
		n, to := contact()
		f := rotate(i, fNoSuch, fFull, fSpam)
		if lang != "en" {
			f = fNoSuch
		}
		bounce("m365-ndr-"+lang, f.verdict, m365NDR(n, to, f, lang, i%3 == 0))
	}
	n, to = contact()
	bounce("m365-ndr-transport-rule", "policy", m365NDR(n, to, fail{"rule", "550", "5.7.1", "Delivery not authorized, message refused by transport rule", "policy"}, "en", false))
	n, to = contact()
	bounce("m365-delayed", "delay", m365Delay(n, to))
	n, to = contact()
	bounce("exchange2010-ndr", "permanent", exchange2010(n, to))
	n, to = contact()
	bounce("exchange2003-dsn-text", "permanent", exchange2003(n, to, "un.org"))

	for i, f := range []fail{fNoSuch, fFull, fBlock, fDomain} {
		n, to := contact()
		bounce("gmail-"+f.key, f.verdict, gmail(n, to, f, i%2 == 0))
	}
	n, to = contact()
	bounce("gmail-delay", "delay", gmailDelay(n, to))

	for _, f := range []fail{fUnknown, fDisabled} {
		n, to := contact()
		bounce("yahoo-"+f.key, f.verdict, yahoo(n, to, f))
	}
	for _, f := range []fail{fNoSuch, fFull} {
		n, to := contact()
		bounce("outlookcom-"+f.key, f.verdict, outlookCom(n, to, f))
	}
	n, to = contact()
	bounce("hotmail-old-dsn", "permanent", exchange2003(n, to, "hotmail.com"))
}

// dsnPart is an RFC 3464 message/delivery-status body.
func dsnPart(mta, to, action, status, remote, diag string, extra ...string) string {
	s := "Reporting-MTA: dns; " + mta + "\n"
	for _, e := range extra {
		s += e + "\n"
	}
	s += "Arrival-Date: " + date(1) + "\n\n"
	s += "Final-Recipient: rfc822; " + to + "\nOriginal-Recipient: rfc822;" + to + "\n"
	s += "Action: " + action + "\nStatus: " + status + "\n"
	if remote != "" {
		s += "Remote-MTA: dns; " + remote + "\n"
	}
	if diag != "" {
		s += "Diagnostic-Code: smtp; " + diag + "\n"
	}
	return s
}

func postfix(host string, n int, to string, f fail, headersOnly, unindented bool) string {
	b := fmt.Sprintf("%X.%d/%s", 0x8C2D21F4A2+n, 1505459000+n, host)
	remote := "mx." + domainOf(to)
	diagLine := fmt.Sprintf("%s %s <%s>: %s", f.code, f.status, to, f.text)
	diagField := "Diagnostic-Code: smtp; " + diagLine
	if unindented {
		// Some relays rewrap long fields without indenting the rest.
		diagField = "Diagnostic-Code: smtp; " + f.code + " " + f.status + " <" + to + ">:\n" + f.text
	} else if len(diagField) > 78 {
		diagField = "Diagnostic-Code: smtp; " + f.code + " " + f.status + " <" + to + ">:\n    " + f.text
	}
	orig := "Content-Description: Undelivered Message\nContent-Type: message/rfc822\nContent-Transfer-Encoding: 8bit\n\n" + invitation(n, to)
	if headersOnly {
		orig = "Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\nContent-Transfer-Encoding: 8bit\n\n" + invHeaders(n, to) + "\n"
	}
	return lines(
		"Return-Path: <>",
		"Received: by "+host+" (Postfix)",
		"\tid 8C2D21F4A2; "+date(3),
		"Date: "+date(3),
		"From: MAILER-DAEMON@"+host+" (Mail Delivery System)",
		"Subject: Undelivered Mail Returned to Sender",
		"To: "+us,
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"Content-Transfer-Encoding: 8bit",
		"Message-Id: "+id(host),
		"",
		"This is a MIME-encapsulated message.",
		"",
		"--"+b,
		"Content-Description: Notification",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"This is the mail system at host "+host+".",
		"",
		"I'm sorry to have to inform you that your message could not",
		"be delivered to one or more recipients. It's attached below.",
		"",
		"For further assistance, please send mail to postmaster.",
		"",
		"If you do so, please include this problem report. You can",
		"delete your own text from the attached returned message.",
		"",
		"                   The mail system",
		"",
		fmt.Sprintf("<%s>: host %s[203.0.113.%d] said: %s", to, remote, n, f.code+" "+f.status),
		fmt.Sprintf("    <%s>: %s (in reply to RCPT TO command)", to, f.text),
		"",
		"--"+b,
		"Content-Description: Delivery report",
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; "+host,
		"X-Postfix-Queue-ID: 8C2D21F4A2",
		"X-Postfix-Sender: rfc822; "+us,
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822; "+to,
		"Original-Recipient: rfc822;"+to,
		"Action: failed",
		"Status: "+f.status,
		"Remote-MTA: dns; "+remote,
		diagField,
		"",
		"--"+b,
		orig,
		"--"+b+"--",
	)
}

func postfixDelay(host string, n int, to string) string {
	b := fmt.Sprintf("A1B2C3D4E5.%d/%s", 1505480000+n, host)
	return lines(
		"Return-Path: <>",
		"Date: "+date(240),
		"From: MAILER-DAEMON@"+host+" (Mail Delivery System)",
		"Subject: Delayed Mail (still being retried)",
		"To: "+us,
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"Message-Id: "+id(host),
		"",
		"This is a MIME-encapsulated message.",
		"",
		"--"+b,
		"Content-Description: Notification",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"This is the mail system at host "+host+".",
		"",
		"####################################################################",
		"# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #",
		"####################################################################",
		"",
		"Your message could not be delivered for more than 4 hour(s).",
		"It will be retried until it is 5 day(s) old.",
		"",
		"                   The mail system",
		"",
		"<"+to+">: connect to mx."+domainOf(to)+"[203.0.113.9]:25: Connection timed out",
		"",
		"--"+b,
		"Content-Description: Delivery report",
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; "+host,
		"X-Postfix-Queue-ID: A1B2C3D4E5",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822; "+to,
		"Action: delayed",
		"Status: 4.4.1",
		"Diagnostic-Code: X-Postfix; connect to mx."+domainOf(to)+"[203.0.113.9]:25: Connection",
		"    timed out",
		"Will-Retry-Until: "+date(7200),
		"",
		"--"+b,
		"Content-Description: Undelivered Message Headers",
		"Content-Type: text/rfc822-headers",
		"",
		invHeaders(n, to),
		"",
		"--"+b+"--",
	)
}

// postfixTextOnly is a Postfix notice whose report parts a relay dropped.
func postfixTextOnly(host string, n int, to string, f fail) string {
	return lines(
		"Return-Path: <>",
		"Date: "+date(5),
		"From: Mail Delivery System <MAILER-DAEMON@"+host+">",
		"Subject: Undelivered Mail Returned to Sender",
		"To: "+us,
		"Message-Id: "+id(host),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"This is the mail system at host "+host+".",
		"",
		"I'm sorry to have to inform you that your message could not",
		"be delivered to one or more recipients. It's attached below.",
		"",
		"                   The mail system",
		"",
		"<"+to+">: host mx."+domainOf(to)+"[203.0.113.20] said: "+f.code+" "+f.status,
		"    <"+to+">: "+f.text+" (in reply to RCPT TO command)",
		"",
		"------ This is a copy of the message, including all the headers. ------",
		"",
		invitation(n, to),
	)
}

func sendmailHeader(host, subject, b string) string {
	return lines(
		"Return-Path: <>",
		"Received: from localhost (localhost)",
		"\tby "+host+" (8.15.2/8.15.2) id v8F73OWm012345;",
		"\t"+date(4),
		"Date: "+date(4),
		"From: Mail Delivery Subsystem <MAILER-DAEMON@"+host+">",
		"Message-Id: "+id(host),
		"To: <"+us+">",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"Subject: "+subject,
		"Auto-Submitted: auto-generated (failure)",
		"",
		"This is a MIME-encapsulated message",
		"",
		"--"+b,
		"",
	)
}

func sendmail(host string, n int, to string, f fail, headersOnly bool) string {
	b := fmt.Sprintf("v8F73OWm%06d.%d/%s", n, 1505459040+n, host)
	subject := "Returned mail: see transcript for details"
	if f.key == "nodomain" {
		subject = "Returned mail: Host unknown (Name server: mx." + domainOf(to) + ": host not found)"
	}
	orig := "Content-Type: message/rfc822\n\n" + invitation(n, to)
	if headersOnly {
		orig = "Content-Type: text/rfc822-headers\n\n" + invHeaders(n, to) + "\n"
	}
	return sendmailHeader(host, subject, b) + lines(
		"The original message was received at "+date(1),
		"from mail.un.org [157.150.185.10]",
		"",
		"   ----- The following addresses had permanent fatal errors -----",
		"<"+to+">",
		"    (reason: "+f.code+" "+f.status+" <"+to+">... "+f.text+")",
		"",
		"   ----- Transcript of session follows -----",
		"... while talking to mx."+domainOf(to)+".:",
		">>> RCPT To:<"+to+">",
		"<<< "+f.code+" "+f.status+" <"+to+">... "+f.text,
		f.code+" "+f.status+" <"+to+">... "+f.text,
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; "+host,
		"Received-From-MTA: DNS; mail.un.org",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: RFC822; "+to,
		"Action: failed",
		"Status: "+f.status,
		"Remote-MTA: DNS; mx."+domainOf(to),
		"Diagnostic-Code: SMTP; "+f.code+" "+f.status+" <"+to+">... "+f.text,
		"Last-Attempt-Date: "+date(4),
		"",
		"--"+b,
		orig,
		"--"+b+"--",
	)
}

func sendmailWarning(host string, n int, to string) string {
	b := fmt.Sprintf("v8FB3OWm%06d.%d/%s", n, 1505473440+n, host)
	return sendmailHeader(host, "Warning: could not send message for past 4 hours", b) + lines(
		"    **********************************************",
		"    **      THIS IS A WARNING MESSAGE ONLY      **",
		"    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **",
		"    **********************************************",
		"",
		"The original message was received at "+date(1),
		"from mail.un.org [157.150.185.10]",
		"",
		"   ----- Transcript of session follows -----",
		"<"+to+">... Deferred: Connection timed out with mx."+domainOf(to)+".",
		"Warning: message still undelivered after 4 hours",
		"Will keep trying until message is 5 days old",
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; "+host,
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: RFC822; "+to,
		"Action: delayed",
		"Status: 4.4.1",
		"Remote-MTA: DNS; mx."+domainOf(to),
		"Last-Attempt-Date: "+date(240),
		"Will-Retry-Until: "+date(7200),
		"",
		"--"+b,
		"Content-Type: text/rfc822-headers",
		"",
		invHeaders(n, to),
		"",
		"--"+b+"--",
	)
}

// sendmailExpired: the retry period ran out; Action "expired", which
// some MTAs write, is a failure.
func sendmailExpired(host string, n int, to string) string {
	b := fmt.Sprintf("v8K73OWm%06d.%d/%s", n, 1505890000+n, host)
	return sendmailHeader(host, "Returned mail: Cannot send message for 5 days", b) + lines(
		"The original message was received at "+date(1),
		"from mail.un.org [157.150.185.10]",
		"",
		"   ----- The following addresses had permanent fatal errors -----",
		"<"+to+">",
		"    (reason: 451 4.4.1 Connection timed out with mx."+domainOf(to)+")",
		"",
		"   ----- Transcript of session follows -----",
		"<"+to+">... Deferred: Connection timed out with mx."+domainOf(to)+".",
		"Message could not be delivered for 5 days",
		"Message will be deleted from queue",
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; "+host,
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: RFC822; "+to,
		"Action: expired",
		"Status: 4.4.7",
		"Remote-MTA: DNS; mx."+domainOf(to),
		"Diagnostic-Code: SMTP; 451 4.4.1 Connection timed out",
		"Last-Attempt-Date: "+date(7200),
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"",
		invitation(n, to),
		"--"+b+"--",
	)
}

func eximHeader(host, subject, to string, failed bool) string {
	h := lines(
		"Return-path: <>",
		"Envelope-to: "+us,
		"Delivery-date: "+date(2),
		"Received: from mail by "+host+" with local (Exim 4.89)",
		"\tid 1dsQ2x-0002Ab-7K",
		"\tfor "+us+"; "+date(2),
	)
	if failed {
		h += "\nX-Failed-Recipients: " + to
	}
	return h + "\n" + lines(
		"Auto-Submitted: auto-replied",
		"From: Mail Delivery System <Mailer-Daemon@"+host+">",
		"To: "+us,
		"Subject: "+subject,
		"Message-Id: "+id(host),
		"Date: "+date(2),
		"",
	)
}

func exim(host string, n int, to string, f fail, noXFailed bool) string {
	return eximHeader(host, "Mail delivery failed: returning message to sender", to, !noXFailed) + lines(
		"This message was created automatically by mail delivery software.",
		"",
		"A message that you sent could not be delivered to one or more of its",
		"recipients. This is a permanent error. The following address(es) failed:",
		"",
		"  "+to,
		"    host mx."+domainOf(to)+" [203.0.113.44]",
		"    SMTP error from remote mail server after RCPT TO:<"+to+">:",
		"    "+f.code+" "+f.status+" "+f.text,
		"",
		"------ This is a copy of the message, including all the headers. ------",
		"",
		invitation(n, to),
	)
}

func eximRetryTimeout(host string, n int, to string) string {
	return eximHeader(host, "Mail delivery failed: returning message to sender", to, true) + lines(
		"This message was created automatically by mail delivery software.",
		"",
		"A message that you sent could not be delivered to one or more of its",
		"recipients. This is a permanent error. The following address(es) failed:",
		"",
		"  "+to,
		"    retry timeout exceeded",
		"    host mx."+domainOf(to)+" [203.0.113.45]: 451 4.3.0 Temporary local problem",
		"",
		"------ This is a copy of the message's headers. ------",
		"",
		invHeaders(n, to),
	)
}

func eximDelay(host string, n int, to string) string {
	return eximHeader(host, "Warning: message 1dsQ2x-0002Ab-7K delayed 24 hours", to, false) + lines(
		"This message was created automatically by mail delivery software.",
		"A message that you sent has not yet been delivered to one or more of its",
		"recipients after more than 24 hours on the queue on "+host+".",
		"",
		"The message identifier is:     1dsQ2x-0002Ab-7K",
		"The subject of the message is: "+invSubj,
		"The date of the message is:    "+date(0),
		"",
		"The address to which the message has not yet been delivered is:",
		"",
		"  "+to,
		"    host mx."+domainOf(to)+" [203.0.113.46]",
		"    Delay reason: SMTP error from remote mail server after RCPT TO:<"+to+">:",
		"    451 4.7.1 Greylisting in action, please come back later",
		"",
		"No action is required on your part. Delivery attempts will continue for",
		"some time, and this warning may be repeated at intervals if the message",
		"remains undelivered. Eventually the mail delivery software will give up,",
		"and when that happens, the message will be returned to you.",
	)
}

func qmail(host string, n int, to string, f fail) string {
	reason := "203.0.113.50 does not like recipient.\nRemote host said: " + f.code + " " + f.status + " <" + to + ">: " + f.text + "\nGiving up on 203.0.113.50."
	if f.key == "nodomain" {
		reason = "Sorry, I couldn't find any host named " + domainOf(to) + ". (#5.1.2)"
	}
	return lines(
		"Return-Path: <>",
		"Date: "+date(3),
		"From: MAILER-DAEMON@"+host,
		"To: "+us,
		"Subject: failure notice",
		"Message-ID: "+id(host),
		"",
		"Hi. This is the qmail-send program at "+host+".",
		"I'm afraid I wasn't able to deliver your message to the following addresses.",
		"This is a permanent error; I've given up. Sorry it didn't work out.",
		"",
		"<"+to+">:",
		reason,
		"",
		"--- Below this line is a copy of the message.",
		"",
		invitation(n, to),
	)
}

func netqmail(n int, to string) string {
	host := "mail." + domainOf(to)
	return lines(
		"Return-Path: <>",
		"Date: "+date(3),
		"From: MAILER-DAEMON@"+host,
		"To: "+us,
		"Subject: failure notice",
		"",
		"Hi. This is the qmail-send program at "+host+".",
		"I'm afraid I wasn't able to deliver your message to the following addresses.",
		"This is a permanent error; I've given up. Sorry it didn't work out.",
		"",
		"<"+to+">:",
		"Sorry, no mailbox here by that name. (#5.1.1)",
		"",
		"--- Below this line is a copy of the message.",
		"",
		invitation(n, to),
	)
}

package main

import "fmt"

// notice is a text/plain failure notice with the given header and body.
func notice(hdr []string, body ...string) string {
	return lines(append(append(hdr, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", ""), body...)...)
}

// reportOf wraps a readable text, a delivery-status and the original in
// multipart/report (RFC 6522).
func reportOf(hdr []string, b, text, dsn, orig string) string {
	return lines(append(hdr,
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=utf-8",
		"",
		text,
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		dsn,
		"--"+b,
		orig,
		"--"+b+"--")...)
}

func rfc822(n int, to string) string { return "Content-Type: message/rfc822\n\n" + invitation(n, to) }
func headersOf(n int, to string) string {
	return "Content-Type: text/rfc822-headers\n\n" + invHeaders(n, to) + "\n"
}

// bounces2: iCloud, Zoho, SES, SendGrid, Mailgun, Mimecast, Proofpoint,
// Barracuda, MessageLabs, Trend Micro, Sophos, Zimbra, Domino.
func bounces2() {
	for _, f := range []fail{fUnknown, fFull} {
		n, to := contact()
		bounce("icloud-"+f.key, f.verdict, icloud(n, to, f))
	}
	for _, f := range []fail{fUnknown, fSpam} {
		n, to := contact()
		bounce("zoho-"+f.key, f.verdict, zoho(n, to, f))
	}
	for _, f := range []fail{fNoSuch, fFull} {
		n, to := contact()
		bounce("ses-"+f.key, f.verdict, ses(n, to, f))
	}
	n, to := contact()
	bounce("sendgrid-unknown", "permanent", sendgrid(n, to, fUnknown))
	n, to = contact()
	bounce("sendgrid-blocked", "policy", sendgrid(n, to, fBlock))
	n, to = contact()
	bounce("mailgun-unknown", "permanent", mailgun(n, to, fNoSuch))
	n, to = contact()
	bounce("mailgun-full", "permanent", mailgun(n, to, fFull))
	n, to = contact()
	bounce("mimecast-invalid-recipient", "permanent", postfixTextOnly("mail.un.org", n, to,
		fail{"mimecast", "550", "5.1.1", "Invalid Recipient - https://community.mimecast.com/docs/DOC-1369#550 [Kq3kZbVkNCOhS4Cc2tmBgw.uk15]", "permanent"}))
	n, to = contact()
	bounce("mimecast-notice", "policy", mimecast(n, to))
	n, to = contact()
	bounce("proofpoint-unknown", "permanent", sendmail("mx0a-00123401.pphosted.com", n, to, fUnknown, false))
	n, to = contact()
	bounce("proofpoint-blocked", "policy", sendmail("mx0b-00123401.pphosted.com", n, to,
		fail{"pp", "554", "5.7.1", "Message rejected by Proofpoint: blocked by recipient's security policy", "policy"}, true))
	n, to = contact()
	bounce("barracuda-ndr", "permanent", postfix("barracuda."+domainOf(to), n, to,
		fail{"bar", "550", "5.1.1", "No such user (" + to + ")", "permanent"}, true, false))
	n, to = contact()
	bounce("barracuda-blocked", "policy", barracuda(n, to))
	for _, f := range []fail{fUnknown, fSpam} {
		n, to := contact()
		bounce("messagelabs-"+f.key, f.verdict, messagelabs(n, to, f))
	}
	for _, f := range []fail{fUnknown, fDomain} {
		n, to := contact()
		bounce("trendmicro-"+f.key, f.verdict, trendmicro(n, to, f))
	}
	n, to = contact()
	bounce("sophos-utm", "permanent", exim("utm."+domainOf(to), n, to, fUnknown, false))
	n, to = contact()
	bounce("sophos-central", "policy", sophos(n, to))
	for i, f := range []fail{fUnknown, fFull} {
		n, to := contact()
		bounce("zimbra-"+f.key, f.verdict, postfix("zimbra."+domainOf(to), n, to, f, i == 1, false))
	}
	for i, f := range []fail{fUnknown, fFull} {
		n, to := contact()
		bounce("domino-"+f.key, f.verdict, domino(n, to, f, i == 0))
	}
	n, to = contact()
	bounce("domino-delay", "delay", dominoDelay(n, to))
}

// icloud is the Sun/Oracle Messaging Server notice Apple's mail system sends.
func icloud(n int, to string, f fail) string {
	b := fmt.Sprintf("Boundary_(ID_7mK2d%04dQeXz3hJ7w)", n)
	hdr := []string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: Internet Mail Delivery <postmaster@icloud.com>",
		"Subject: Delivery Notification: Delivery has failed",
		"To: " + us,
		"Message-ID: " + id("st11p00mm-smtpin011.mac.com"),
	}
	text := lines(
		"This report relates to a message you sent with the following header fields:",
		"",
		"  Message-id: "+invID(n),
		"  Date: "+date(0),
		"  From: "+usName+" <"+us+">",
		"  To: "+to,
		"  Subject: "+invSubj,
		"",
		"Your message cannot be delivered to the following recipients:",
		"",
		"  Recipient address: "+to,
		"  Reason: Remote SMTP server has rejected address",
		"  Diagnostic code: smtp;"+f.code+" "+f.status+" <"+to+">: "+f.text,
		"  Remote system: dns;mx."+domainOf(to)+" (TCP|17.58.63.179|47892|203.0.113.70|25)",
		"",
	)
	dsn := dsnPart("st11p00mm-smtpin011.mac.com", to, "failed", f.status, "mx."+domainOf(to), f.code+" "+f.status+" <"+to+">: "+f.text)
	return reportOf(hdr, b, text, dsn, headersOf(n, to))
}

// zoho is Zoho Mail's failure notice.
func zoho(n int, to string, f fail) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: mailer-daemon@mx.zohomail.com",
		"To: " + us,
		"Subject: Undelivered Mail Returned to Sender",
		"Message-Id: " + id("mx.zohomail.com"),
		"Auto-Submitted: auto-replied",
	},
		"This message was created automatically by mail delivery software.",
		"A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.",
		"",
		"The following address(es) failed:",
		"",
		to+", ERROR CODE :"+f.code+" - "+f.status+" "+f.text,
		"",
		"Received: from mail.un.org",
		"Subject: "+invSubj,
		"Message-ID: "+invID(n),
	)
}

// ses is a bounce from Amazon SES's own MTA, sent to the Return-Path.
func ses(n int, to string, f fail) string {
	hdr := []string{
		"Return-Path: <>",
		"Date: " + date(1),
		"From: MAILER-DAEMON@amazonses.com",
		"To: " + us,
		"Subject: Delivery Status Notification (Failure)",
		"Message-ID: " + id("email.amazonses.com"),
	}
	text := lines("An error occurred while trying to deliver the mail to the following recipients:", to, "")
	dsn := dsnPart("a8-31.smtp-out.amazonses.com", to, "failed", f.status, "mx."+domainOf(to), f.code+"-"+f.status+" "+f.text)
	return reportOf(hdr, fmt.Sprintf("----=_Part_%d_ses", n), text, dsn, rfc822(n, to))
}

// sendgrid is the notice SendGrid forwards when bounce forwarding is on.
func sendgrid(n int, to string, f fail) string {
	return notice([]string{
		"Return-Path: <bounces+2412376-f3c2-" + localOf(us) + "=un.org@sendgrid.net>",
		"Date: " + date(4),
		"From: SendGrid Delivery <no-reply@sendgrid.net>",
		"To: " + us,
		"Subject: Undelivered Mail Returned to Sender",
		"Message-ID: " + id("sendgrid.net"),
	},
		"Your message could not be delivered to the following recipient:",
		"",
		"  "+to,
		"",
		"Bounce reason: "+f.code+" "+f.status+" "+f.text,
		"Bounce type: "+map[bool]string{true: "blocked", false: "bounce"}[f.verdict == "policy"],
		"",
		"Original message headers:",
		"Subject: "+invSubj,
		"Message-ID: "+invID(n),
	)
}

// mailgun is a notice from Mailgun's MTA.
func mailgun(n int, to string, f fail) string {
	hdr := []string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: Mail Delivery Subsystem <mailer-daemon@mg.un.org>",
		"To: " + us,
		"Subject: Delivery Status Notification (Failure)",
		"Message-Id: " + id("mailgun.net"),
	}
	text := lines("Delivery to the following recipient failed permanently:", "", "     "+to, "",
		"Technical details of permanent failure:", f.code+" "+f.status+" "+f.text, "")
	dsn := dsnPart("mailgun.net", to, "failed", f.status, "mx."+domainOf(to), f.code+" "+f.status+" "+f.text)
	return reportOf(hdr, fmt.Sprintf("mg-%d-report", n), text, dsn, headersOf(n, to))
}

// mimecast is Mimecast's own rejection notice.
func mimecast(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: Mimecast Postmaster <postmaster@mimecast.com>",
		"To: " + us,
		"Subject: Message Delivery Failure: " + invSubj,
		"Message-ID: " + id("mimecast.com"),
		"Auto-Submitted: auto-generated",
	},
		"Your message couldn't be delivered to the recipient(s) listed below.",
		"",
		"  "+to,
		"",
		"Reason: 550 Rejected by header based Anti-Spoofing policy: "+us+" - https://community.mimecast.com/docs/DOC-1369#550",
		"",
		"Original message headers:",
		"Subject: "+invSubj,
		"Message-ID: "+invID(n),
	)
}

// barracuda is the Barracuda Email Security Gateway's block notice.
func barracuda(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: MAILER-DAEMON@barracuda." + domainOf(to),
		"To: " + us,
		"Subject: **Message you sent blocked by our bulk email filter**",
		"Message-ID: " + id("barracuda."+domainOf(to)),
	},
		"Your message to: "+to,
		"was blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:",
		"",
		"Subject: "+invSubj,
		"",
		"Reason: 554 5.7.1 Message content rejected, bulk email",
	)
}

// messagelabs is Symantec MessageLabs' notice.
func messagelabs(n int, to string, f fail) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: MAILER-DAEMON@messagelabs.com",
		"To: " + us,
		"Subject: failure notice",
		"Message-ID: " + id("server-12.tower-210.messagelabs.com"),
	},
		"This is the mail delivery agent at messagelabs.com.",
		"I was not able to deliver your message to the following addresses.",
		"",
		"<"+to+">:",
		"203.0.113.80 does not like recipient.",
		"Remote host said: "+f.code+" "+f.status+" <"+to+">... "+f.text,
		"",
		"--- Below this line is a copy of the message.",
		"",
		invitation(n, to),
	)
}

// trendmicro is Trend Micro InterScan Messaging Security's notice.
func trendmicro(n int, to string, f fail) string {
	reason := "Unable to deliver message to <" + to + ">: " + f.code + " " + f.status + " " + f.text
	if f.key == "nodomain" {
		reason = "Unable to deliver message to <" + to + ">, due to being unable to connect successfully to the destination mail server. Host or domain name not found."
	}
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(4),
		"From: IMSVA@imsva." + domainOf(to),
		"To: " + us,
		"Subject: Undeliverable Mail",
		"Message-ID: " + id("imsva."+domainOf(to)),
	},
		reason,
		"",
		"---------- Original message headers ----------",
		invHeaders(n, to),
	)
}

// sophos is Sophos Central Email's block notice.
func sophos(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(2),
		"From: Sophos Email <do-not-reply@central.sophos.com>",
		"To: " + us,
		"Subject: Undeliverable: " + invSubj,
		"Message-ID: " + id("central.sophos.com"),
	},
		"Your message to "+to+" was rejected by Sophos Email.",
		"",
		"Reason: 554 5.7.1 Message blocked by policy (bulk mail)",
		"",
		"Message-ID: "+invID(n),
	)
}

// domino is Lotus/IBM Domino's DELIVERY FAILURE report.
func domino(n int, to string, f fail, notListed bool) string {
	why := "User " + localOf(to) + " (" + to + ") not listed in Domino Directory"
	status := "5.1.1"
	if !notListed {
		why = "Error transferring to mx." + domainOf(to) + "; SMTP Protocol Returned a Permanent Error " + f.code + " " + f.status + " " + f.text
		status = f.status
	}
	hdr := []string{
		"Return-Path: <>",
		"Date: " + date(3),
		"From: Postmaster@" + domainOf(to),
		"To: " + us,
		"Subject: DELIVERY FAILURE: " + why,
		"Message-ID: " + id("domino."+domainOf(to)),
		"Auto-Submitted: auto-generated (failure)",
	}
	text := lines("Your message", "", "  Subject: "+invSubj, "", "was not delivered to:", "", "  "+to, "", "because:", "", "  "+why, "")
	dsn := dsnPart("domino."+domainOf(to), to, "failed", status, "", why)
	return reportOf(hdr, fmt.Sprintf("0__=4EBB0A%04dDFD8f9e8a93df938690918c4EBB0A", n), text, dsn, headersOf(n, to))
}

func dominoDelay(n int, to string) string {
	return notice([]string{
		"Return-Path: <>",
		"Date: " + date(300),
		"From: Postmaster@" + domainOf(to),
		"To: " + us,
		"Subject: DELIVERY DELAYED: " + invSubj,
		"Auto-Submitted: auto-generated",
	},
		"Your message",
		"",
		"  Subject: "+invSubj,
		"",
		"has not yet been delivered to:",
		"",
		"  "+to,
		"",
		"because:",
		"",
		"  Delivery time threshold was exceeded. The router will keep trying to deliver it.",
	)
}

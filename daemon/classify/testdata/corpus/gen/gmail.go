package main

import "fmt"

// gmail is Gmail's failure notice: multipart/report around a
// multipart/related (text, HTML, an icon), the delivery-status and the
// original or its headers.
func gmail(n int, to string, f fail, headersOnly bool) string {
	var title, lead, response string
	switch f.key {
	case "nosuch", "unknown":
		title = "Address not found"
		lead = "Your message wasn't delivered to " + to + " because the address couldn't be found, or is unable to receive mail."
		response = "The response from the remote server was:\n550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces."
	case "nodomain":
		title = "Address not found"
		lead = "Your message wasn't delivered to " + to + " because the domain " + domainOf(to) + " couldn't be found. Check for typos or unnecessary spaces and try again."
		response = "The response was:\nDNS Error: 2763414 DNS type 'mx' lookup of " + domainOf(to) + " responded with code NXDOMAIN\nDomain name not found: " + domainOf(to)
	case "blocklist", "spam", "dmarc":
		title = "Message blocked"
		lead = "Your message to " + to + " has been blocked. See technical details below for more information."
		response = "The response was:\n" + f.code + " " + f.status + " " + f.text
	default:
		title = "Message not delivered"
		lead = "There was a problem delivering your message to " + to + ". See the technical details below."
		response = "The response was:\n" + f.code + " " + f.status + " " + f.text
	}
	return gmailNotice(n, to, "Delivery Status Notification (Failure)", title, lead, response, "failed", f.status,
		f.code+"-"+f.status+" "+f.text, headersOnly)
}

func gmailDelay(n int, to string) string {
	return gmailNotice(n, to, "Delivery Status Notification (Delay)", "Message not delivered yet",
		"There was a temporary problem delivering your message to "+to+". Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.",
		"The response was:\nThe recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720 [mx."+domainOf(to)+". 203.0.113.61: timed out]",
		"delayed", "4.4.1", "The recipient server did not accept our requests to connect.", true)
}

func gmailNotice(n int, to, subject, title, lead, response, action, status, diag string, headersOnly bool) string {
	b := fmt.Sprintf("000000000000b1e5c30559ca%04d", n)
	rel := fmt.Sprintf("000000000000b1f3c10559ca%04d", n)
	alt := fmt.Sprintf("000000000000b1f3c20559ca%04d", n)
	orig := "Content-Type: message/rfc822\n\n" + invitation(n, to)
	if headersOnly {
		orig = "Content-Type: text/rfc822-headers\n\n" + invHeaders(n, to) + "\n"
	}
	return lines(
		"Delivered-To: "+us,
		"Return-Path: <>",
		"Received: by 2002:a17:906:4e8a:0:0:0:0 with SMTP id v10csp4321ejv;",
		"        "+date(2),
		"MIME-Version: 1.0",
		"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
		"To: "+us,
		"Auto-Submitted: auto-replied",
		"Subject: "+subject,
		"References: "+invID(n),
		"In-Reply-To: "+invID(n),
		"X-Failed-Recipients: "+to,
		"Message-ID: "+id("mx.google.com"),
		"Date: "+date(2),
		"Content-Type: multipart/report; boundary=\""+b+"\"; report-type=delivery-status",
		"",
		"--"+b,
		"Content-Type: multipart/related; boundary=\""+rel+"\"",
		"",
		"--"+rel,
		"Content-Type: multipart/alternative; boundary=\""+alt+"\"",
		"",
		"--"+alt,
		"Content-Type: text/plain; charset=\"UTF-8\"",
		"",
		"",
		"** "+title+" **",
		"",
		lead,
		"",
		"Learn more here: https://support.google.com/mail/?p=NoSuchUser",
		"",
		response,
		"",
		"--"+alt,
		"Content-Type: text/html; charset=\"UTF-8\"",
		"",
		"<html><head></head><body><table><tr><td><h2>"+title+"</h2><p>"+lead+"</p></td></tr></table></body></html>",
		"",
		"--"+alt+"--",
		"--"+rel,
		"Content-Type: image/png; name=\"icon.png\"",
		"Content-Disposition: attachment; filename=\"icon.png\"",
		"Content-Transfer-Encoding: base64",
		"Content-ID: <icon.png>",
		"",
		"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
		"--"+rel+"--",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; googlemail.com",
		"Received-From-MTA: dns; decorte@un.org",
		"Arrival-Date: "+date(1),
		"X-Original-Message-ID: "+invID(n),
		"",
		"Final-Recipient: rfc822; "+to,
		"Action: "+action,
		"Status: "+status,
		"Remote-MTA: dns; mx."+domainOf(to)+". (203.0.113.61, the server for the domain "+domainOf(to)+".)",
		"Diagnostic-Code: smtp; "+diag,
		"Last-Attempt-Date: "+date(2),
		"",
		"--"+b,
		orig,
		"--"+b+"--",
	)
}

// yahoo is Yahoo's qmail-derived "Failure Notice".
func yahoo(n int, to string, f fail) string {
	reason := "Remote host said: " + f.code + " " + f.status + " " + f.text + " [RCPT_TO]"
	if f.key == "unknown" {
		reason = "554: delivery error: dd This user doesn't have a yahoo.com account (" + to + ") [0] - mta1234.mail.bf1.yahoo.com"
	}
	return lines(
		"Return-Path: <>",
		"Received: from mta1234.mail.bf1.yahoo.com by sonic301.consmr.mail.bf2.yahoo.com; "+date(2),
		"Date: "+date(2),
		"From: MAILER-DAEMON@yahoo.com",
		"To: "+us,
		"Subject: Failure Notice",
		"Message-ID: "+id("yahoo.com"),
		"",
		"Sorry, we were unable to deliver your message to the following address.",
		"",
		"<"+to+">:",
		reason,
		"",
		"--- Below this line is a copy of the message.",
		"",
		invitation(n, to),
	)
}

package main

import (
	"fmt"
	"strings"
)

func report(name, raw string) { add(name, "report", "no", "-", raw) }

// reports: ARF complaints, Microsoft JMRP, Amazon SES/SNS notifications,
// positive delivery reports, read receipts, Apple Mail's unsubscribe.
func reports() {
	n, to := contact()
	report("arf-yahoo", arf(n, to, "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>", "Yahoo!-Mail-Feedback/2.0", "abuse"))
	n, to = contact()
	report("arf-aol", arf(n, to, "AOL Feedback Loop <scomp@aol.net>", "AOL SComp", "abuse"))
	n, to = contact()
	report("arf-comcast", arf(n, to, "Comcast Feedback Loop <feedbackloop@comcastfbl.senderscore.net>", "Return Path FBL", "abuse"))
	n, to = contact()
	report("arf-fraud", arf(n, to, "Abuse Desk <abuse@isp-example.net>", "SpamCop/2.0", "fraud"))
	n, to = contact()
	report("arf-not-spam-report", arf(n, to, "Postmaster <fbl@mail.ru.example>", "Mail.Ru FBL", "not-spam"))
	for i := 0; i < 4; i++ {
		n, to = contact()
		report(fmt.Sprintf("jmrp-hotmail-%d", i+1), jmrp(n, to, i))
	}
	for i, kind := range []string{"Bounce", "Complaint", "Delivery", "BounceTransient"} {
		n, to = contact()
		report("ses-sns-"+strings.ToLower(kind), sesSNS(n, to, kind, i%2 == 0))
	}
	n, to = contact()
	report("ses-event-publishing", sesEvent(n, to))
	report("sns-subscription-confirmation", snsConfirm())
	n, to = contact()
	report("dsn-postfix-success", positiveDSN(n, to, "Successful Mail Delivery Report", "delivered", "2.0.0", "This is the mail system at host mx1.un.org.\n\nYour message was successfully delivered to the destination(s)\nlisted below. If the message was delivered to mailbox you will\nreceive no further notifications. Otherwise you may still receive\nnotifications of mail delivery errors from other systems.\n\n                   The mail system\n\n<"+to+">: delivery via mx."+domainOf(to)+"[203.0.113.5]:25: 250 2.0.0 Ok: queued as 3xvR1c"))
	n, to = contact()
	report("dsn-exchange-relayed", positiveDSN(n, to, "Relayed: "+invSubj, "relayed", "2.0.0", "Delivery to these recipients or groups is complete, but no delivery notification was sent by the destination server:\n\n"+to+"\n\nSubject: "+invSubj))
	n, to = contact()
	report("dsn-exchange-delivered", positiveDSN(n, to, "Delivered: "+invSubj, "delivered", "2.0.0", "Your message has been delivered to the following recipients:\n\n"+to+"\n\nSubject: "+invSubj))
	n, to = contact()
	report("dsn-sendmail-return-receipt", positiveDSN(n, to, "Return receipt", "relayed", "2.0.0", "The original message was received at "+date(1)+"\nfrom mail.un.org [157.150.185.10]\n\n   ----- The following addresses had successful delivery notifications -----\n<"+to+">  (relayed to non-DSN-aware mailer)"))
	n, to = contact()
	report("dsn-gmail-success-fr", positiveDSN(n, to, "Notification d'état de remise (réussite)", "delivered", "2.0.0", "Ceci est un accusé de réception automatique: votre message a bien été remis à "+to+"."))
	for i, c := range []struct{ subj, ua, disp, text string }{
		{"Read: " + invSubj, "Microsoft Outlook 16.0", "manual-action/MDN-sent-manually; displayed", "Your message\n\n  To: %s\n  Subject: " + invSubj + "\n\nwas read on " + date(90) + "."},
		{"Lu : " + invSubj, "Microsoft Outlook 16.0", "manual-action/MDN-sent-manually; displayed", "Votre message\n\n  À : %s\n  Objet : " + invSubj + "\n\na été lu le " + date(95) + "."},
		{"Leído: " + invSubj, "Microsoft Outlook 16.0", "manual-action/MDN-sent-manually; displayed", "Su mensaje\n\n  Para: %s\n  Asunto: " + invSubj + "\n\nse ha leído el " + date(100) + "."},
		{"Return Receipt (displayed) - " + invSubj, "Mozilla/5.0 Thunderbird/52.3.0", "manual-action/MDN-sent-manually; displayed", "This is a Return Receipt for the mail that you sent to %s.\n\nNote: This Return Receipt only acknowledges that the message was displayed on the recipient's computer."},
		{"Not read: " + invSubj, "Microsoft Outlook 16.0", "manual-action/MDN-sent-automatically; deleted", "Your message\n\n  To: %s\n  Subject: " + invSubj + "\n\nwas deleted without being read on " + date(300) + "."},
		{"Gelesen: " + invSubj, "Microsoft Outlook 16.0", "manual-action/MDN-sent-manually; displayed", "Ihre Nachricht\n\n  An: %s\n  Betreff: " + invSubj + "\n\nwurde am " + date(110) + " gelesen."},
	} {
		n, to = contact()
		report(fmt.Sprintf("mdn-%d", i+1), mdn(n, to, c.subj, c.ua, c.disp, fmt.Sprintf(c.text, to)))
	}
	for i := 0; i < 3; i++ {
		n, to = contact()
		report(fmt.Sprintf("apple-unsubscribe-%d", i+1), appleUnsub(n, to, i))
	}
}

func arf(n int, to, from, agent, ftype string) string {
	b := fmt.Sprintf("----=_ARF_%d", n)
	return lines(
		"Return-Path: <>",
		"From: "+from,
		"To: "+us,
		"Date: "+date(600),
		"Subject: Email Feedback Report for IP 157.150.185.10",
		"Message-ID: "+id("fbl.example"),
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=feedback-report; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=\"US-ASCII\"",
		"",
		"This is an email abuse report for an email message received from IP",
		"157.150.185.10 on "+date(1)+". For more information about this format",
		"please see http://www.mipassoc.org/arf/.",
		"",
		"--"+b,
		"Content-Type: message/feedback-report",
		"",
		"Feedback-Type: "+ftype,
		"User-Agent: "+agent,
		"Version: 1",
		"Original-Mail-From: <"+us+">",
		"Original-Rcpt-To: <"+to+">",
		"Arrival-Date: "+date(1),
		"Reporting-MTA: dns; fbl.example",
		"Source-IP: 157.150.185.10",
		"Reported-Domain: un.org",
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"Content-Disposition: inline",
		"",
		invitation(n, to),
		"--"+b+"--",
	)
}

// jmrp is a Microsoft Junk Mail Reporting Program complaint: no ARF part.
func jmrp(n int, to string, variant int) string {
	b := fmt.Sprintf("--JMRP-%d--", n)
	orig := strings.Replace(invitation(n, to), "Return-Path: <"+us+">", "X-HmXmrOriginalRecipient: <"+to+">\nReturn-Path: <"+us+">", 1)
	subj := "complaint about message from 157.150.185.10"
	if variant%2 == 1 {
		// Some relays lose the marker header: the subject and text remain.
		orig = invitation(n, to)
	}
	if variant == 3 {
		subj = "Fw: " + invSubj
	}
	return lines(
		"Return-Path: <staff@hotmail.com>",
		"From: staff@hotmail.com",
		"To: "+us,
		"Date: "+date(700),
		"Subject: "+subj,
		"Message-ID: "+id("hotmail.com"),
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=\"us-ascii\"",
		"",
		"This is an email abuse report for an email message received from IP 157.150.185.10 on "+date(1)+".",
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"Content-Disposition: inline",
		"",
		orig,
		"--"+b+"--",
	)
}

// sesJSON is an SES notification of kind for to.
func sesJSON(n int, to, kind string) string {
	mail := fmt.Sprintf(`"mail":{"timestamp":"2017-09-15T07:00:01.000Z","source":"%s","sourceArn":"arn:aws:ses:eu-west-1:123456789012:identity/un.org","messageId":"0102015e8a1c%04d-5c1f-4e2a","destination":["%s"],"commonHeaders":{"from":["%s"],"to":["%s"],"messageId":"%s","subject":"%s"}}`,
		us, n, to, us, to, strings.Trim(invID(n), "<>"), invSubj)
	switch kind {
	case "Complaint":
		return fmt.Sprintf(`{"notificationType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"%s"}],"timestamp":"2017-09-15T09:12:00.000Z","feedbackId":"0102015e8a2f-%04d","userAgent":"Yahoo!-Mail-Feedback/2.0","complaintFeedbackType":"abuse"},%s}`, to, n, mail)
	case "Delivery":
		return fmt.Sprintf(`{"notificationType":"Delivery","delivery":{"timestamp":"2017-09-15T07:00:03.000Z","processingTimeMillis":2300,"recipients":["%s"],"smtpResponse":"250 2.0.0 OK","reportingMTA":"a8-31.smtp-out.amazonses.com"},%s}`, to, mail)
	case "BounceTransient":
		return fmt.Sprintf(`{"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","bouncedRecipients":[{"emailAddress":"%s","action":"failed","status":"4.2.2","diagnosticCode":"smtp; 452 4.2.2 Mailbox full"}],"timestamp":"2017-09-15T07:00:05.000Z","feedbackId":"0102015e8a1c-%04d","reportingMTA":"dsn; a8-31.smtp-out.amazonses.com"},%s}`, to, n, mail)
	}
	return fmt.Sprintf(`{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"%s","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2017-09-15T07:00:05.000Z","feedbackId":"0102015e8a1c-%04d","reportingMTA":"dsn; a8-31.smtp-out.amazonses.com"},%s}`, to, n, mail)
}

// sesSNS is an SES notification delivered by SNS's email subscription:
// the SNS envelope (or its "raw" form) as the body.
func sesSNS(n int, to, kind string, envelope bool) string {
	body := sesJSON(n, to, kind)
	if envelope {
		esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(body)
		body = fmt.Sprintf("{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : \"5b6c1e1f-%04d-5a0c-9a4e-2c7d3a8f0e11\",\n  \"TopicArn\" : \"arn:aws:sns:eu-west-1:123456789012:ses-notifications\",\n  \"Message\" : \"%s\",\n  \"Timestamp\" : \"2017-09-15T07:00:06.123Z\",\n  \"SignatureVersion\" : \"1\",\n  \"Signature\" : \"dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==\",\n  \"SigningCertURL\" : \"https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem\",\n  \"UnsubscribeURL\" : \"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:ses-notifications:0a1b\"\n}", n, esc)
	}
	return lines(
		"Return-Path: <0100015e8a1c-"+fmt.Sprint(n)+"@amazonses.com>",
		"From: AWS Notifications <no-reply@sns.amazonaws.com>",
		"To: "+us,
		"Subject: AWS Notification Message",
		"Date: "+date(5),
		"Message-ID: "+id("eu-west-1.amazonses.com"),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
		"Content-Transfer-Encoding: 7bit",
		"x-amz-sns-message-type: Notification",
		"",
		body,
	)
}

// sesEvent is an SES event-publishing record (eventType) sent by mail.
func sesEvent(n int, to string) string {
	body := strings.Replace(sesJSON(n, to, "Complaint"), `"notificationType"`, `"eventType"`, 1)
	return lines(
		"Return-Path: <0100015e8a1d-"+fmt.Sprint(n)+"@amazonses.com>",
		"From: ses-events@un.org",
		"To: "+us,
		"Subject: Amazon SES Email Event Notification",
		"Date: "+date(5),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
		"",
		body,
	)
}

func snsConfirm() string {
	return lines(
		"Return-Path: <0100015e8a00-1@amazonses.com>",
		"From: AWS Notifications <no-reply@sns.amazonaws.com>",
		"To: "+us,
		"Subject: AWS Notification - Subscription Confirmation",
		"Date: "+date(-60),
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=UTF-8",
		"",
		`{"Type" : "SubscriptionConfirmation", "MessageId" : "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", "Token" : "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736", "TopicArn" : "arn:aws:sns:eu-west-1:123456789012:ses-notifications", "Message" : "You have chosen to subscribe to the topic arn:aws:sns:eu-west-1:123456789012:ses-notifications. To confirm the subscription, visit the SubscribeURL included in this message."}`,
	)
}

func positiveDSN(n int, to, subject, action, status, text string) string {
	b := fmt.Sprintf("POS.%d/mx1.un.org", n)
	return lines(
		"Return-Path: <>",
		"From: MAILER-DAEMON@mx1.un.org (Mail Delivery System)",
		"To: "+us,
		"Date: "+date(2),
		"Subject: "+enc(subject),
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=utf-8",
		"",
		text,
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; mx1.un.org",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822; "+to,
		"Original-Recipient: rfc822;"+to,
		"Action: "+action,
		"Status: "+status,
		"Remote-MTA: dns; mx."+domainOf(to),
		"Diagnostic-Code: smtp; 250 2.0.0 Ok: queued as 3xvR1c",
		"",
		"--"+b,
		headersOf(n, to),
		"--"+b+"--",
	)
}

func mdn(n int, to, subject, ua, disp, text string) string {
	b := fmt.Sprintf("----=_MDN_%d", n)
	return lines(
		"Return-Path: <"+to+">",
		"From: "+to,
		"To: "+us,
		"Date: "+date(90),
		"Subject: "+enc(subject),
		"Message-ID: "+id(domainOf(to)),
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=disposition-notification; boundary=\""+b+"\"",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=utf-8",
		"",
		text,
		"",
		"--"+b,
		"Content-Type: message/disposition-notification",
		"",
		"Reporting-UA: "+domainOf(to)+"; "+ua,
		"Final-Recipient: rfc822;"+to,
		"Original-Message-ID: "+invID(n),
		"Disposition: "+disp,
		"",
		"--"+b+"--",
	)
}

// appleUnsub is what Apple Mail sends to a List-Unsubscribe mailto when
// its user taps "Unsubscribe".
func appleUnsub(n int, to string, i int) string {
	subj := []string{"unsubscribe", "Unsubscribe", "unsubscribe " + invSubj}[i]
	return lines(
		"Return-Path: <"+to+">",
		"From: "+to,
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: 7bit",
		"Mime-Version: 1.0 (Mac OS X Mail 11.0 \\(3445.1.7\\))",
		"Subject: "+subj,
		"X-Apple-Unsubscribe: true",
		"Message-Id: "+id(domainOf(to)),
		"Date: "+date(1000+i),
		"To: "+us,
		"",
		"This message was automatically generated by Mail on behalf of a user. It was sent to unsubscribe from a mailing list.",
	)
}

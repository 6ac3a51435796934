package main

// blindGateways: security gateways (Mimecast, Proofpoint, Barracuda,
// MessageLabs, Trend Micro, Sophos, Cisco, Fortinet) and groupware or
// small-business servers (Domino, Zimbra, GroupWise, hMailServer,
// MDaemon, SmarterMail, Kerio, IceWarp, MailEnable, Axigen), lists.
func blindGateways() {
	n, to := contact()
	bounce("mimecast-antispoof-via-postfix", "policy", mail(fromDaemon("MAILER-DAEMON@mail.un.org (Mail Delivery System)", us, "Undelivered Mail Returned to Sender", "mail.un.org", "text/plain; charset=us-ascii"),
		"This is the mail system at host mail.un.org.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<"+to+">: host eu-smtp-inbound-1.mimecast.com[195.130.217.211] said:\n    550 Rejected by header based Anti-Spoofing policy: "+us+" -\n    https://community.mimecast.com/docs/DOC-1369#550\n    [Ab12Cd34EfGh56.eu176] (in reply to end of DATA command)\n"))
	n, to = contact()
	bounce("mimecast-own-notice", "permanent", mail(fromDaemon("Mimecast Postmaster <postmaster@"+domainOf(to)+">", us, "Delivery Failure Notice", "eu-smtp-delivery-176.mimecast.com", "multipart/alternative; boundary=\"mc_alt\"", "X-MC-Unique: Zy9A1bC2dE3fG4hI5jK6lM-1"),
		"--mc_alt\nContent-Type: text/plain; charset=utf-8\n\nYour message couldn't be delivered to the recipients shown below.\n\n"+to+"\n\nReason: Invalid Recipient\nThe recipient address does not exist. 550 5.1.1 Recipient address rejected\n\nSubject: "+invSubj+"\nSent: "+date(0)+"\n--mc_alt\nContent-Type: text/html; charset=utf-8\n\n<html><body><table><tr><td><b>Your message couldn't be delivered</b></td></tr><tr><td>"+to+"</td></tr><tr><td>Reason: Invalid Recipient</td></tr></table></body></html>\n--mc_alt--"))
	n, to = contact()
	bounce("proofpoint-policy-via-exim", "policy", mail(fromDaemon("Mail Delivery System <Mailer-Daemon@mail.un.org>", us, "Mail delivery failed: returning message to sender", "mail.un.org", "text/plain; charset=us-ascii", "X-Failed-Recipients: "+to, "Auto-Submitted: auto-replied"),
		"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n  "+to+"\n    host mx0a-00123401.pphosted.com [148.163.150.2]\n    SMTP error from remote mail server after end of data:\n    554 5.7.1 Message blocked due to a policy violation - see https://ipcheck.proofpoint.com/?ip=157.150.185.10\n"))
	n, to = contact()
	bounce("proofpoint-pps-unknown", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@pps.filterd>", us, "Undelivered Mail Returned to Sender", "mx0b-00123401.pphosted.com", "multipart/report; report-type=delivery-status; boundary=\"ppb\""),
		multipartReport("ppb",
			textPart("This is the mail system at host mx0b-00123401.pphosted.com.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients. It's attached below.\n\n<"+to+">: host exch."+domainOf(to)+"[10.20.30.40] said: 550 5.1.1 User\n    unknown (in reply to RCPT TO command)\n"),
			statusPart(dsnOf("mx0b-00123401.pphosted.com", to, "failed", "5.1.1", "550 5.1.1 User unknown")),
			headersOf(n, to))))
	n, to = contact()
	bounce("barracuda-bulk-blocked", "policy", mail(fromDaemon("Barracuda Email Security Gateway <postmaster@"+domainOf(to)+">", us, "**Message you sent blocked by our bulk email filter**", "barracuda."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message to: "+to+"\nwas blocked by our Spam Firewall. The email you sent with the following subject has NOT BEEN DELIVERED:\n\nSubject: "+invSubj+"\n\nReporting-MTA: dns; barracuda."+domainOf(to)+"\nArrival-Date: "+date(2)+"\n\nOriginal-Recipient: rfc822; "+to+"\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.7.1\nDiagnostic-Code: 550 5.7.1 Message content rejected, UBE, id=12345-02-3\n"))
	n, to = contact()
	bounce("messagelabs-permanent", "permanent", mail(fromDaemon("MAILER-DAEMON@messagelabs.com", us, "Delivery Status Notification (Failure)", "server-3.tower-228.messagelabs.com", "text/plain; charset=us-ascii"),
		"This is an automatically generated Delivery Status Notification.\n\nDelivery to the following recipients failed permanently:\n\n   * "+to+"\n\nTechnical details of permanent failure:\nPERM_FAILURE: SMTP Error (state 9): 550 5.1.1 <"+to+">... No such user\n\n   ----- Original message -----\n\n"+invHeaders(n, to)))
	n, to = contact()
	bounce("trendmicro-hosted-blocked", "policy", mail(fromDaemon("Trend Micro Email Security <noreply@tmes.trendmicro.eu>", us, "Undeliverable: "+invSubj, "tmes.trendmicro.eu", "text/plain; charset=utf-8", "Auto-Submitted: auto-generated"),
		"The message you sent was not delivered.\n\nRecipient: "+to+"\nReason: 550 5.7.1 Message rejected by content filtering policy of the recipient's organisation.\n\nThe original message was quarantined by Trend Micro Email Security.\n"))
	n, to = contact()
	bounce("sophos-rejected", "policy", mail(fromDaemon("Sophos Email Appliance <MAILER-DAEMON@sea."+domainOf(to)+">", us, "Undeliverable message: "+invSubj, "sea."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message to "+to+" was rejected by the Sophos Email Appliance because it was identified as spam.\n\n554 5.7.1 Message rejected: spam content detected\n\n------ Original message headers ------\n"+invHeaders(n, to)))
	n, to = contact()
	bounce("cisco-ironport-bounce", "permanent", mail(fromDaemon("Mail Delivery System <MAILER-DAEMON@esa1."+domainOf(to)+">", us, "Delivery Status Notification (Failure)", "esa1."+domainOf(to), "multipart/report; report-type=delivery-status; boundary=\"===============ironport==\""),
		multipartReport("===============ironport==",
			textPart("The message you sent to "+domainOf(to)+"/"+localOf(to)+" was rejected because the address could not be found.\n\nThe remote server said: 550 #5.1.0 Address rejected.\n"),
			statusPart("Reporting-MTA: dns; esa1."+domainOf(to)+"\nX-Postfix-Queue-ID: 1234\n\nFinal-Recipient: rfc822; "+to+"\nAction: failed\nStatus: 5.1.0\nDiagnostic-Code: smtp; 550 #5.1.0 Address rejected.\n"),
			headersOf(n, to))))
	n, to = contact()
	bounce("fortimail-unknown", "permanent", mail(fromDaemon("postmaster@fortimail."+domainOf(to), us, "DELIVERY FAILURE", "fortimail."+domainOf(to), "text/plain; charset=utf-8"),
		"The following message could not be delivered to its recipient(s):\n\n  "+to+" : 550 5.1.1 <"+to+">... User unknown\n\nMessage details:\n  Subject: "+invSubj+"\n  Sent: "+date(0)+"\n"))

	n, to = contact()
	bounce("domino-not-listed-text", "permanent", mail(fromDaemon("Postmaster@"+domainOf(to), us, "DELIVERY FAILURE: User "+localOf(to)+" ("+to+") not listed in Domino Directory", "notes."+domainOf(to), "multipart/report; report-type=delivery-status; boundary=\"0__=domino\""),
		multipartReport("0__=domino",
			textPart("Your message\n\n  Subject: "+invSubj+"\n\nwas not delivered to:\n\n  "+to+"\n\nbecause:\n\n  User "+localOf(to)+" ("+to+") not listed in Domino Directory\n"),
			statusPart("Reporting-MTA: dns;notes."+domainOf(to)+"\n\nFinal-Recipient: rfc822;"+to+"\nAction: failed\nStatus: 5.0.0\n"),
			headersOf(n, to))))
	n, to = contact()
	bounce("zimbra-quota-deferred", "delay", mail(fromDaemon("MAILER-DAEMON@zimbra."+domainOf(to)+" (Mail Delivery System)", us, "Delayed Mail (still being retried)", "zimbra."+domainOf(to), "text/plain; charset=us-ascii"),
		"This is the mail system at host zimbra."+domainOf(to)+".\n\n####################################################################\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n####################################################################\n\nYour message could not be delivered for more than 3 hour(s).\nIt will be retried until it is 5 day(s) old.\n\n<"+to+">: delivery temporarily suspended: LMTP server\n    zimbra."+domainOf(to)+"[10.1.1.5] said: 452 4.2.2 Over quota\n"))
	n, to = contact()
	bounce("groupwise-undeliverable", "permanent", mail(fromDaemon("Mail Delivery System <postmaster@gw."+domainOf(to)+">", us, "Message status - undeliverable", "gw."+domainOf(to), "text/plain; charset=utf-8"),
		"The message that you sent was undeliverable to the following:\n\t"+to+" (user not found)\n\nPossibly truncated original message follows:\n\n"+invHeaders(n, to)))
	n, to = contact()
	bounce("hmailserver-undeliverable", "permanent", mail(fromDaemon("MAILER-DAEMON@mail."+domainOf(to), us, "Message undeliverable: "+invSubj, "mail."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message did not reach some or all of the intended recipients.\n\n   Sent: "+date(0)+"\n   Subject: "+invSubj+"\n\nThe following recipient(s) could not be reached:\n\n"+to+"\n   Error Type: SMTP\n   Remote server (192.0.2.33) issued an error.\n   hMailServer sent: RCPT TO:<"+to+">\n   Remote server replied: 550 5.1.1 Unknown user\n\nhMailServer\n"))
	n, to = contact()
	bounce("mdaemon-permanent", "permanent", mail(fromDaemon("MDaemon@mail."+domainOf(to), us, "Permanent Delivery Failure", "mail."+domainOf(to), "text/plain; charset=utf-8", "X-MDaemon-Deliver-To: "+us, "X-MDDSN-Message: Yes"),
		"The attached message had PERMANENT fatal delivery errors!\n\nAfter one or more unsuccessful delivery attempts the attached message has\nbeen removed from the mail queue on this server.  The number and frequency\nof delivery attempts are determined by local configuration parameters.\n\nYOUR MESSAGE WAS NOT DELIVERED TO ANY OF ITS RECIPIENTS!\n\n--- Session Transcript ---\n Fri 2017-09-15 09:02:11: Parsing message <mail."+domainOf(to)+"\\pd50000001.msg>\n Fri 2017-09-15 09:02:11: *  To: "+to+"\n Fri 2017-09-15 09:02:12: <-- 550 5.1.1 <"+to+">: Recipient address rejected\n--- End Transcript ---\n"))
	n, to = contact()
	bounce("smartermail-failure", "permanent", mail(fromDaemon("Mail Delivery System <postmaster@"+domainOf(to)+">", us, "Undeliverable Mail", "mail."+domainOf(to), "text/plain; charset=utf-8"),
		"Delivery to the following recipients failed.\n\n       "+to+"\n\nReason: Remote host said: 550 5.1.1 "+to+": Recipient not found\n"))
	n, to = contact()
	bounce("kerio-delivery-failed", "permanent", mail(fromDaemon("Mail Delivery Subsystem <postmaster@kerio."+domainOf(to)+">", us, "Undeliverable: "+invSubj, "kerio."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message did not reach some or all of the intended recipients.\n\n  Subject: "+invSubj+"\n  Sent:    "+date(0)+"\n\nThe following recipient(s) could not be reached:\n\n  "+to+"\n     Error: 550 5.1.1 User unknown\n\n--\nKerio Connect\n"))
	n, to = contact()
	bounce("icewarp-failed", "permanent", mail(fromDaemon("Mail Delivery System <postmaster@"+domainOf(to)+">", us, "Undeliverable mail", "mail."+domainOf(to), "text/plain; charset=utf-8"),
		"Failed to deliver to '"+to+"'\nLOCAL module(account "+to+") reports:\n account does not exist\n"))
	n, to = contact()
	bounce("mailenable-failure", "permanent", mail(fromDaemon("POSTMASTER@"+domainOf(to), us, "Message Delivery Failure", "mail."+domainOf(to), "text/plain; charset=utf-8"),
		"MailEnable: Message could not be delivered to some recipients.\nThe following recipient(s) could not be reached:\n\n\tRecipient: [SMTP:"+to+"]\n\tReason: The message could not be delivered because the recipient's mailbox does not exist.\n"))
	n, to = contact()
	bounce("axigen-failure", "permanent", mail(fromDaemon("postmaster@"+domainOf(to), us, "Delivery failure notification", "axigen."+domainOf(to), "text/plain; charset=utf-8"),
		"Your message\n\n  Subject: "+invSubj+"\n\ncould not be delivered to the following recipient(s):\n\n  <"+to+">: 550 5.1.1 mailbox unavailable\n\nThis is a permanent error.\n"))
	n, to = contact()
	bounce("google-groups-no-permission", "policy", gNotice(n, to, "Delivery Status Notification (Failure)", "Message not delivered",
		"Your message couldn't be delivered to <b>"+to+"</b> because you don't have permission to post to this group.",
		"550 5.7.1 You don't have permission to post to this group", "failed", "5.7.1"))
	n, to = contact()
	bounce("listserv-rejected", "none", mail(fromDaemon("L-Soft list server at LISTSERV.UNIV-EXAMPLE.EDU (17.0) <LISTSERV@LISTSERV.UNIV-EXAMPLE.EDU>", us, "Rejected posting to CITIES-L@LISTSERV.UNIV-EXAMPLE.EDU", "listserv.univ-example.edu", "text/plain; charset=us-ascii"),
		"You are not authorized to send mail to the CITIES-L list from your\n"+us+" account. You might be authorized to send to the list from another of\nyour accounts, or perhaps when using another mail program which generates\nslightly different addresses. LISTSERV is unable to determine whether this\nis the case.\n\n------------------------ Rejected message (26 lines) --------------------------\n"+invHeaders(n, to)))
}

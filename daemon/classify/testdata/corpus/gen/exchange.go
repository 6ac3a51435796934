package main

import (
	"fmt"
	"mime"
	"strings"
)

// enc encodes a header value as RFC 2047 when it is not ASCII.
func enc(s string) string {
	for _, r := range s {
		if r > 126 {
			return mime.BEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// ndrText are Exchange Online's NDR sentences in the languages it sends
// them: subject prefix, "couldn't be delivered", "wasn't found at",
// diagnostics heading, "Remote Server returned", original headers.
var ndrText = map[string][6]string{
	"en": {"Undeliverable: ", "Your message to %s couldn't be delivered.", "%s wasn't found at %s.", "Diagnostic information for administrators:", "Remote Server returned '%s'", "Original message headers:"},
	"fr": {"Non remis : ", "Votre message à %s n'a pas pu être remis.", "%s est introuvable sur %s.", "Informations de diagnostic pour les administrateurs :", "Le serveur distant a retourné '%s'", "En-têtes du message d'origine :"},
	"es": {"No se puede entregar: ", "No se pudo entregar el mensaje a %s.", "No se encontró %s en %s.", "Información de diagnóstico para administradores:", "El servidor remoto devolvió '%s'", "Encabezados del mensaje original:"},
	"de": {"Unzustellbar: ", "Ihre Nachricht an %s konnte nicht übermittelt werden.", "%s wurde bei %s nicht gefunden.", "Diagnoseinformationen für Administratoren:", "Der Remoteserver hat '%s' zurückgegeben.", "Ursprüngliche Nachrichtenkopfzeilen:"},
	"it": {"Non recapitabile: ", "Impossibile recapitare il messaggio a %s.", "Impossibile trovare %s in %s.", "Informazioni di diagnostica per gli amministratori:", "Il server remoto ha restituito '%s'", "Intestazioni del messaggio originale:"},
	"pt": {"Não é possível entregar: ", "Não foi possível entregar a mensagem para %s.", "%s não foi encontrado em %s.", "Informações de diagnóstico para administradores:", "O servidor remoto retornou '%s'", "Cabeçalhos da mensagem original:"},
	"nl": {"Onbestelbaar: ", "Uw bericht aan %s kan niet worden bezorgd.", "%s is niet gevonden in %s.", "Diagnostische gegevens voor beheerders:", "De externe server heeft '%s' geretourneerd.", "Oorspronkelijke berichtkoppen:"},
	"ja": {"配信不能: ", "%s にメッセージを配信できませんでした。", "%[2]s で %[1]s が見つかりませんでした。", "管理者向けの診断情報:", "リモート サーバーから '%s' が返されました", "元のメッセージ ヘッダー:"},
}

func m365NDR(n int, to string, f fail, lang string, bare bool) string {
	return m365From(n, to, f, lang, bare, "Microsoft Outlook", "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org", "AM5PR0601MB2548.eurprd06.prod.outlook.com")
}

func outlookCom(n int, to string, f fail) string {
	return m365From(n, to, f, "en", false, "Microsoft Outlook", "postmaster@outlook.com", "DB5EUR03HT123.eop-EUR03.prod.protection.outlook.com")
}

// m365From is an Exchange Online NDR: multipart/report holding the
// readable notice (text and HTML, or HTML only when bare), the
// delivery-status and the original's headers.
func m365From(n int, to string, f fail, lang string, bare bool, fromName, from, server string) string {
	t := ndrText[lang]
	status, reply := f.status, fmt.Sprintf("%s %s %s", f.code, f.status, f.text)
	if f.key == "nosuch" {
		status, reply = "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
	}
	b := fmt.Sprintf("_000_e7c1%04dAM5PR0601MB2548eurprd_", n)
	alt := fmt.Sprintf("_002_e7c1%04dAM5PR0601MB2548eurprd_", n)
	plain := lines(
		fmt.Sprintf(t[1], to), "",
		fmt.Sprintf(t[2], localOf(to), domainOf(to)), "",
		t[3], "",
		"Generating server: "+server, "",
		to,
		fmt.Sprintf(t[4], reply), "",
		t[5], "",
		invHeaders(n, to),
	)
	html := "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body>" +
		"<p><b><font color=\"#000066\" size=\"3\" face=\"Arial\">" + fmt.Sprintf(t[1], to) + "</font></b></p>" +
		"<p><font size=\"2\">" + fmt.Sprintf(t[2], localOf(to), domainOf(to)) + "</font></p>" +
		"<p><b>" + t[3] + "</b></p><p>Generating server: " + server + "</p><p>" + to + "<br>" + fmt.Sprintf(t[4], reply) + "</p>" +
		"<p><b>" + t[5] + "</b></p><pre>" + strings.ReplaceAll(invHeaders(n, to), "<", "&lt;") + "</pre></body></html>"
	hdr := []string{
		"From: " + fromName + " <" + from + ">",
		"To: " + us,
		"Date: " + date(2),
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\"" + b + "\"",
	}
	if !bare {
		hdr = append(hdr, "X-MS-Exchange-Message-Is-Ndr:", "Auto-Submitted: auto-replied", "Return-Path: <>")
	}
	hdr = append(hdr,
		"Content-Language: "+lang+"-"+strings.ToUpper(lang),
		"Message-ID: "+id(server),
		"In-Reply-To: "+invID(n),
		"References: "+invID(n),
		"Thread-Topic: "+invSubj,
		"Subject: "+enc(t[0]+invSubj),
		"MIME-Version: 1.0",
		"",
		"--"+b,
		"Content-Type: multipart/alternative; differences=Content-Type;",
		"\tboundary=\""+alt+"\"",
		"",
	)
	if !bare {
		hdr = append(hdr, "--"+alt, "Content-Type: text/plain; charset=\"utf-8\"", "Content-Transfer-Encoding: 8bit", "", plain, "")
	}
	hdr = append(hdr,
		"--"+alt, "Content-Type: text/html; charset=\"utf-8\"", "Content-Transfer-Encoding: 8bit", "", html, "",
		"--"+alt+"--", "",
		"--"+b,
		"Content-Type: message/delivery-status", "",
		"Reporting-MTA: dns;"+server,
		"Received-From-MTA: dns;mail.un.org",
		"Arrival-Date: "+date(1), "",
		"Final-Recipient: rfc822;"+to,
		"Action: failed",
		"Status: "+status,
		"Diagnostic-Code: smtp;"+reply, "",
		"--"+b,
		"Content-Type: text/rfc822-headers", "",
		invHeaders(n, to), "",
		"--"+b+"--",
	)
	return lines(hdr...)
}

func m365Delay(n int, to string) string {
	b := fmt.Sprintf("_000_d3l4%04dAM5PR0601MB2548eurprd_", n)
	return lines(
		"From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@un.org>",
		"To: "+us,
		"Date: "+date(480),
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"Auto-Submitted: auto-replied",
		"Message-ID: "+id("AM5PR0601MB2548.eurprd06.prod.outlook.com"),
		"Subject: Delivery delayed:"+invSubj,
		"MIME-Version: 1.0",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=\"us-ascii\"",
		"",
		"Delivery is delayed to these recipients or groups:",
		"",
		to,
		"",
		"Subject: "+invSubj,
		"",
		"This message hasn't been delivered yet. Delivery will continue to be attempted.",
		"",
		"The server will keep trying to deliver this message for the next 1 days, 19 hours and 52 minutes. You'll be notified if the message can't be delivered by that time.",
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns;AM5PR0601MB2548.eurprd06.prod.outlook.com",
		"Received-From-MTA: dns;mail.un.org",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822;"+to,
		"Action: delayed",
		"Status: 4.4.7",
		"Will-Retry-Until: "+date(2880),
		"X-Display-Name: "+to,
		"",
		"--"+b,
		"Content-Type: text/rfc822-headers",
		"",
		invHeaders(n, to),
		"",
		"--"+b+"--",
	)
}

// exchange2010 is an on-premises Exchange 2010 NDR.
func exchange2010(n int, to string) string {
	b := fmt.Sprintf("_000_ex2010%04dmailunorg_", n)
	return lines(
		"From: Microsoft Exchange <postmaster@un.org>",
		"To: "+us,
		"Date: "+date(2),
		"Subject: Undeliverable: "+invSubj,
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"Message-ID: "+id("mail.un.org"),
		"MIME-Version: 1.0",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=\"us-ascii\"",
		"",
		"Delivery has failed to these recipients or groups:",
		"",
		to,
		"The e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message. If the problem continues, please contact your helpdesk.",
		"",
		"Diagnostic information for administrators:",
		"",
		"Generating server: mail.un.org",
		"",
		to,
		"#550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found ##",
		"",
		"Original message headers:",
		"",
		invHeaders(n, to),
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns;mail.un.org",
		"Received-From-MTA: dns;mail.un.org",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822;"+to,
		"Action: failed",
		"Status: 5.1.1",
		"Diagnostic-Code: smtp;550 5.1.1 RESOLVER.ADR.RecipientNotFound; not found",
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"",
		invitation(n, to),
		"--"+b+"--",
	)
}

// exchange2003 is the old "Delivery Status Notification (Failure)" of
// Exchange 2003 and Hotmail.
func exchange2003(n int, to, host string) string {
	b := fmt.Sprintf("9B095B5ADSN=_01D32E0C8A7E5B9C%08d%s", n, host)
	return lines(
		"From: postmaster@"+host,
		"To: "+us,
		"Date: "+date(2),
		"MIME-Version: 1.0",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"\tboundary=\""+b+"\"",
		"X-DSNContext: 335a7efd - 4523 - 00000001 - 80040546",
		"Message-ID: "+id(host),
		"Subject: Delivery Status Notification (Failure)",
		"",
		"This is a MIME-formatted message.",
		"Portions of this message may be unreadable without a MIME-capable mail program.",
		"",
		"--"+b,
		"Content-Type: text/plain; charset=unicode-1-1-utf-7",
		"",
		"This is an automatically generated Delivery Status Notification.",
		"",
		"Delivery to the following recipients failed.",
		"",
		"       "+to,
		"",
		"--"+b,
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns;"+host,
		"Received-From-MTA: dns;mail.un.org",
		"Arrival-Date: "+date(1),
		"",
		"Final-Recipient: rfc822;"+to,
		"Action: failed",
		"Status: 5.0.0",
		"",
		"--"+b,
		"Content-Type: message/rfc822",
		"",
		invitation(n, to),
		"--"+b+"--",
	)
}

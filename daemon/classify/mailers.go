package classify

import (
	"strings"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// A mailer is a non-standard bounce format: the texts that identify it.
type mailer struct {
	name string
	text func() *textmatch.Regexp
}

// mailers are tried in order on the body text: the sentences with which
// each MTA or service opens its failure notice, in the languages it uses.
// Postfix, Exchange and Gmail normally send RFC 3464 reports too; their
// texts matter when a relay or an old version strips the report part.
// The last entry, "mta-text", is wording any MTA may use; it counts only
// with other evidence (classifyTextBounce).
var mailers = []mailer{
	{"exim", textmatch.LazyScreened(`(?i)This message was created automatically by mail delivery software|A message that you sent could not be delivered to one or more of\s+its|following address\(es\) failed|retry timeout exceeded|SMTP error from remote mail server after|all relevant MX records point to non-existent hosts|Diese Nachricht wurde automatisch vom Mail-System erzeugt|Ce message a été créé automatiquement par le logiciel de distribution|Este mensaje fue creado automáticamente por el software de entrega`)},
	{"qmail", textmatch.LazyScreened(`(?i)This is the qmail-send program|I'm afraid I wasn't able to deliver your message|This is a permanent error; I've given up|Sorry, I couldn't find any host named|Sorry, no mailbox here by that name`)},
	{"postfix", textmatch.LazyScreened(`(?i)This is the mail system at host|I'm sorry to have to inform you that your message could not\s+be\s+delivered|\(in reply to (RCPT TO|end of DATA|MAIL FROM|DATA) command\)`)},
	{"sendmail", textmatch.LazyScreened(`(?i)The original message was received at|----- The following addresses had permanent fatal errors -----|----- Transcript of session follows -----|Cannot send message (within|for) \d+ (days?|hours?)|could not send message for past \d+`)},
	{"exchange", textmatch.LazyScreened(`(?i)Delivery has failed to these recipients or groups|Delivery is delayed to these recipients or groups|Your message to \S+ couldn'?t be delivered|Your message couldn'?t be delivered|Your message did not reach some or all of the intended recipients|The following recipient\(s\) cannot be reached|Diagnostic information for administrators|Remote Server returned '|` +
		`La remise a échoué pour ces destinataires|Votre message (à \S+ )?n'a pas pu être remis|Informations de diagnostic pour les administrateurs|` +
		`Error en la entrega a estos destinatarios|No se pudo entregar (el|su) mensaje|Información de diagnóstico para administradores|` +
		`Fehler bei der Zustellung an folgende Empfänger|Ihre Nachricht an \S+ konnte nicht (übermittelt|zugestellt) werden|Diagnoseinformationen für Administratoren|` +
		`Recapito non riuscito|Impossibile recapitare il messaggio|Informazioni di diagnostica per gli amministratori|` +
		`Falha na entrega para estes destinatários|Não foi possível entregar (a|sua) mensagem|Informações de diagnóstico para administradores|` +
		`Fout bij bezorgen|Uw bericht aan \S+ kan niet worden bezorgd|Diagnostische gegevens voor beheerders|` +
		`管理者向けの診断情報|メッセージを配信できませんでした`)},
	{"gmail", textmatch.LazyScreened(`(?i)\*\* Address not found \*\*|\*\* Message not delivered \*\*|\*\* Message blocked \*\*|\*\* Domain not found \*\*|Your message wasn'?t delivered to|Delivery to the following recipients? failed permanently|The response from the remote server was|There was a temporary problem delivering your message|Message not delivered yet`)},
	{"dsn-text", textmatch.LazyScreened(`(?i)This is an automatically generated Delivery Status Notification|Delivery to the following recipients? failed|This is the mail delivery agent at|I was (not |un)able to deliver your message to the following addresses|Sorry, we were unable to deliver your message to the following address|This report relates to a message you sent with the following header fields|Your message cannot be delivered to the following recipients|An error occurred while trying to deliver the mail to the following recipients`)},
	{"domino", textmatch.LazyScreened(`(?i)not listed in (the )?Domino Directory|not listed in public Name & Address Book|was not delivered to:|DELIVERY[ _]FAILURE:`)},
	{"courier", textmatch.LazyScreened(`(?i)running the Courier mail server|UNDELIVERABLE MAIL|DELAYED MAIL|Your message to the following recipients cannot be delivered`)},
	{"opensmtpd", textmatch.LazyScreened(`(?i)This is the MAILER-DAEMON, please DO NOT REPLY|An error has occurred while attempting to deliver a message|Below is a copy of the original message`)},
	{"dma", textmatch.LazyScreened(`(?i)This is the DragonFly Mail Agent|There was an error delivering your mail to`)},
	{"james", textmatch.LazyScreened(`(?i)This is the James mail server at`)},
	{"appliance", textmatch.LazyScreened(`(?i)blocked by our (Spam Firewall|bulk email filter)|has NOT BEEN DELIVERED|community\.mimecast\.com|Unable to deliver message to|Delivery failed for the following recipients|Message delivery has failed|could not be delivered due to|was (rejected|blocked) by (Mimecast|Proofpoint|Barracuda|Sophos|the recipient'?s? (mail|e-?mail) (server|system|gateway))`)},
	{"list-manager", textmatch.LazyScreened(`(?i)is being held until the list moderator can review it|awaits moderator approval|You are not allowed to post to this mailing list|has been rejected by the list moderator|You are not authorized to send mail to the \S+ list|not a subscriber of the list|Your message (for|to) (the )?list \S+ (\(attached below\) )?(was|has been) rejected|Votre message pour la liste \S+ (\(ci-joint\) )?a été rejeté|not a member of (the|this) (mailing )?list|rejected by the list`)},
	{"mta-text", textmatch.LazyScreened(`(?i)could not be delivered|couldn'?t be delivered|cannot be delivered|can'?t be delivered|was not delivered|has not been delivered|not yet been delivered|undeliverable|undelivered mail|delivery (has )?failed|failed to deliver|unable to deliver|permanent (fatal )?error|permanent(ly)? fail|permanent fatal errors|mailbox (unavailable|not found|full|is full)|user unknown|unknown user|no such (user|mailbox|recipient)|does not exist|recipient (address )?rejected|` +
		`n'a pas pu être (remis|délivré|distribué|livré|transmis)|non (remis|délivré|distribué)|échec de (la )?(remise|distribution|livraison)|impossible de (remettre|délivrer|distribuer)|` +
		`no (se )?(ha )?(pudo|puede|podido) (ser )?entrega|no ha podido ser entregado|no pudo ser entregado|mensaje no entregado|` +
		`konnte nicht (zugestellt|übermittelt) werden|unzustellbar|nicht zustellbar|` +
		`non (è|e') stato recapitato|impossibile recapitare|mancato recapito|` +
		`não (pôde|pode) ser entregue|não foi possível entregar|não entregue|` +
		`kon niet worden (afgeleverd|bezorgd)|kan niet worden bezorgd|niet afgeleverd|` +
		`配信できませんでした|配信に失敗|送信できませんでした|宛先不明|届けることができませんでした|無法投遞|无法投递|退信`)},
}

// bounceSubject matches the subjects MTAs give failure notices and delay
// warnings, at the start: English, and the localised forms of Exchange
// ("Non remis :", "No se puede entregar:", "Unzustellbar:", "Non
// recapitabile:", "Não é possível entregar:", "Onbestelbaar:", "配信不能:")
// and of other servers.
var bounceSubject = textmatch.Lazy(`(?i)^\s*(` +
	`undelivered mail returned to sender|undeliverable mail|undeliverable message|undelivered mail|undeliverable|undelivered|non-?deliverable|non-?delivery|returned mail|mail delivery failed|mail delivery failure|delivery status notification\s*(\((failure|delay|error)\)|:\s*(error|failure|delay))|delivery failure|failure notice|delivery (has )?failed|message not delivered|mail system error|warning: message .* delayed|warning: could not send message|delayed mail|delivery delayed|notice: mail delivery status|delivery notification: delivery has (failed|been delayed)|message delivery (has )?failed|message delivery failure|delivery_failure|could not send message|mail could not be delivered|failed mail|\[bounce\]|message (you sent )?blocked|message delivery failure|delivery failure notification|mail system error - returned mail|email delivery failure|` +
	`non remis|non distribuable|message non (remis|délivré|distribué)|courrier non (remis|délivré|distribué)|mail non (remis|délivré)|échec de (la )?(remise|distribution|livraison)|remise retardée|remise différée|notification d'état de (la )?remise|rapport de non-remise|impossible de remettre|` +
	`no se puede entregar|no se pudo entregar|no entregado|mensaje no entregado|error de entrega|fallo en la entrega|entrega retrasada|notificación de estado de (la )?entrega|correo devuelto|mensaje devuelto|imposible entregar|` +
	`unzustellbar|nicht zustellbar|unzustellbare nachricht|zustellung fehlgeschlagen|mailzustellung fehlgeschlagen|zustellung verzögert|benachrichtigung zum übermittlungsstatus|` +
	`non recapitabile|impossibile recapitare|mancato recapito|recapito non riuscito|messaggio non recapitato|consegna non riuscita|consegna ritardata|notifica dello stato di (consegna|recapito)|` +
	`não é possível entregar|não foi possível entregar|mensagem não entregue|falha na entrega|entrega atrasada|notificação de status de entrega|não entregue|` +
	`onbestelbaar|niet bezorgd|niet afgeleverd|bezorging mislukt|bezorging vertraagd|kan niet worden bezorgd|` +
	`配信不能|配信エラー|配信失敗|不達|宛先不明|メール配信エラー|退信|无法投递|未送达)`)

// delayText marks warnings that delivery is still being retried, and list
// messages held for a moderator: the message may still arrive.
var delayText = textmatch.LazyScreened(`(?i)has not yet been delivered|hasn'?t been delivered yet|not delivered yet|Delayed Mail \(still being retried\)|This is a warning only|Delivery Status Notification \(Delay\)|Delivery delayed|delivery is delayed|Delivery incomplete|still trying to deliver|temporary problem delivering|will (retry|keep trying|continue to (retry|try|be attempted))|Delivery will continue to be attempted|will be retried|could not send message for past|DELAYED MAIL|Remise retardée|remise différée|Entrega retrasada|Zustellung verzögert|consegna ritardata|entrega atrasada|vertraagd|non ancora recapitato|non [èe] stato ancora recapitato|continuer[àa] a tentare|pas encore (été )?(remis|distribu[ée]|d[ée]livr[ée])|a[úu]n no (ha sido )?entregado|ainda n[ãa]o (foi )?entregue|noch nicht zugestellt|awaits moderator approval|is being held until the list moderator`)

// returnedText marks the copy of the original that a failure notice
// appends (not the "Original message" separators mail clients use when a
// person replies or forwards).
var returnedText = textmatch.LazyScreened(`(?i)(This is a copy of the message|Below this line is a copy of the message|copy of the original message|original message follows|Message headers follow|Original message headers|Undelivered Message Headers|Enclosed are the original headers|The header of the original message is following|Your message reads \(in part\)|Reporting-MTA:)`)

// returnedMarker starts the copy of the original that bounce texts
// append; returnedScreen is the same pattern, screened, to skip texts
// without any.
var returnedMarker, returnedScreen = textmatch.Lazy(returnedExpr), textmatch.LazyScreened(returnedExpr)

const returnedExpr = `(?i)(This is a copy of the message|Below this line is a copy of the message|copy of the original message|Enclosed are the original headers|Original message headers:|original message follows|Message headers follow|Original message:|----- Original message -----|The header of the original message is following|Reporting-MTA:)`

// smtpContext are the words a failure notice puts before an SMTP reply
// code it quotes ("host mx said: 550", "<<< 550", "ERROR CODE :550",
// "Remote Server returned '550").
var smtpContext = textmatch.Lazy(`(?i)(said|reply|response|returned|error|code|smtp|host|server|reason|<<<|#)\W*$`)

// basicReply is an SMTP reply code (RFC 5321 §4.2): 4yz or 5yz.
var basicReply = textmatch.Lazy(`\b[45][0-5]\d\b`)

// smtpEvidence reports an SMTP reply or enhanced status code quoted as
// failure notices quote them (RFC 5321 §4.2, RFC 3463): "5.1.1", "said:
// 550", "<<< 550", "(#5.1.1)", "550-5.1.1", "ERROR CODE :550". A bare
// number ("the hall seats 550 people") is not one.
func smtpEvidence(s string) bool {
	if c := statusCode(s); c != "" && c[0] != '2' {
		return true
	}
	for _, loc := range basicReply().FindAllStringIndex(s, 50) {
		start := max(0, loc[0]-60)
		if nl := strings.LastIndexByte(s[start:loc[0]], '\n'); nl >= 0 {
			start += nl + 1
		}
		if smtpContext().MatchString(s[start:loc[0]]) || strings.TrimSpace(s[start:loc[0]]) == "" {
			return true
		}
	}
	return false
}

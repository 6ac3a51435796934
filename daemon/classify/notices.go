package classify

import (
	"strings"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// The automatic answers below carry no RFC 3834 field and no automatic
// subject as often as not: registries and ticketing systems of town halls
// and ministries, mailboxes nobody reads any more, people who left,
// automatic forwarding, challenge-response systems. They say what they are
// in their first lines (RFC 3834 §3.1.8 asks them to mark themselves; many
// do not). Learnt from the second blind set (docs/ACCURACY.md).

// robotText is wording a person answering the invitation does not write:
// a message that says it was generated automatically or must not be
// answered, a reference or registry number given to "your enquiry", a
// mailbox no longer read, an automatic forward, a sender verification.
var robotText = textmatch.LazyScreenedAny(`(?i)(` +
	// "generated automatically", "do not reply", in the five languages.
	`(?m:^\s*(message|mensaje|mensagem|messaggio|notification|notificaci[óo]n|notifica) (autom[áa]tic[oa]|automatique|automatica|generad[oa] autom[áa]ticamente)\b)|` +
	`\b(cette|une) notification automatique|\bnotificaci[óo]n autom[áa]tica\b|` +
	`\b(mensaje|correo|mensagem|messaggio) (generad[oa]|gerad[oa]|generato) autom[áa]ticamente|` +
	`\bdiese (e-?mail|nachricht) wurde automatisch (erstellt|generiert|versendet|verschickt|erzeugt)|\bautomatisch (erstellte|generierte) (e-?mail|nachricht)|` +
	`\b(questo|il presente) messaggio [èe] (stato )?(generato|inviato) automaticamente|` +
	`\besta [ée] uma mensagem autom[áa]tica|\bmensagem (gerada|enviada) automaticamente|` +
	`\b(please )?do not reply to this (e-?mail|message|address)|\bthis mailbox (does not|doesn'?t|cannot|will not) accept replies|\breplies to this (e-?mail )?(address|mailbox) are not (monitored|read)|` +
	`\bmerci de ne pas (y )?r[ée]pondre\b|\bno responda a (este|esta)\b|\bfavor de no responder\b|\bbitte antworten sie nicht\b|\bsi prega di non rispondere\b|\bpor favor,? n[ãa]o responda\b|` +
	// A registry or ticket number given to the sender's message.
	`\byour (enquiry|inquiry|request|case|ticket)( reference| ref\.?| id| number)+ is\b|` +
	`\b(ha quedado|ha sido|fue) (registrad[oa]|radicad[oa]) con (el )?n[úu]mero|\bunter der vorgangsnummer\b|\bprotocollat[oa] con (il )?numero|\bregistad[oa] com o n\.?[º°o]|` +
	`\benregistr[ée]e? sous (la |le )?(r[ée]f[ée]rence|num[ée]ro)|` +
	`\bwe('ve| have) received your (e-?mail|message) and (one|a member) of (our|the) team will\b|` +
	// A mailbox that nobody reads any more.
	`\b(this|the|my) (mailbox|e-?mail address|e-?mail account|address|inbox|account) (is )?(no longer|not) (being )?(monitored|in use|active|checked|read)|` +
	`\b(bo[îi]te|adresse)[^.\n]{0,40} n'est plus (consult[ée]e|active|utilis[ée]e|relev[ée]e|lue)|` +
	`\b(buz[óo]n|casilla|cuenta|direcci[óo]n)[^.\n]{0,40} ya no (es|est[áa]|se)( siendo)? (atendid[oa]|activ[oa]|en uso|revisad[oa]|consultad[oa]|utilizad[oa]|atiende|revisa|consulta|utiliza)|` +
	`\b(postfach|adresse|e-mail-adresse)[^.\n]{0,20} wird nicht mehr (betreut|genutzt|gelesen|abgerufen|verwendet)|` +
	`\b(casella|indirizzo)[^.\n]{0,40} non (è|e') più (attiv|monitorat|utilizzat|lett)|` +
	// Forwarded by a rule, not by a person.
	`\bautomatically forwarded\b|\bforwarded automatically\b|\bautomatiquement transf[ée]r|\btransf[ée]r[ée] automatiquement|\breenviad[oa] autom[áa]ticamente|\bautom[áa]ticamente reenviad|\bautomatisch weitergeleitet|\binoltrato automaticamente|\bencaminhad[oa] automaticamente|` +
	// Challenge-response systems.
	`\bcomplete the verification process\b|\bprotecting (myself|my inbox) from spam\b|\bkein spam-?versender\b|\bbest[äa]tigen sie [^.\n]{0,40}(absenderadresse|e-mail-adresse)` +
	`)`)

// receiptText and handlingText make an office's acknowledgement together:
// it received "your message" (it does not know what the message was) and
// it will be handled later. A person acknowledging the invitation names
// it ("accusons réception de votre invitation") or answers it.
var (
	receiptText  = textmatch.LazyScreened(`(?i)\b(accuse|accusons) (bonne )?r[ée]ception de votre (courriel|message|e-?mail|mail|envoi)\b|\bacusa(mos)? (de )?recibo de su (correo|mensaje|e-?mail)\b|\b(acknowledges?|confirms?) receipt of your (e-?mail|message)\b`)
	handlingText = textmatch.LazyScreened(`(?i)\b(sera|seront) (étudiée?s?|[ée]tudi[ée]e?s?|trait[ée]e?s?|transmise?s?|examin[ée]e?s?)\b|fera l'objet d'une r[ée]ponse|\bser[áa] (turnad|atendid|respondid|tramitad|revisad)|\ba la brevedad\b|\bwill be (dealt with|reviewed|considered|answered|responded to|processed)\b|\bin due course\b`)
)

// leftText is the notice of someone who left, and redirectText the
// address to write to instead; both, with an address in the text and no
// request to be taken off the list (which a person who left may write, and
// is an unsubscribe), make an automatic notice.
var (
	leftText = textmatch.LazyScreened(`(?i)\b(i|he|she) (have|has) left (the|my|our|his|her)\b|\bi am no longer (with|at|working (at|for|in))\b|\bi no longer work (at|for|in|with)\b|\bis no longer (with|employed|working)\b|` +
		`\bj'ai quitt[ée] (mes fonctions|mon poste|la |le |l')|\bje ne (travaille|fais) plus (à|au|pour|partie)|` +
		`\bya no (trabajo|formo parte|laboro|presto servicios) (en|de|con|para)\b|` +
		`\bnon lavoro più |\bnon faccio più parte\b|\bj[áa] n[ãa]o (fa[çc]o parte|trabalho)\b|\bich bin nicht mehr (bei|für|in)\b`)
	redirectText = textmatch.LazyScreened(`(?i)\b(please|kindly) (contact|write to|send|direct|forward|address|resend)|\bmerci de (contacter|vous adresser|[ée]crire|transmettre)|\bveuillez (contacter|vous adresser|[ée]crire)|` +
		`\bdir[íi]j(a|ase)\b|\bescriba a\b|\bcontacte (a|con)\b|\bpor favor,? (escriba|contacte|env[íi]e)|\bla prego di (scrivere|contattare)|\bsi prega di (contattare|scrivere)|\bcontatt(are|i)\b|\bcontacte\b|\bwenden sie sich (bitte )?an\b|\bbitte (wenden|schreiben|kontaktieren)`)
	takeOffText = textmatch.LazyScreened(`(?i)remove|unsubscribe|d[ée]sinscri|retirer|supprimer|\bbaja\b|eliminar|borrar|cancellare|rimuovere|austragen|entfernen|remover|descadastr`)
)

// noticeText reports a lead text that is one of the notices above.
// Screened (textmatch): each pattern, and each branch of robotText, runs
// only on a lead holding one of the words every match of it needs, which
// almost no person's message holds; folded is textmatch.Fold(lead).
func noticeText(lead, folded string) bool {
	if robotText().Match(lead, folded) {
		return true
	}
	if receiptText().Match(lead, folded) && handlingText().Match(lead, folded) {
		return true
	}
	return leftText().Match(lead, folded) && redirectText().Match(lead, folded) && anyAddr().MatchString(lead) && !takeOffText().Match(lead, folded)
}

// weakSubject reports an automatic subject in a form people also use: a
// reply to an automatic message ("RE: Automatic reply: …") or an automatic
// word set off by a dash ("Abwesenheitsnotiz – Frage zur Anmeldung").
// Robots do not ask questions; with a question in the text it is a
// person's.
var weakSubjectForm = textmatch.Lazy(`(?i)^\s*re\s*:|^\s*[^:：]{1,40}\s[-–—]\s`)

func weakSubject(subject, lead string) bool {
	return weakSubjectForm().MatchString(subject) && strings.Contains(lead, "?")
}

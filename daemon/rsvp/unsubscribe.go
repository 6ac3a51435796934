package rsvp

import (
	"strings"

	"github.com/herald-mail/herald/daemon/textmatch"
)

var (
	// unsubCore is the request itself, normalized (see normalize).
	unsubCore = textmatch.Lazy(`\b(?:` + strings.Join([]string{
		`unsubscribe|unsub|opt(?:ing)? out|remove (?:me|us)|remove (?:my|this|our|the|that) (?:address|email|e mail|name|contact)|take me off|take my (?:address|email|name) off`,
		`(?:no longer|not) (?:wish|want|like) to receive|(?:do not|don t|dont) (?:wish|want) to receive|stop (?:sending|emailing|mailing)|(?:do not|don t|dont) (?:send|email|contact) me`,
		`(?:se |me )?desabonn(?:er|ez|ement|e)|(?:se |me )?desinscri(?:re|ption|vez|s)`,
		`retir(?:ez|er) (?:moi|mon adresse|mon nom|mon courriel|mon e mail)|me retirer|supprim(?:ez|er) (?:moi|mon adresse|mon nom|mon courriel)|me supprimer`,
		`ne (?:plus|souhaite plus|desire plus|veux plus|voudrais plus|souhaiterais plus) (?:recevoir|etre contacte)|arret(?:ez|er) (?:de m envoyer|les envois|l envoi)|ne m envoyez plus`,
		`(?:darse|darme|dar|den|denme|deme) de baja|baja|(?:cancelar|anular) (?:mi |la )?suscripcion`,
		`no (?:deseo|quiero|quisiera|desearia) (?:seguir )?(?:recibir|recibiendo)(?: mas)?|dejar de recibir|no me (?:envien|manden|escriban) mas|(?:dejen|deje|dejad) de (?:enviarme|mandarme|enviarnos|mandarnos|escribirme)`,
		`(?:eliminen|eliminar|eliminaran|eliminasen|borren|borrar|borraran|quiten|quitar|quitaran|retiren|retirar|retiraran|saquen|sacar|sacaran) (?:mi (?:direccion|correo|nombre|email|e mail)|me)|eliminenme|borrenme|quitenme|sacadme|sacarme`,
	}, "|") + `)\b`)

	// unsubAllowed are the words that may surround the request when a
	// subject or a short text is "essentially" it: lists, mail, pronouns,
	// courtesy. Anything else ("I will not attend", "the dinner list")
	// makes it a message for a human.
	unsubAllowed = wordSet(`
		from of off the this your my our these those all any further future more list lists mailing mailings
		email emails e mail mails messages message newsletter newsletters communications invitations invitation
		distribution database address name i me we us thank thanks you request now immediately asap want wish
		would like to receive kindly again be removed it a an for and sir sirs madam or
		de du des la le les l votre vos cette ces liste listes diffusion envois envoi courriels courriel
		lettre d information informations je j m moi nous vous merci mon ma mes adresse nom base donnees contacts
		souhaite desire veux voudrais recevoir avenir desormais demande y en pour bien vouloir veuillez pouvez
		pourriez et au aux un une se s il plait madame monsieur mesdames messieurs
		del las el los su sus esta este estos estas lista listas distribucion difusion correo correos envios
		mensajes mensaje boletin comunicaciones invitaciones mi yo nos por favor gracias solicitud solicito
		quiero deseo quisiera mas lo sucesivo adelante partir ahora datos direccion nombre que le un una para al seguir
		estimados estimadas senores senoras senor senora ruego rogamos les agradeceria agradeceriamos prie prions`)

	subjectPrefix = textmatch.Lazy(`(?i)^(?:\s*(?:\[[^\]]{0,40}\]|(?:re|aw|sv|tr|fw|fwd|rv|r|ref)\s*:))+\s*`)
	subjectToken  = textmatch.Lazy(`(?i)\bunsubscribe(?:\s+|%20)([A-Za-z0-9_-]{20,1000})(?:$|[^A-Za-z0-9_-])`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// IsUnsubscribe reports a request to be taken off the lists (docs/BEHAVIOUR.md
// §6.2): a subject that is essentially "unsubscribe" in English, French or
// Spanish (including "unsubscribe TOKEN", the List-Unsubscribe mailto
// subject herald sends), or a short reply that is essentially that
// request ("Please remove me from your list.", "Merci de me désinscrire",
// "No deseo recibir más correos"), possibly with the reason for it ("I no
// longer work on international relations.", "J'ai pris ma retraite.",
// "Ya no trabajo en relaciones internacionales."). Signature, disclaimer
// and mobile footer are left out (see stripTrailer). Pass ReplyText's
// result as reply. A request mixed with anything else ("I can't attend,
// please remove me", "… my colleague now handles this") is false: it goes
// to a human.
func IsUnsubscribe(subject, reply string) bool {
	s := subjectPrefix().ReplaceAllString(subject, "")
	if tok := UnsubscribeTokenFromSubject(s); tok != "" {
		s = strings.Replace(s, tok, " ", 1)
	}
	if essentiallyUnsubscribe(normalize(s), 12) {
		return true
	}
	t := cleanReply(reply)
	if t == "" || !mayBeUnsubscribe(t) {
		return false
	}
	var request []string
	for _, sent := range splitSentences(stripTrailer(t)) {
		n := sent.norm
		if loc := unsubReason().FindStringIndex(n); loc != nil && !strings.ContainsAny(sent.orig, "?¿@") {
			if !reasonOnly(n[loc[0]:]) {
				return false
			}
			n = n[:loc[0]] // the request may come first: "…, as I have retired"
		}
		if !onlyUnsubWords(n) {
			return false
		}
		request = append(request, n)
	}
	return requestOnly(strings.Join(request, " "), 40)
}

// mayBeUnsubscribe settles almost every enquiry on its first line with a
// map lookup: a request starts, greetings aside, with the request, its
// reason or a gateway banner.
func mayBeUnsubscribe(t string) bool {
	for _, line := range strings.Split(t, "\n") {
		n := normalize(line)
		switch {
		case n == "":
		case onlyUnsubWords(n):
			if unsubCore().MatchString(n) {
				return true // the request; the lines below may be a signature
			}
		case unsubCore().MatchString(n) || unsubReason().MatchString(n) || bannerLine().MatchString(n):
			return true
		default:
			return false
		}
	}
	return true
}

var (
	// unsubReason is why someone asks to leave the list: they changed
	// job, retired, the subject is no longer theirs. It starts a
	// sentence or follows the request after a comma, "as", "car", "ya que".
	unsubReason = textmatch.Lazy(`(?:^|\s, |\s(?:, )?(?:as|since|because|car|puisque|parce que|etant donne que|ya que|porque|pues|dado que|puesto que) )(?:` + strings.Join([]string{
		`(?:i|we) (?:am|m|are|re) (?:now )?(?:no longer|not) (?:working|employed|in charge|responsible|involved|dealing|handling|covering|the (?:right|relevant|correct) (?:person|contact)|interested|with|at|in|part of|based)`,
		`(?:i|we) (?:no longer|don t|do not|dont) (?:work|deal|handle|cover|hold|need|have anything)`,
		`(?:i|we) (?:have|ve) (?:now )?(?:retired|left|moved|changed (?:jobs?|positions?|roles?|departments?|employers?))`,
		`(?:i|we) (?:retired|left|moved on|changed (?:jobs?|positions?|roles?|departments?|employers?))`, `(?:i|we) (?:am|m|are|re) (?:now )?retired`,
		`(?:this|it|the topic|the subject|this topic|this subject|this field|this area) (?:is|s) (?:not|no longer) (?:relevant|of interest|my|our|within)`,
		`(?:not|no longer) relevant (?:to|for) (?:me|us|my|our)`, `my (?:role|position|job|post|responsibilities|portfolio) (?:has|have) changed`,
		`(?:je|nous) ne (?:travaille|travaillons|suis|sommes|m occupe|nous occupons|fais|faisons|traite|traitons|gere|gerons) plus`,
		`(?:j|je|nous) (?:ai|avons|suis|sommes) (?:quitte|change de|pris (?:ma|notre) retraite|partie?s? a la retraite|a la retraite|retraitee?s?)`,
		`(?:ce|cela|ceci|ca|le sujet|ce sujet|ce theme|cette thematique) ne (?:me|nous) concerne (?:plus|pas)`,
		`(?:je|nous) ne (?:suis|sommes) (?:pas|plus) (?:concernee?s?|interessee?s?|la bonne personne|le bon interlocuteur|en charge|en poste|la personne)`,
		`(?:mes|nos) fonctions ont change`,
		`ya no (?:trabajo|trabajamos|estoy|estamos|me ocupo|nos ocupamos|soy|somos|llevo|llevamos|formo parte|pertenezco|me dedico)`,
		`(?:me he|nos hemos) (?:jubilado|retirado|cambiado de|trasladado)`, `(?:estoy|estamos) (?:jubilad[oa]s?|retirad[oa]s?)`, `(?:he|hemos) (?:dejado|cambiado de)`,
		`(?:esto|este tema|este asunto|el tema|ello) (?:ya )?no (?:me|nos) (?:concierne|corresponde|interesa|compete)`, `(?:ya )?no (?:me|nos) interesa`,
		`(?:ya )?no (?:soy|somos) (?:la persona|el contacto)`,
	}, "|") + `)\b`)

	// redirect sends the invitation to someone else: a person decides.
	redirect = textmatch.Lazy(`\b(?:contact|send|sent|forward|write to|successor|replac|instead|now (?:in charge|responsible|handles|handling|deals)|new (?:contact|person|head|director)|successeur|remplac|contacter|contactez|ecrire a|envoyer|transmettre|nouvelle? (?:responsable|interlocut|directeur|directrice)|sucesor|sucesora|sustitu|contactar|contacte|escribir a|enviar|reenviar|remitir|dirigirse|nuevo responsable|nueva responsable)`)
)

// maxReasonWords bounds a reason: a longer story is for a person.
const maxReasonWords = 25

// reasonOnly reports that the normalized reason n says only why: no
// answer to the invitation, no one else to write to.
func reasonOnly(n string) bool {
	return len(strings.Fields(n)) <= maxReasonWords && !redirect().MatchString(n) &&
		!substitution().MatchString(n) && len(findMatches(0, n)) == 0
}

// essentiallyUnsubscribe reports normalized text that holds the request
// and, greetings aside, only words from unsubAllowed, at most maxWords.
func essentiallyUnsubscribe(n string, maxWords int) bool {
	// Every word of such a text is the request's, a filler's or an
	// allowed one: one word from elsewhere and it is not (cheap).
	return onlyUnsubWords(n) && requestOnly(n, maxWords)
}

// requestOnly is essentiallyUnsubscribe without the vocabulary screen.
func requestOnly(n string, maxWords int) bool {
	if !unsubCore().MatchString(n) {
		return false
	}
	rest := unsubCore().ReplaceAllString(n, " ")
	rest = filler().ReplaceAllString(rest, " ")
	count := 0
	for _, w := range strings.Fields(rest) {
		if w == "," {
			continue
		}
		if count++; count > maxWords || !unsubAllowed[w] {
			return false
		}
	}
	return true
}

// UnsubscribeTokenFromSubject returns the token in a subject of the form
// "unsubscribe TOKEN", as the List-Unsubscribe mailto herald sends asks
// the client to write it (a "Re:" in front and a client that left "%20"
// undecoded are tolerated), or "". The token is returned as written, to
// be checked with compose.ParseUnsubscribeToken.
func UnsubscribeTokenFromSubject(subject string) string {
	m := subjectToken().FindStringSubmatch(subject)
	if m == nil {
		return ""
	}
	return m[1]
}

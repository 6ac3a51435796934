package rsvp

import (
	"regexp"
	"strings"
)

var (
	// unsubCore is the request itself, normalized (see normalize).
	unsubCore = regexp.MustCompile(`\b(?:` + strings.Join([]string{
		`unsubscribe|unsub|opt(?:ing)? out|remove me|remove my (?:address|email|e mail|name)|take me off|take my (?:address|email|name) off`,
		`(?:no longer|not) (?:wish|want|like) to receive|(?:do not|don t|dont) (?:wish|want) to receive|stop (?:sending|emailing|mailing)|(?:do not|don t|dont) (?:send|email|contact) me`,
		`(?:se |me )?desabonn(?:er|ez|ement|e)|(?:se |me )?desinscri(?:re|ption|vez|s)`,
		`retir(?:ez|er) (?:moi|mon adresse|mon nom|mon courriel|mon e mail)|me retirer|supprim(?:ez|er) (?:moi|mon adresse|mon nom|mon courriel)|me supprimer`,
		`ne (?:plus|souhaite plus|desire plus|veux plus|voudrais plus|souhaiterais plus) (?:recevoir|etre contacte)|arret(?:ez|er) (?:de m envoyer|les envois|l envoi)|ne m envoyez plus`,
		`(?:darse|darme|dar|den|denme|deme) de baja|baja|(?:cancelar|anular) (?:mi |la )?suscripcion`,
		`no (?:deseo|quiero|quisiera|desearia) (?:seguir )?recibir(?: mas)?|dejar de recibir|no me (?:envien|manden|escriban) mas`,
		`(?:eliminen|eliminar|borren|borrar|quiten|quitar|retiren|retirar|saquen|sacar) (?:mi (?:direccion|correo|nombre|email|e mail)|me)|eliminenme|borrenme|quitenme|sacadme|sacarme`,
	}, "|") + `)\b`)

	// unsubAllowed are the words that may surround the request when a
	// subject or a short text is "essentially" it: lists, mail, pronouns,
	// courtesy. Anything else ("I will not attend", "the dinner list")
	// makes it a message for a human.
	unsubAllowed = wordSet(`
		from of off the this your my our these those all any further future more list lists mailing mailings
		email emails e mail mails messages message newsletter newsletters communications invitations invitation
		distribution database address name i me we us thank thanks you request now immediately asap want wish
		would like to receive kindly again be removed it a an for and
		de du des la le les l votre vos cette ces liste listes diffusion envois envoi courriels courriel
		lettre d information informations je j m moi nous vous merci mon ma mes adresse nom base donnees contacts
		souhaite desire veux voudrais recevoir avenir desormais demande y en pour bien vouloir veuillez pouvez
		pourriez et au aux un une se s il plait
		del las el los su sus esta este estos estas lista listas distribucion difusion correo correos envios
		mensajes mensaje boletin comunicaciones invitaciones mi yo nos por favor gracias solicitud solicito
		quiero deseo quisiera mas lo sucesivo adelante partir ahora datos direccion nombre que le un una para al seguir`)

	subjectPrefix = regexp.MustCompile(`(?i)^(?:\s*(?:\[[^\]]{0,40}\]|(?:re|aw|sv|tr|fw|fwd|rv|r|ref)\s*:))+\s*`)
	subjectToken  = regexp.MustCompile(`(?i)\bunsubscribe(?:\s+|%20)([A-Za-z0-9_-]{20,1000})(?:$|[^A-Za-z0-9_-])`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// IsUnsubscribe reports a request to be taken off the lists (SPEC §4 class
// 3): a subject that is essentially "unsubscribe" in English, French or
// Spanish (including "unsubscribe TOKEN", the List-Unsubscribe mailto
// subject herald sends), or a short reply that is essentially that
// request ("Please remove me from your list.", "Merci de me désinscrire",
// "No deseo recibir más correos"). Pass ReplyText's result as reply. A
// request mixed with anything else ("I can't attend, please remove me")
// is false: it goes to a human.
func IsUnsubscribe(subject, reply string) bool {
	s := subjectPrefix.ReplaceAllString(subject, "")
	if tok := UnsubscribeTokenFromSubject(s); tok != "" {
		s = strings.Replace(s, tok, " ", 1)
	}
	if essentiallyUnsubscribe(normalize(s), 12) {
		return true
	}
	t := cleanReply(reply)
	if t == "" {
		return false
	}
	lines := strings.Split(t, "\n")
	// dropSignature keeps at least the first line and every line before
	// the last maxSignatureLines (trailing blank lines aside): a word
	// outside the request's vocabulary there settles it before the
	// costlier signature and phrase matching.
	kept := len(lines)
	for kept > 0 && strings.TrimSpace(lines[kept-1]) == "" {
		kept--
	}
	for _, l := range lines[:max(kept-maxSignatureLines, min(kept, 1))] {
		// Line by line (normalize keeps words within a line): an
		// enquiry is usually settled by its first line or two.
		if !onlyUnsubWords(normalize(l)) {
			return false
		}
	}
	lines = dropSignature(lines)
	return essentiallyUnsubscribe(normalize(strings.Join(lines, "\n")), 40)
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
	if !unsubCore.MatchString(n) {
		return false
	}
	rest := unsubCore.ReplaceAllString(n, " ")
	rest = filler.ReplaceAllString(rest, " ")
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
	m := subjectToken.FindStringSubmatch(subject)
	if m == nil {
		return ""
	}
	return m[1]
}

package rsvp

import (
	"strings"
	"unicode"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// What a reply carries besides what the sender wrote, which must not vote
// nor make the answer unclear: a banner the organisation's gateway puts on
// top ("CAUTION: This email originated from outside…"), a mobile footer,
// a legal disclaimer or office-hours notice ("… cannot attend to requests
// sent outside office hours" is no refusal), and the signature after the
// sign-off ("Adjointe au maire", "Deputy Commissioner" is a title, not a
// substitute). The patterns match normalized lines (see normalize).
var (
	// bannerLine starts a paragraph that a gateway or Outlook adds on top.
	bannerLine = textmatch.Lazy(`^(?:(?:external|ext|externe|externo|caution|warning|attention|notice|important|avertissement|atencion|precaucion|aviso|advertencia)(?: (?:e mail|email|sender|message|courriel|mail|correo|remitente))?(?: ,)? )*(?:this (?:e mail|email|message) (?:originated|came|comes|was sent|is from|has been sent|arrived) (?:from )?(?:outside|an external|a sender outside)|ce (?:courriel|message|mail|e mail|courrier) (?:provient|a ete envoye|vient|est issu|emane) (?:d un expediteur |de l |d une source )?(?:exterieur|externe)|este (?:correo|mensaje)(?: electronico)? (?:se origino|procede|proviene|fue enviado|ha sido enviado|viene|se ha originado) (?:desde |de )?(?:fuera|el exterior|un remitente externo)|(?:some people who received this message )?you don t often get email from|(?:certaines personnes qui ont recu ce message )?(?:vous )?ne recevez pas souvent de (?:courriers?|messages|e mails?) (?:electroniques? )?de|(?:algunas personas que recibieron este mensaje )?no (?:suele|suelen) recibir (?:correos?|mensajes)(?: electronicos?)? de|(?:external|externe|externo)(?: (?:e mail|email|sender|message|courriel|correo))?$)`)

	// footerStart starts what ends the sender's text: a mobile footer,
	// a disclaimer. Everything from it to the end goes.
	footerStart = textmatch.Lazy(`^(?:(?:important|notice|note|nota|remarque|attention|aviso|nb)(?: ,)? )?(?:` + strings.Join([]string{
		// Mobile and webmail footers.
		`sent from (?:my|outlook|mail|yahoo|aol|gmail|proton|windows|samsung|huawei|blackberry|xiaomi)\b`, `sent (?:via|with|using) (?:my |the )?[a-z]+(?: [a-z]+){0,4}$`,
		`get outlook for`, `obtenir outlook pour`, `telecharger outlook pour`, `obtener outlook para`, `descargar outlook para`,
		`envoye (?:de|depuis|a partir de|avec) (?:mon|ma|l|outlook|courrier|mail|yahoo|gmail|samsung|huawei|blackberry|xiaomi)\b`,
		`enviado (?:desde|con|a traves de|mediante) (?:mi|el|la|outlook|correo|yahoo|mail|gmail|samsung|huawei|blackberry|xiaomi)\b`,
		`von meinem [a-z]+ gesendet`,
		`(?:please )?(?:excuse|pardon|forgive) (?:the |my |any )?(?:brevity|briefness|typos)`, `excusez (?:la|ma) (?:brievete|concision)`, `(?:disculpe|disculpen|perdon|perdone) (?:la|mi) (?:brevedad|concision)`,
		// Disclaimers (titles, then the common first sentences).
		`(?:[a-z]+ ){0,6}(?:declines?|declinons|decline|declina) (?:all|any|toute|toutes|cualquier|toda) (?:liability|responsibility|responsabilite|responsabilidad)`,
		`(?:legal |email |e mail )?disclaimer`, `confidential(?:ity)? (?:notice|note|statement|warning|disclaimer|caution)`, `(?:privileged|private) (?:and|&) confidential`, `notice of confidentiality`, `important(?: notice| information)?$`,
		`this (?:e mail|email|message|communication|transmission|electronic (?:mail|message|transmission))(?: message)?(?: ,)? (?:and|including|together with|as well as|along with) (?:any|all|its|the) (?:attachments?|files?|documents?|enclosures?)`,
		`this (?:e mail|email|message|communication|transmission)(?: message)?(?: ,)? (?:is|are|may be|and its contents are|is intended|may contain|contains?|is only)(?: strictly| solely| only)? (?:confidential|privileged|private|intended|for the (?:sole|exclusive|use)|proprietary|legally|protected|subject to)`,
		`the (?:information|content|contents) (?:contained |included |transmitted )?in (?:this|the) (?:e mail|email|message|communication|transmission)`,
		`if you (?:are|were) not the (?:intended|named|addressee|right)`, `if you (?:have )?received this (?:[a-z]+ ){0,2}(?:in error|by mistake|by error|wrongly)`, `any (?:unauthori[sz]ed|views|opinions|use|review|dissemination|disclosure) `,
		`(?:please )?(?:consider|think (?:of|about)|respect) the environment`, `save (?:a )?(?:tree|paper)`, `please (?:do not|don t) print`,
		`e mail (?:transmission )?(?:cannot|is not) (?:be )?(?:guaranteed|secure)`, `(?:the sender|we|the city|the organi[sz]ation|[a-z]+) (?:does|do|will|can|shall) not (?:accept|assume) (?:any )?(?:liability|responsibility)`, `(?:is|are|be) not (?:held )?liable`,
		`(?:data protection|privacy) (?:notice|statement|policy|information)`, `(?:for )?(?:information (?:on|about) )?how we (?:process|use|handle|protect) (?:your )?personal (?:data|information)`, `gdpr`,
		`(?:avertissement|avis de confidentialite|clause de confidentialite|mentions? legales?|avis juridique|clause de non responsabilite|confidentialite)(?: ,|$| ce| les| le)`,
		`ce (?:message|courriel|mail|e mail|courrier electronique)(?: electronique)?(?: ,)? (?:et (?:toutes |tous )?(?:les |ses |leurs )?(?:pieces jointes|fichiers|documents|annexes)|(?:ainsi que|y compris) (?:les |ses |toutes les )?(?:pieces jointes|fichiers|annexes)|(?:est|sont|peut|contient|et son contenu)(?: strictement| exclusivement| etre)? (?:confidentiel|prive|destine|etabli|protege|exclusivement|susceptible|couvert|contenir|a l usage|soumis|personnel))`,
		`(?:les |toutes les )?informations contenues dans (?:ce|le present|cet) (?:message|courriel|mail|e mail)`,
		`si vous n (?:etes|en etes) pas (?:le|la|les|l) (?:destinataire|bon destinataire|destinataires)`, `si vous (?:avez recu|recevez) ce (?:[a-z]+ ){0,2}par erreur`, `toute (?:utilisation|diffusion|publication|modification|copie|reproduction|divulgation) (?:non autorisee|de ce|totale ou|ou)`,
		`(?:pensez a|merci de penser a|respectez) l environnement`, `n imprimez ce`, `avant d imprimer`, `(?:vos |les )?donnees (?:personnelles|a caractere personnel)`, `(?:protection|traitement) des donnees`, `conformement (?:au|a la) (?:reglement|rgpd|loi)`,
		`(?:aviso legal|aviso de confidencialidad|clausula de confidencialidad|advertencia legal|nota de confidencialidad|confidencialidad|proteccion de datos|informacion basica sobre proteccion de datos)(?: ,|$| este| la| el| sus)`,
		`este (?:mensaje|correo|e mail|email)(?: de correo)?(?: electronico)?(?: ,)? (?:y (?:en su caso |, en su caso , )?(?:sus|los|cualquier|todos los|cualesquiera) (?:anexos|adjuntos|ficheros|archivos|documentos)|(?:es|son|puede contener|contiene|va dirigido|se dirige|esta dirigido|y su contenido son|puede)(?: estrictamente| exclusivamente)? (?:confidencial|privado|exclusivamente|informacion|unicamente|solo|de uso|para uso|contener|dirigido))`,
		`la informacion (?:contenida|incluida) en (?:este|el presente) (?:mensaje|correo|e mail|email)`, `si (?:usted )?no es (?:el|la) (?:destinatari[oa]|persona)`, `si (?:usted )?(?:ha recibido|recibe|recibio) este (?:[a-z]+ ){0,3}por error`,
		`(?:en cumplimiento|de conformidad|conforme)(?: con| de| a)? (?:lo (?:dispuesto|establecido) en )?(?:la|el) (?:ley|reglamento|normativa|rgpd|lopd)`, `(?:sus |los )?datos (?:personales|de caracter personal)`,
		`antes de imprimir`, `(?:piense|piensa) en el medio ambiente`, `no imprima`, `(?:por favor )?(?:considere|piense) (?:su responsabilidad|en el medio)`,
	}, "|") + `)`)

	// officeHours is a notice about when the sender reads mail, which
	// signatures carry and which borrows the words of an answer ("cannot
	// attend to requests"). The line holding it and what follows go.
	officeHours = textmatch.Lazy(`\b(?:(?:outside|out of|beyond|after) (?:of )?(?:my |our |your |normal |regular |usual |standard |the )?(?:office|working|business|work) hours|(?:my|our) (?:working|work|office) (?:hours|days|pattern) (?:are|is|may|might|differ)|(?:i|we) (?:work|am working) (?:part time|flexibly|flexible hours|compressed hours)|(?:do not|don t) feel (?:obliged|obligated|any pressure|pressured) to (?:reply|respond|answer)|en dehors (?:des|de mes|de nos|de vos) (?:heures|horaires)|(?:mes|nos) horaires de (?:travail|bureau)|droit a la deconnexion|n appelle pas (?:de )?reponse|ne (?:vous sentez pas|soyez pas) oblige|fuera (?:del|de mi|de nuestro|de su) horario|(?:mi|nuestro) horario (?:laboral|de trabajo|de oficina)|derecho a la desconexion|no (?:es necesario|se sienta obligad[oa]) (?:que )?(?:responda|contestar|responder))\b`)

	// closingLine is a sign-off: what follows it, when it reads as a
	// signature, is the signature. A name may follow on the same line.
	closingLine = textmatch.Lazy(`^(?:` + strings.Join([]string{
		`(?:(?:best|kind|kindest|warm|warmest|many|with (?:best|kind|warm|warmest)|all the|sincere|cordial|friendly) )?(?:regards|wishes|greetings)(?: from [a-z]+)?`,
		`best|all the best|cheers|thanks|thank you|many thanks|thanks again|thank you again|thanks in advance|sincerely|yours sincerely|sincerely yours|yours (?:faithfully|truly|ever)|respectfully|with (?:thanks|appreciation|gratitude|respect)|take care|greetings|br|rgds`,
		`(?:bien |tres |tres bien )?cordialement|bien a (?:vous|toi)|(?:sinceres |meilleures |mes meilleures |bien sinceres )?salutations(?: distinguees| cordiales| respectueuses| les meilleures)?|sincerement|respectueusement|merci(?: beaucoup| encore| bien| infiniment)?|(?:tres )?(?:bonne|belle) (?:journee|soiree|fin de journee|semaine)|amities|(?:bien )?amicalement|bises|en vous remerciant(?: par avance)?`,
		`(?:je vous prie|veuillez|nous vous prions|recevez|agreez) (?:[a-z]+ ){0,4}(?:agreer|recevoir|croire|expression|salutations|sentiments|considerations?|assurance)(?: (?:[a-z]+|,))*`,
		`(?:muchos |un |cordiales )?saludos(?: cordiales| afectuosos| atentos)?|un (?:cordial |afectuoso |atento )?saludo|atentamente|cordialmente|reciba(?:n)? un (?:cordial |afectuoso )?saludo|(?:muchas |mil )?gracias(?: de antemano| por adelantado)?|un (?:fuerte )?abrazo|abrazos|afectuosamente|(?:le |les )?saluda atentamente|quedo a (?:su|vuestra|tu) (?:entera )?disposicion(?: (?:[a-z]+|,))*|sin otro particular(?: (?:[a-z]+|,))*`,
	}, "|") + `)(?: ,)?(?: (.+))?$`)

	// sentenceWords are the words a signature line (name, title, address,
	// phone) never holds and a sentence usually does: pronouns, verbs,
	// negations, restrictions. A line with one of them is kept.
	sentenceWords = wordSet(`
		i im ive id we you he she they me my mine our ours us their them will would shall should can could
		may might must am is are was were be been being have has had do does did not no never don won t ll
		instead behalf only but if unless please also too with without plus yes sorry regret unfortunately
		attend attending come coming join joining bring bringing accompany accompanied
		je j tu il elle nous vous ils elles moi mon ma mes notre nos votre vos leur ne n pas serai sera serons
		suis est sommes serait viendrai viendra viendrons pourrai pourra pourrons peux peut vais va allons
		mais si seulement uniquement avec sans oui non desole desolee malheureusement
		yo mi mis nosotros nosotras usted ustedes te tu pero solo solamente estare estara estaremos ire ira
		iremos asistire asistira puedo podre podra podemos voy vamos sera soy estoy es con sin lamentablemente
		lo siento cannot cant couldn wouldn shouldn`)

	// postscript starts a line that goes on after the signature.
	postscript = textmatch.Lazy(`^(?:p ?s|p ?d|n ?b|p s s)\b`)
)

// stripTrailer removes the banner, footers, disclaimers and signature
// around what the sender wrote (text is cleanReply's output). Whatever
// the patterns are unsure of stays: a line kept can at worst make the
// answer unclear, a line dropped could hide what made it so.
func stripTrailer(text string) string {
	if text == "" {
		return ""
	}
	lines := strings.Split(text, "\n")
	norms := make([]string, len(lines))
	for i, l := range lines {
		norms[i] = normalize(l)
	}
	lines, norms = dropBanners(lines, norms)
	lines, norms = cutFooter(lines, norms)
	lines, norms = dropNotices(lines, norms)
	lines = dropSignatureBlock(lines, norms)
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// dropBanners removes the paragraphs a gateway or Outlook puts on top of
// the message: a banner line and the lines after it up to a blank line or
// one that holds an answer.
func dropBanners(lines, norms []string) ([]string, []string) {
	var outL, outN []string
	inBanner := false
	for i, n := range norms {
		switch {
		case n == "":
			inBanner = false
		case bannerLine().MatchString(n):
			inBanner = true
			continue
		case inBanner && !answerLike(n):
			continue
		default:
			inBanner = false
		}
		outL, outN = append(outL, lines[i]), append(outN, n)
	}
	return outL, outN
}

// answerLike reports a normalized line that holds an answer phrase.
func answerLike(n string) bool {
	var toks []string
	for _, f := range strings.Fields(filler().ReplaceAllString(n, " ")) {
		if f != "," {
			toks = append(toks, f)
		}
	}
	return shortAnswer(strings.Join(toks, " ")) != "" || len(findMatches(0, matchForm(n))) > 0
}

// cutFooter cuts the text at the first mobile footer or disclaimer:
// they end what the sender wrote.
func cutFooter(lines, norms []string) ([]string, []string) {
	for i, n := range norms {
		if n != "" && footerStart().MatchString(n) {
			return lines[:i], norms[:i]
		}
	}
	return lines, norms
}

// dropNotices removes office-hours notices, with the lines a client
// wrapped them over. Only the notice goes: what follows it is read (or
// left to the signature and footer rules).
func dropNotices(lines, norms []string) ([]string, []string) {
	drop := make([]bool, len(lines))
	for i := 0; i < len(lines); i++ {
		if norms[i] == "" {
			continue
		}
		last := i
		if !officeHours().MatchString(norms[i]) {
			if !wrapped(lines, norms, i) || !officeHours().MatchString(norms[i]+" "+norms[i+1]) {
				continue
			}
			last = i + 1
		}
		first := i
		for first > 0 && wrapped(lines, norms, first-1) && noticePart(lines[first-1], norms[first-1]) {
			first--
		}
		for wrapped(lines, norms, last) && noticePart(lines[last+1], norms[last+1]) {
			last++
		}
		for k := first; k <= last; k++ {
			drop[k] = true
		}
		i = last
	}
	var outL, outN []string
	for i := range lines {
		if !drop[i] {
			outL, outN = append(outL, lines[i]), append(outN, norms[i])
		}
	}
	return outL, outN
}

// wrapped reports that line i goes on on line i+1: it does not end a
// sentence and the next line is not blank.
func wrapped(lines, norms []string, i int) bool {
	return i+1 < len(lines) && norms[i] != "" && norms[i+1] != "" &&
		!strings.ContainsRune(".!?;:", lastRune(strings.TrimSpace(lines[i])))
}

// noticePart reports a line that may belong to a notice wrapped over
// several lines: not an answer, a sign-off or a signature line.
func noticePart(line, n string) bool {
	return !answerLike(n) && !isClosing(line, n) && !signatureLine(line, n)
}

// dropSignatureBlock removes the signature: after the last sign-off line
// ("Best regards,", "Cordialement", "Un saludo"), every line that reads
// as a signature line, and the sign-off itself; without a sign-off, the
// trailing lines that read as a signature and start with a name.
func dropSignatureBlock(lines, norms []string) []string {
	closing := -1
	for i := len(norms) - 1; i >= 0; i-- {
		if isClosing(lines[i], norms[i]) {
			closing = i
			break
		}
	}
	if closing >= 0 {
		out := append([]string{}, lines[:closing]...)
		for i := closing + 1; i < len(lines); i++ {
			if norms[i] != "" && !signatureLine(lines[i], norms[i]) {
				out = append(out, lines[i])
			}
		}
		return out
	}
	return dropTrailingSignature(lines, norms)
}

// dropTrailingSignature removes, without a sign-off, the trailing lines
// that read as a signature, never the first line. A title that names a
// substitute ("Deputy Mayor") goes only below a name: alone it may be
// the answer ("I will attend.\nDeputy Mayor instead" is kept anyway).
func dropTrailingSignature(lines, norms []string) []string {
	end := len(lines)
	for end > 0 && norms[end-1] == "" {
		end--
	}
	start := end
	for start > 1 && (norms[start-1] == "" || signatureLine(lines[start-1], norms[start-1])) {
		start--
	}
	if start < end && wrapped(lines, norms, start-1) && len([]rune(strings.TrimSpace(lines[start-1]))) >= 50 {
		start++ // the end of a sentence the client wrapped, not a name
	}
	named := false
	cut := start
	for i := start; i < end; i++ {
		switch {
		case norms[i] == "":
		case substitution().MatchString(norms[i]) && !named:
			cut = i + 1
		case looksLikeName(lines[i]):
			named = true
		}
	}
	if !named {
		// A block without a name ("Mechelen") may be the end of a
		// sentence wrapped by the client: keep it.
		return lines[:end]
	}
	return lines[:cut]
}

// isClosing reports a sign-off line, alone or followed by a name on the
// same line ("Thanks, John").
func isClosing(line, n string) bool {
	m := closingLine().FindStringSubmatch(n)
	if m == nil {
		return false
	}
	if m[1] == "" {
		return true
	}
	rest := strings.Fields(m[1])
	words := strings.Fields(line)
	if len(rest) > 3 || len(words) < len(rest) {
		return false
	}
	for _, w := range words[len(words)-len(rest):] {
		if r := []rune(w); !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return true
}

// signatureLine reports a line that reads as part of a signature: a name,
// a title, an organisation, an address, a phone number, a link. It must
// hold no sentence word, no answer, no question, no restriction.
func signatureLine(line, n string) bool {
	words := strings.Fields(line)
	switch {
	case len(words) == 0 || len(words) > 14 || len(line) > 160:
		return false
	case strings.ContainsAny(line, "?¿!"):
		return false
	case strings.HasSuffix(strings.TrimSpace(line), ".") && len(words) > 5:
		return false
	case postscript().MatchString(n):
		return false
	}
	for _, w := range strings.Fields(n) {
		if sentenceWords[w] {
			return false
		}
	}
	return !answerLike(n) && !unsubCore().MatchString(n) && !contrast().MatchString(n) &&
		!hasCondition(n) && !partial().MatchString(n) && !otherRequest().MatchString(n)
}

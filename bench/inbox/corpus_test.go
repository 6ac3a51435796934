package inboxbench

// The benchmark corpus: a deterministic mix of what a focal point's INBOX
// holds after a few weeks of a conference (enquiries, visa requests, press,
// out-of-office replies, bounces of the invitation wave, mailing lists),
// about 3 KB a message.

import (
	"fmt"
	"math/rand/v2"
	"mime"
	"strings"
	"time"
)

// category is what a generated message is.
type category string

const (
	catEnquiry   category = "enquiry"
	catProgramme category = "programme" // matches the shipped "speaking" rule
	catVisa      category = "visa"
	catPress     category = "press"
	catAutoReply category = "auto-reply"
	catBounce    category = "bounce"
	catList      category = "list"
)

// mix is the share of each category, in per cent.
var mix = []struct {
	cat category
	pct int
}{
	{catEnquiry, 22}, {catProgramme, 8}, {catVisa, 20}, {catPress, 10},
	{catAutoReply, 15}, {catBounce, 10}, {catList, 15},
}

// heraldFolder is where herald files each category with benchConfig's
// triage section (the shipped config.yaml's rules).
var heraldFolder = map[category]string{
	catEnquiry:   "Triage/General",
	catProgramme: "Triage/Programme",
	catVisa:      "Triage/Visa",
	catPress:     "Triage/Press",
	catAutoReply: "Triage/Auto-replies",
	catBounce:    "Triage/Bounces",
	catList:      "Triage/General",
}

// heraldEnquiry tells which categories become enquiries.
var heraldEnquiry = map[category]bool{
	catEnquiry: true, catProgramme: true, catVisa: true, catPress: true, catList: true,
}

// filterFolder is where imapfilter's four subject rules put a subject;
// it mirrors filterConfig (IMAP SEARCH SUBJECT is a case-insensitive
// substring match on the decoded subject).
func filterFolder(subject string) string {
	s := strings.ToLower(subject)
	switch {
	case strings.Contains(s, "visa"):
		return "Triage/Visa"
	case strings.Contains(s, "press"):
		return "Triage/Press"
	case strings.Contains(s, "automatic reply"), strings.Contains(s, "out of office"):
		return "Triage/Auto-replies"
	}
	return "Triage/General"
}

// benchMsg is one generated message.
type benchMsg struct {
	Seq       int
	Cat       category
	MessageID string // without <>
	From      string
	Subject   string // decoded
	// Raw has LF line endings, as Maildir files do.
	Raw []byte
}

// CRLF returns the message with CRLF line endings, for IMAP APPEND.
func (m *benchMsg) CRLF() []byte {
	return []byte(strings.ReplaceAll(string(m.Raw), "\n", "\r\n"))
}

// gen is a deterministic message generator.
type gen struct {
	rng  *rand.Rand
	base time.Time
}

func newGen(seed uint64) *gen {
	return &gen{
		rng:  rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		base: time.Date(2017, 9, 1, 8, 0, 0, 0, time.UTC),
	}
}

// corpus returns n messages: the categories in the proportions of mix,
// shuffled, the same for the same n and seed.
func corpus(n int, seed uint64) []*benchMsg {
	g := newGen(seed)
	cats := make([]category, 0, n)
	for i, m := range mix {
		k := n * m.pct / 100
		if i == len(mix)-1 {
			k = n - len(cats)
		}
		for range k {
			cats = append(cats, m.cat)
		}
	}
	g.rng.Shuffle(len(cats), func(i, j int) { cats[i], cats[j] = cats[j], cats[i] })
	out := make([]*benchMsg, n)
	for i, c := range cats {
		out[i] = g.message(i+1, c)
	}
	return out
}

// pick returns one element of list.
func pick[T any](g *gen, list []T) T { return list[g.rng.IntN(len(list))] }

var (
	firstNames = []string{"Amina", "Carlos", "Mei", "Olivier", "Fatou", "Lucia", "Jonas", "Priya", "Ahmed", "Sofia",
		"Kwame", "Ines", "Tomasz", "Aiko", "Rafael", "Nadia", "Pieter", "Leila", "Mateo", "Chloe", "Yusuf", "Elena"}
	lastNames = []string{"Diallo", "Garcia", "Chen", "Dubois", "Ndiaye", "Fernandez", "Berg", "Sharma", "Haddad",
		"Rossi", "Mensah", "Moreau", "Nowak", "Tanaka", "Silva", "Benali", "Janssens", "Karimi", "Lopez", "Martin"}
	cities = []string{"Dakar", "Kampala", "Quito", "Lyon", "Bogota", "Amman", "Mechelen", "Accra", "Montreal",
		"Bilbao", "Izmir", "Medellin", "Kisumu", "Gaziantep", "Dhaka", "Tunis", "Rabat", "Lima", "Athens", "Milan"}
	pressDomains = []string{"reuters.com", "afp.com", "bbc.co.uk", "apnews.com"}
)

// person is a correspondent.
type person struct{ name, addr string }

func (g *gen) person() person {
	f, l, c := pick(g, firstNames), pick(g, lastNames), pick(g, cities)
	return person{
		name: f + " " + l,
		addr: fmt.Sprintf("%s.%s%d@%s.example.org", strings.ToLower(f), strings.ToLower(l), g.rng.IntN(100), strings.ToLower(c)),
	}
}

// Subjects. None but the visa ones contains "visa", none but the press
// ones "press", none but the auto-replies "automatic reply" or "out of
// office", and only the programme ones match the speaking rule, so that
// herald and imapfilter agree on what is a visa, press or auto-reply.
var (
	enquirySubjects = []string{
		"Registration for the Mechelen conference", "Question about accommodation for our delegation",
		"Hotel booking near the Lamot Congress Centre", "Agenda of the second day", "Side event proposal",
		"Accessibility at the venue", "Travel support for delegates", "Delegation of the city of %s",
		"Logistics for the %s delegation", "Question sur l'inscription de notre ville",
		"Hébergement des délégués de %s", "Consulta sobre la inscripción de %s", "Alojamiento para la delegación",
		"Can our deputy mayor attend instead?", "Draft outcome document: comments from %s",
	}
	programmeSubjects = []string{
		"Speaking slot on the migration panel", "Request to join a panel on inclusive cities",
		"Proposal of a speaker from %s", "Intervention de notre maire lors de la session plénière",
		"Solicitud de ponente para la mesa de %s", "Our mayor as speaker on day one",
	}
	visaSubjects = []string{
		"Visa invitation letter request - %s", "Invitation letter for visa application (%s)",
		"Demande de lettre d'invitation pour le visa - %s", "Solicitud de carta de invitación para visa (%s)",
		"Urgent: visa appointment next week", "Schengen visa for the %s delegation",
	}
	pressSubjects = []string{
		"Press accreditation request", "Press enquiry: interview with the focal point",
		"Press pass for the opening session", "Press conference schedule",
	}
	autoReplySubjects = []string{
		"Automatic reply: Invitation: Global Conference on Cities and Migrants",
		"Out of Office: Invitation: Global Conference on Cities and Migrants",
		"Automatic reply: Reminder: Global Conference on Cities and Migrants",
	}
	listTopics = []string{
		"Weekly digest", "Minutes of the steering group", "New members this month", "Call for good practices",
		"Upcoming webinar on urban resilience", "Annual report available",
	}
)

var paragraphs = map[string][]string{
	"en": {
		"Dear Sir or Madam,",
		"I am writing on behalf of the municipality regarding the Global Conference on Cities and Migrants to be held in Mechelen in November. Our city council has asked me to coordinate the participation of our delegation and to make sure that all the practical arrangements are in place well ahead of the event.",
		"We would be grateful if you could let us know the deadline for registration and whether members of the delegation need to register individually or whether a single form can cover the whole group. We would also like to know if there is a limit to the number of participants per city.",
		"In addition, could you please confirm whether simultaneous interpretation will be available in French and Spanish during the plenary sessions? Several of our colleagues are more comfortable following technical discussions in their own language.",
		"Our mayor has followed the preparatory meetings with great interest and is keen to share the experience of our city in welcoming newcomers, in particular the work done with local associations on housing, language courses and access to employment.",
		"Please find below the contact details of the persons in charge of the file in our administration. Do not hesitate to contact them directly by phone or by email should you need any further information from our side.",
		"Thank you in advance for your help, and congratulations to the whole team for the organisation of this important event. We look forward to hearing from you.",
	},
	"fr": {
		"Madame, Monsieur,",
		"Je me permets de vous écrire au nom de la mairie au sujet de la Conférence mondiale sur les villes et les migrants qui se tiendra à Malines en novembre. Le conseil municipal m'a chargé de coordonner la participation de notre délégation.",
		"Pourriez-vous nous indiquer la date limite d'inscription ainsi que la marche à suivre pour les membres de la délégation ? Nous souhaiterions également savoir s'il existe un nombre maximal de participants par ville.",
		"Par ailleurs, une interprétation simultanée en français et en espagnol est-elle prévue lors des séances plénières ? Plusieurs de nos collègues préfèrent suivre les débats techniques dans leur langue.",
		"Notre maire a suivi les réunions préparatoires avec beaucoup d'intérêt et souhaite partager l'expérience de notre ville en matière d'accueil, notamment le travail mené avec les associations locales sur le logement et l'emploi.",
		"Je vous remercie par avance de votre aide et vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
	},
	"es": {
		"Estimados señores:",
		"Me dirijo a ustedes en nombre del ayuntamiento en relación con la Conferencia Mundial sobre Ciudades y Migrantes que se celebrará en Malinas en noviembre. El concejo municipal me ha encargado coordinar la participación de nuestra delegación.",
		"Les agradeceríamos que nos indicaran la fecha límite de inscripción y si los miembros de la delegación deben inscribirse individualmente. También quisiéramos saber si existe un número máximo de participantes por ciudad.",
		"Además, ¿podrían confirmarnos si habrá interpretación simultánea al francés y al español durante las sesiones plenarias? Varios de nuestros colegas prefieren seguir los debates técnicos en su propio idioma.",
		"Nuestra alcaldesa ha seguido las reuniones preparatorias con gran interés y desea compartir la experiencia de nuestra ciudad en la acogida de personas recién llegadas, en particular el trabajo con las asociaciones locales.",
		"Agradeciendo de antemano su atención, les saluda atentamente,",
	},
}

// wrap folds text at 76 columns.
func wrap(text string) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		if col > 0 && col+1+len(w) > 76 {
			b.WriteString("\n")
			col = 0
		} else if col > 0 {
			b.WriteString(" ")
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// letter is a body of paragraphs in lang of about size bytes, signed by p.
func (g *gen) letter(lang string, p person, size int) string {
	ps := paragraphs[lang]
	var b strings.Builder
	b.WriteString(ps[0] + "\n\n")
	// The paragraphs in a random order, again if more are needed.
	for order := g.rng.Perm(len(ps) - 1); b.Len() < size-120; order = append(order[1:], order[0]) {
		b.WriteString(wrap(ps[1+order[0]]) + "\n\n")
	}
	fmt.Fprintf(&b, "%s\nCity of %s\n%s\n", p.name, pick(g, cities), p.addr)
	return b.String()
}

// quote prefixes every line with "> ".
func quote(text string) string {
	return "> " + strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\n> ") + "\n"
}

// encodeSubject encodes a non-ASCII subject (RFC 2047), as mail clients do.
func encodeSubject(s string) string {
	for _, r := range s {
		if r > 127 {
			return mime.QEncoding.Encode("UTF-8", s)
		}
	}
	return s
}

func fill(format string, g *gen) string {
	if strings.Contains(format, "%s") {
		return fmt.Sprintf(format, pick(g, cities))
	}
	return format
}

// message generates message seq of category c.
func (g *gen) message(seq int, c category) *benchMsg {
	m := &benchMsg{Seq: seq, Cat: c}
	p := g.person()
	date := g.base.Add(time.Duration(seq) * 97 * time.Second)
	host := strings.SplitN(p.addr, "@", 2)[1]
	m.MessageID = fmt.Sprintf("bench-%05d.%08x@%s", seq, g.rng.Uint32(), host)
	size := 2700 + g.rng.IntN(600) // the whole message, roughly
	lang := "en"
	var extra []string
	var body, contentType string
	to := "UN-Habitat focal point <decorte@un.org>"
	switch c {
	case catEnquiry, catProgramme, catVisa:
		list := map[category][]string{catEnquiry: enquirySubjects, catProgramme: programmeSubjects, catVisa: visaSubjects}[c]
		m.Subject = fill(pick(g, list), g)
		switch {
		case strings.Contains(m.Subject, "Demande"), strings.Contains(m.Subject, "Question sur"),
			strings.Contains(m.Subject, "Hébergement"), strings.Contains(m.Subject, "Intervention"):
			lang = "fr"
		case strings.Contains(m.Subject, "Solicitud"), strings.Contains(m.Subject, "Consulta"),
			strings.Contains(m.Subject, "Alojamiento"):
			lang = "es"
		}
	case catPress:
		p.addr = strings.SplitN(p.addr, "@", 2)[0] + "@" + pick(g, pressDomains)
		m.Subject = pick(g, pressSubjects)
	case catAutoReply:
		m.Subject = pick(g, autoReplySubjects)
		wave := fmt.Sprintf("<wave-%05d@un.org>", g.rng.IntN(5000))
		extra = []string{"In-Reply-To: " + wave, "References: " + wave, "Auto-Submitted: auto-replied",
			"X-Auto-Response-Suppress: All"}
		back := date.Add(time.Duration(3+g.rng.IntN(20)) * 24 * time.Hour).Format("2 January 2006")
		body = wrap(fmt.Sprintf("Thank you for your message. I am out of the office with limited access to email until %s. "+
			"For urgent matters please contact the international relations office of the City of %s.", back, pick(g, cities))) +
			"\n\n-----Original message-----\n" + quote(g.letter("en", person{"UN-Habitat focal point", "decorte@un.org"}, size-500))
	case catBounce:
		return g.bounce(m, date)
	case catList:
		list := strings.ToLower(pick(g, cities)) + "-migration"
		m.Subject = fmt.Sprintf("[%s] %s", list, pick(g, listTopics))
		to = fmt.Sprintf("%s@lists.example.org", list)
		extra = []string{
			fmt.Sprintf("List-Id: %s network <%s.lists.example.org>", list, list),
			fmt.Sprintf("List-Unsubscribe: <mailto:%s-request@lists.example.org?subject=unsubscribe>", list),
			fmt.Sprintf("List-Post: <mailto:%s@lists.example.org>", list),
			"Precedence: list",
		}
	}
	if body == "" {
		body = g.letter(lang, p, size-700)
	}
	contentType = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit"
	if g.rng.IntN(10) < 3 {
		// A third of the mail comes from clients that send HTML too.
		b := fmt.Sprintf("b%016x", g.rng.Uint64())
		half := body
		if len(half) > size/2 {
			half = half[:strings.LastIndex(half[:size/2], "\n\n")+2]
		}
		html := "<html><body><p>" + strings.ReplaceAll(strings.TrimSpace(half), "\n\n", "</p>\n<p>") + "</p></body></html>\n"
		contentType = fmt.Sprintf("Content-Type: multipart/alternative; boundary=\"%s\"", b)
		body = fmt.Sprintf("--%s\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n--%s\n"+
			"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n--%s--\n", b, half, b, html, b)
	}
	m.From = p.addr
	var h strings.Builder
	fmt.Fprintf(&h, "Return-Path: <%s>\n", p.addr)
	fmt.Fprintf(&h, "Received: from mail.%s (mail.%s [192.0.2.%d])\n\tby mx1.un.org (Postfix) with ESMTPS id %08X\n\tfor <decorte@un.org>; %s\n",
		host, host, 1+g.rng.IntN(250), g.rng.Uint32(), date.Add(2*time.Second).Format(time.RFC1123Z))
	fmt.Fprintf(&h, "From: %s <%s>\nTo: %s\nSubject: %s\nDate: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\n",
		p.name, p.addr, to, encodeSubject(m.Subject), date.Format(time.RFC1123Z), m.MessageID)
	for _, l := range extra {
		h.WriteString(l + "\n")
	}
	h.WriteString(contentType + "\n\n")
	m.Raw = []byte(h.String() + body)
	return m
}

// bounce is a Postfix non-delivery report (RFC 3464) of the invitation wave.
func (g *gen) bounce(m *benchMsg, date time.Time) *benchMsg {
	rcpt := g.person()
	m.From = "MAILER-DAEMON@mx1.un.org"
	m.Subject = "Undelivered Mail Returned to Sender"
	b := fmt.Sprintf("%08X.%d/mx1.un.org", g.rng.Uint32(), date.Unix())
	queue := fmt.Sprintf("%010X", g.rng.Uint64()>>24)
	rdom := strings.SplitN(rcpt.addr, "@", 2)[1]
	var s strings.Builder
	fmt.Fprintf(&s, "Return-Path: <>\nReceived: by mx1.un.org (Postfix)\n\tid %s; %s\n", queue, date.Format(time.RFC1123Z))
	fmt.Fprintf(&s, "Date: %s\nFrom: MAILER-DAEMON@mx1.un.org (Mail Delivery System)\nSubject: %s\nTo: decorte@un.org\n",
		date.Format(time.RFC1123Z), m.Subject)
	fmt.Fprintf(&s, "Auto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"%s\"\n", b)
	fmt.Fprintf(&s, "Content-Transfer-Encoding: 7bit\nMessage-Id: <%s>\n\nThis is a MIME-encapsulated message.\n\n", m.MessageID)
	fmt.Fprintf(&s, "--%s\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n", b)
	s.WriteString("This is the mail system at host mx1.un.org.\n\nI'm sorry to have to inform you that your message could not\n" +
		"be delivered to one or more recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\n" +
		"If you do so, please include this problem report. You can\ndelete your own text from the attached returned message.\n\n" +
		"                   The mail system\n\n")
	fmt.Fprintf(&s, "<%s>: host mx.%s[198.51.100.%d] said: 550 5.1.1\n    <%s>: Recipient address rejected: User unknown in virtual\n    mailbox table (in reply to RCPT TO command)\n\n",
		rcpt.addr, rdom, 1+g.rng.IntN(250), rcpt.addr)
	fmt.Fprintf(&s, "--%s\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n", b)
	fmt.Fprintf(&s, "Reporting-MTA: dns; mx1.un.org\nX-Postfix-Queue-ID: %s\nX-Postfix-Sender: rfc822; decorte@un.org\nArrival-Date: %s\n\n",
		queue, date.Add(-time.Minute).Format(time.RFC1123Z))
	fmt.Fprintf(&s, "Final-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.%s\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected: User\n    unknown in virtual mailbox table\n\n",
		rcpt.addr, rcpt.addr, rdom, rcpt.addr)
	fmt.Fprintf(&s, "--%s\nContent-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n", b)
	wave := fmt.Sprintf("wave-%05d@un.org", g.rng.IntN(5000))
	fmt.Fprintf(&s, "Return-Path: <decorte@un.org>\nReceived: from herald.un.org (herald.un.org [203.0.113.7])\n\tby mx1.un.org (Postfix) with ESMTPSA id %s\n\tfor <%s>; %s\n",
		queue, rcpt.addr, date.Add(-time.Minute).Format(time.RFC1123Z))
	fmt.Fprintf(&s, "From: UN-Habitat focal point <decorte@un.org>\nTo: %s <%s>\nSubject: Invitation: Global Conference on Cities and Migrants\n", rcpt.name, rcpt.addr)
	fmt.Fprintf(&s, "Date: %s\nMessage-ID: <%s>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nList-Unsubscribe: <mailto:decorte@un.org?subject=unsubscribe>\n",
		date.Add(-time.Minute).Format(time.RFC1123Z), wave)
	// The relays the invitation went through, as real reports quote them.
	for s.Len() < 2900 {
		n := g.rng.IntN(9)
		fmt.Fprintf(&s, "Received: from relay%d.%s (relay%d.%s [198.51.100.%d])\n\tby gw.%s with ESMTP id %016x; %s\n",
			n, rdom, n, rdom, 1+g.rng.IntN(250), rdom, g.rng.Uint64(), date.Format(time.RFC1123Z))
	}
	fmt.Fprintf(&s, "\n--%s--\n", b)
	m.Raw = []byte(s.String())
	return m
}

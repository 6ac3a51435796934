package rsvp

import (
	"regexp"
	"strings"

	"github.com/herald-mail/herald/daemon/textmatch"
)

// category is what a phrase says about attending.
type category int

const (
	// catAccept is a plain acceptance: "I will attend", "je serai présent".
	catAccept category = iota
	// catWeak is an acceptance a decline elsewhere overrides, and that is
	// not clear on its own: "I would love to come", "j'aurais aimé venir",
	// "looking forward to it".
	catWeak
	// catDecline is a refusal. Decline phrases contain the verbs they
	// negate ("cannot attend"), and beat the acceptance inside them.
	catDecline
	// catMaybe is a tentative answer: "I will try to attend", "intentaré".
	catMaybe
	// catHedge is a bare "maybe", "peut-être", "quizás": a tentative answer
	// when it qualifies an acceptance or is the whole reply, noise otherwise
	// ("maybe you could send the agenda").
	catHedge
	// catIgnore is wording that borrows an answer's verb and answers
	// nothing: "cannot attend to requests sent outside office hours".
	// It beats what it overlaps and is not a signal.
	catIgnore
)

func (c category) intent() string {
	switch c {
	case catAccept, catWeak:
		return Accepted
	case catDecline:
		return Declined
	case catMaybe, catHedge:
		return Maybe
	}
	return ""
}

// phrase is one phrase table, matched against normalized
// sentences (see normalize).
type phrase struct {
	cat  category
	lang string
	re   func() *regexp.Regexp
}

// macros are shared pieces of the phrase patterns.
var macros = strings.NewReplacer(
	// English.
	"{EN_ATT}", `(?:attend|be attending|be in attendance|be there|be present|come|be coming|join|be joining|participate|be participating|take part|make it|accept|travel)`,
	"{EN_ING}", `(?:attending|coming|joining|participating|going to (?:attend|come|make it|be there))`,
	"{EN_NEG}", `(?:can not|cannot|can t|cant|could not|couldn t|couldnt|will not|won t|wont|shall not|shan t|ll not|am unable to|m unable to|are unable to|re unable to|is unable to|s unable to|will be unable to|ll be unable to|will not be able to|won t be able to|wont be able to|ll not be able to|not be able to|not able to|unable to|not going to be able to|not going to|not gonna|do not think i can|don t think i can|dont think i can|do not think we can|don t think we can|no longer (?:be )?able to|do not plan to|don t plan to|dont plan to|not planning to|do not intend to|don t intend to|not intending to|regret(?:fully)? (?:that )?(?:i|we) (?:can not|cannot|can t|will not|won t))`,
	"{EN_WHERE}", `(?:(?:in|at) (?:[a-z]+ ){1,2}?(?:(?:on|during|for|at|in) (?:th(?:ose|ese|at|is|e) )?(?:dates?|days?|week|weekend|period|time|month)|then|that day|that week|at that time)|(?:in|at) (?:the |your )?(?:conference|meeting|event|forum|summit|ceremony))`,
	"{EN_ADV}", `(?:(?:unfortunately|sadly|regrettably|therefore|thus|personally|physically|really|actually|now|then|after all|also|both|either|definitely|certainly|be able to)(?: ,)? )`,
	"{EN_AADV}", `(?:(?:definitely|certainly|gladly|happily|surely|indeed|of course|also|both|all|be able to|be happy to|be glad to|be delighted to|be pleased to|be honou?red to|very much|personally|in person|then|now)(?: ,)? )`,
	// French.
	"{FR_ADV}", `(?:(?:malheureusement|helas|donc|finalement|vraiment|en effet|personnellement|physiquement|cette fois|cette annee|au final|toutefois|par consequent|a mon grand regret|a regret|non plus)(?: ,)? )`,
	"{FR_AADV}", `(?:(?:bien|bien sur|evidemment|volontiers|avec plaisir|donc|certainement|tres|naturellement|personnellement|effectivement|aussi|egalement)(?: ,)? )`,
	"{FR_ATT}", `(?:(?:en mesure (?:de |d ))?(?:venir|y venir|assister|y assister|participer|y participer|etre present|etre presente|etre presents|etre presentes|etre la|etre des votres|etre parmi vous|etre de la partie|etre sur place|present|presente|presents|presentes|des votres|parmi vous|de la partie|sur place|me joindre a vous|nous joindre a vous|me joindre|nous joindre|vous rejoindre|me rendre|nous rendre|m y rendre|nous y rendre|y aller|aller|y etre|faire le deplacement|me deplacer|nous deplacer|honorer|accepter|repondre favorablement|donner (?:une )?suite(?: favorable)?|me liberer|nous liberer|disponible|disponibles|libre|libres|la(?: , |$)))`,
	"{FR_WHERE}", `(?:(?:etre )?(?:a|au|en|sur) (?:[a-z]+ ){1,2}?(?:a|aux|pour|pendant|durant|en|ce|cette|ces|le|les|la|de) (?:ces |cette |ce |la |les |de |telles )?(?:dates?|jours?|journees?|periode|moment|semaine|epoque)|(?:etre )?(?:a|au) (?:la )?(?:conference|reunion|rencontre|forum|sommet))`,
	"{FR_MOD}", `(?:pourrai|pourrais|pourra|pourrait|pourrons|pourrions|pourront|pourraient|peux|peut|pouvons|peuvent|vais|va|allons|vont|compte|comptons|souhaite|souhaitons|serai|sera|serons|seront|suis|sommes)`,
	"{FR_FUT}", `(?:viendrai|viendrais|viendra|viendrons|viendront|participerai|participera|participerons|participeront|assisterai|assistera|assisterons|assisteront|irai|ira|irons|iront|participe|participons|assiste|assistons)`,
	// Spanish.
	"{ES_ADV}", `(?:(?:lamentablemente|desafortunadamente|finalmente|por desgracia|desgraciadamente|al final|esta vez|en esta ocasion|personalmente|creo que|realmente|tampoco)(?: ,)? )`,
	"{ES_AADV}", `(?:(?:con gusto|con mucho gusto|encantado|encantada|sin falta|sin duda|por supuesto|claro|tambien|personalmente|ahi|alli|si)(?: ,)? )`,
	"{ES_ATT}", `(?:asistir|ir|participar|acudir|estar presente|estar presentes|estar ahi|estar alli|estar|acompanarles|acompanaros|acompanarlos|acompanarlas|acompanarte|acompanarle|acompanarla|unirme|unirnos|aceptar|desplazarme|viajar|confirmar (?:mi|nuestra) asistencia)`,
	"{ES_MOD}", `(?:podre|podra|podremos|podran|puedo|puede|podemos|pueden|podria|podriamos|podrian|voy a poder|vamos a poder|va a poder|van a poder|voy a|vamos a|va a|van a|creo que pueda|creo que podamos|creo que podre|creo poder|tendre la posibilidad de|tendre ocasion de|estare en condiciones de|estoy en condiciones de|estaremos en condiciones de|me sera posible|nos sera posible|le sera posible|me es posible|nos es posible|me va a ser posible|me resultara posible|me resulta posible|sera posible)`,
)

// compilePhrases expands macros, lets ", " in a pattern match an
// optional comma ("unfortunately, I cannot" and "unfortunately I
// cannot"), and joins the patterns of one table into a single
// leftmost-longest regexp anchored on word boundaries: one pass per table
// instead of one per pattern, and each match as long as its phrase.
func compilePhrases(srcs []string) *regexp.Regexp {
	alts := make([]string, len(srcs))
	for i, src := range srcs {
		src = macros.Replace(src)
		alts[i] = "(?:" + strings.ReplaceAll(src, ", ", "(?: ,)? ") + ")"
	}
	re := regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
	re.Longest()
	return re
}

func table(cat category, lang string, srcs ...string) []phrase {
	return []phrase{{cat: cat, lang: lang, re: textmatch.Once(func() *regexp.Regexp { return compilePhrases(srcs) })}}
}

// phrases are the English, French and Spanish tables. Subjects are mostly
// optional ("Will attend.", "the Mayor will attend"): assistants answer for
// the person invited, and a substitute is caught by substitution.
var phrases = concat(
	table(catIgnore, "",
		`attend to (?:your |my |our |the |this |that |these |all |any |incoming |urgent )?(?:requests?|e mails?|emails?|messages?|mails?|correspondence|enquiries|inquiries|queries|matters?|business|it|them|this|that|urgent|correspondance)`,
		`declin(?:e|es|ed|ing|ons|ent|a|amos|an) (?:all|any|toute|toutes|cualquier|toda) (?:liability|responsibility|responsabilite|responsabilidad)`,
		// A wish about a later event, after a refusal of this one: "I
		// hope to join a future edition".
		`(?:hope|hoping|look forward|looking forward) to (?:be able to )?(?:attend|come to|join|participate in|take part in|see you at) (?:a |the |another |one of the )?(?:future|next|later|coming|following) (?:edition|event|conference|meeting|forum|one|year|occasion)s?`,
	),
	table(catDecline, "en",
		`{EN_NEG} {EN_ADV}*{EN_ATT}`,
		`(?:{EN_NEG}|(?:am|m|are|re|is|s|will|ll|shall) {EN_ADV}*not) {EN_ADV}*(?:be )?{EN_WHERE}`,
		`(?:am|m|are|re|is|s|will|ll|shall) {EN_ADV}*not {EN_ADV}*(?:be )?(?:able to )?(?:{EN_ATT}|{EN_ING}|be {EN_ING})`,
		`(?:i|we|he|she|they) (?:can not|cannot|can t|cant|won t|wont|will not|am not able to|m not able to|am unable to|m unable to|won t be able to|will not be able to|shall not be able to|are unable to|re unable to)(?:(?: ,)? (?:unfortunately|sadly|i m afraid|i am afraid|this time|after all|sorry|i m sorry|i am sorry|apologies|regrettably))?$`,
		`(?:my|our|his|her) (?:schedule|diary|agenda|calendar|timetable) (?:does not|doesn t|doesnt|will not|won t|wont|would not|wouldn t) {EN_ADV}*(?:allow|permit)`,
		`(?:unfortunately|sadly|regretfully|regrettably|afraid|sorry), not$`,
		`^not (?:this time|attending|coming|available|able to {EN_ATT})`, `not this time`,
		`declin(?:e|ed|ing)`,
		`(?:send|sending|sends|with|my|our|his|her|offer|convey|extend|present|accept) (?:my |our |his |her )?(?:sincere |sincerest |deepest |heartfelt |kind )?regrets`, `^regrets$`,
		`count (?:me|us) out`, `(?:do not|don t|dont) count (?:on )?(?:me|us)(?: in)?`,
		`(?:maybe|perhaps|hopefully) next time`, `next time (?:perhaps|maybe)`, `another time`, `rain check`,
		`(?:prior|previous|another|other|conflicting|existing) (?:commitment|engagement|obligation|appointment)s?`, `(?:schedule|scheduling|diary|calendar) (?:conflict|clash)`,
		`cancel (?:my|our|his|her) (?:participation|registration|attendance|rsvp|place|seat)`, `(?:have to|must|need to|ll have to|will have to) cancel`, `withdraw (?:my|our) (?:participation|registration|attendance)`,
		`impossible for (?:me|us|him|her) to {EN_ATT}`, `impossible for (?:me|us)(?: (?:on|at|in|during) (?:th(?:ose|ese|at|is|e) )?(?:dates?|days?|time|week))?(?:$| ,\s[a-z]+)`, `not (?:be )?possible for (?:me|us|him|her) to {EN_ATT}`,
		`(?:attending|attendance|participation|participating|coming|joining|travel|travelling|traveling) (?:will|would|is|s) {EN_ADV}*not (?:be )?(?:possible|feasible)`,
		`(?:will|ll|shall|have to|going to|must) (?:unfortunately |sadly )?miss (?:it|this|the)`,
		`(?:not|no longer|isn t|aren t|won t be|will not be) available`, `unavailable`,
	),
	table(catAccept, "en",
		`(?:will|ll|shall|ill) {EN_AADV}*(?:attend|be attending|be in attendance|be there|be present|come|be coming|join|be joining|participate|be participating|take part|make it|accept)`,
		`(?:am|m|are|re|is) {EN_AADV}*(?:attending|participating|going to (?:attend|be there|make it|join))`,
		`(?:i|we) (?:am|m|are|re) {EN_AADV}*(?:coming|joining)`,
		`(?:i|we) (?:am|m|are|re) in$`, `(?:i|we) (?:am|m|are|re) (?:now )?confirmed(?: for| to attend| as (?:a )?(?:participant|speaker|attendee)|$)`, `count (?:me|us) in`, `count on (?:me|us)`, `(?:sign|put) (?:me|us) (?:up|down)`, `(?:register|add) (?:me|us)`, `rsvp (?:yes|positive)`, `^confirmed$`,
		`(?:i|we|he|she) (?:can|ll be able to|will be able to|am able to|m able to) {EN_AADV}*(?:attend|come|make it|be there|join|participate|be present|accept)`,
		`(?:i|we) (?:do |hereby |gladly |happily )*accept`, `accept(?:ing)? (?:your|the|this) (?:kind |gracious |generous )?invitation`, `^accept(?:ed)?$`,
		`(?:happy|glad|pleased|delighted|honou?red|thrilled|excited|eager) to (?:accept|attend|confirm|join|participate|come|be there|take part|be part)`,
		`(?:would|d) be (?:very |really |so |most |more than )?(?:happy|glad|pleased|delighted|honou?red) to (?:attend|accept|join|participate|take part|be there|come)`,
		`(?:register|sign|put|add|mark|note|enrol|enroll|book) (?:me|us)(?: down| up| in)? (?:for the (?:conference|event|meeting|forum)|as (?:attending|a participant|participating|coming|present|an attendee)|to the (?:list of )?(?:participants|attendees|guest list))`,
		`confirm(?:ing|s|ed)? {EN_AADV}*(?:my|our|his|her|the) (?:attendance|participation|presence|registration|rsvp|attending|place)`,
		`(?:won t|wont|will not|wouldn t|wouldnt|would not) (?:want to )?miss (?:it|this|the)`,
		`with (?:great )?pleasure`,
		`(?:plan|planning|intend|intending|expect|expecting) to (?:attend|come|be there|join|participate|take part)`,
		`yes, (?:i|we) (?:will|shall|can|do)$`,
		`(?:can t|cant|cannot|can not) wait to (?:attend|come|join|be there|see you|meet you|take part|participate)`,
	),
	table(catWeak, "en",
		`(?:would|d) (?:really |very much |so |just |certainly |definitely )?(?:love|like) to (?:attend|come|join|participate|accept|be there|take part|be part)`,
		`(?:i|we) could (?:attend|come|make it|join|participate|be there)`,
		`(?:i|we) (?:want|wish) to (?:attend|come|join|participate)`,
		`see you (?:there|then|soon|on|at|in|next)`,
		`look(?:ing)? forward to (?:it|the|seeing|meeting|attending|being|joining|participating|this|your)`,
	),
	table(catMaybe, "en",
		`not (?:yet |entirely |completely |quite |really |100 )?(?:sure|certain)`, `unsure`, `uncertain`, `tentative(?:ly)?`, `provisional(?:ly)?`,
		`(?:might|may|could possibly) (?:be able to )?(?:attend|come|make it|join|be there|participate|take part)`,
		`(?:might|may) not (?:be able to )?(?:attend|come|make it|join|be there|participate)`,
		`(?:will|ll|shall|going to|gonna) (?:do my best|do our best|try|try my best|make every effort|endeavou?r|aim|attempt) to (?:attend|come|be there|make it|join|participate|get there|take part)`,
		`try(?:ing)? to (?:attend|come|be there|make it|join|participate|get there|take part|fit it in|rearrange|reschedule)`,
		`(?:hope|hoping) to (?:be able to )?(?:attend|come|be there|make it|join|participate|take part)`,
		`(?:put|mark|note|register|pencil|add|sign|list|keep) (?:me|us)(?: down| up| in)? as (?:a |an )?(?:maybe|tentative|possible|provisional|probable|likely|unconfirmed)(?: (?:attendee|participant|yes))?`,
		`(?:possible|probable|provisional|tentative|unconfirmed) (?:attendance|participation|attendee|participant)`,
		`(?:do not|don t|dont) (?:yet |really )?know (?:yet|if|whether)`, `not know yet`,
		`(?:can not|cannot|can t|unable to|not able to|not yet able to) (?:yet )?confirm (?:yet|at this|now|for now|until|before|right now)`,
		`not yet (?:able to confirm|confirmed|know)`,
		`(?:will|ll|shall) (?:let you know|confirm (?:later|closer|asap|soon|shortly|by|as soon|next)|revert|keep you posted|update you|be in touch)`,
		`get back to you`, `come back to you`, `to be confirmed`, `tbc`, `depends`, `depending on`,
		`pencil(?:led|ed)? (?:me|us|it) in`,
		`check (?:my|our) (?:agenda|calendar|diary|schedule|availability)`,
		`if (?:my )?(?:schedule|agenda|diary|calendar|time) (?:allows|permits)`, `if i can`, `if possible`, `unlikely`,
	),
	table(catHedge, "en", `maybe`, `perhaps`, `possibly`, `probably`, `likely`),

	table(catDecline, "fr",
		`(?:ne |n )?(?:y )?{FR_MOD} {FR_ADV}*pas {FR_ADV}*{FR_ATT}`,
		`(?:ne |n )(?:serai|serons|sera|seront|pourrai|pourrons|pourra|pourront) {FR_ADV}*pas {FR_ADV}*{FR_WHERE}`,
		`(?:ne |n )(?:y )?{FR_FUT} {FR_ADV}*pas`,
		`ne (?:pourrai|pourrons|pourra|puis|pouvons|peux) {FR_ADV}*(?:y )?(?:repondre favorablement|donner une suite favorable|donner suite|venir|assister|participer|etre present|etre presente|etre des votres)`,
		`(?:ne |n )(?:pourrai|pourrais|pourra|pourrons|pourront|peux|pouvons|pourrait) {FR_ADV}*pas(?:(?: ,)? (?:malheureusement|helas|cette fois|cette annee|desolee?s?|je suis desolee?|navree?|pardon))?$`,
		`(?:mon|notre|son|leur) (?:agenda|emploi du temps|calendrier|planning) ne (?:me|nous|lui|leur) (?:permet|permettra|permettrait|permettant) {FR_ADV}*pas`,
		`indisponibles?`, `empeche(?:e|s|es|ment)?`, `absente?s?`,
		`excuse[rz]? (?:mon|notre) absence`, `m excuser de (?:ne pas|mon absence)`,
		`impossible (?:de |d )(?:y )?(?:venir|assister|participer|etre|me liberer|nous liberer|me deplacer|me rendre|nous rendre)`,
		`(?:il m est|il me sera|il me serait|il nous sera|il nous est|m est|me sera|nous sera|nous est) (?:malheureusement )?impossible`,
		`ne (?:me|nous|lui) (?:sera|serait|est) {FR_ADV}*pas (?:possible|envisageable)`,
		`declin(?:er|e|ons|erai|erons)`,
		`(?:dois|devons|devrai|devrons|vais devoir|allons devoir|suis au regret de|sommes au regret de|me vois contrainte? de|me vois obligee? de|nous voyons contraint(?:e)?s de|nous voyons oblige(?:e)?s de) {FR_ADV}*(?:decliner|refuser|renoncer|annuler|me desister|nous desister|vous faire faux bond|m excuser|nous excuser|ne pas pouvoir)`,
		`annul(?:er|e|ons) (?:ma|notre|sa) (?:participation|inscription|venue|presence)`,
		`impossible pour (?:moi|nous)(?: (?:a|en) (?:ces|cette) (?:dates?|periode)| ce jour la)?(?:$| ,\s[a-z]+)`,
		`non merci`, `pour (?:une|la) (?:autre|prochaine) fois`, `(?:une|la) prochaine fois peut etre`, `pas cette (?:fois|annee)`,
		`ne pas pouvoir {FR_ADV}*{FR_ATT}`, `ne pouvoir {FR_ADV}*(?:y )?{FR_ATT}`,
		`ne pas etre (?:present|presente|presents|presentes|disponible|disponibles|en mesure|des votres|parmi vous|libre|la)`,
		`(?:me|nous) desist(?:e|ons|er)`, `faux bond`,
	),
	table(catAccept, "fr",
		`(?:serai|sera|serons|seront|suis|sommes) {FR_AADV}*(?:present|presente|presents|presentes|la(?: , |$)|des votres|parmi vous|au rendez vous|de la partie|(?:ravie?s?|heureux|heureuse|heureuses|enchantee?s?|honoree?s?) (?:de |d )(?:y )?(?:venir|participer|assister|etre|vous rejoindre|me joindre|nous joindre|accepter))`,
		`(?:y )?(?:viendrai|viendrons|viendra|viendront|participerai|participerons|participera|participeront|assisterai|assisterons|assistera|assisteront|irai|irons)`, `y (?:serai|serons|sera|seront)`,
		`(?:vais|allons|va|vont|compte|comptons|pourrai|pourrons|pourra|peux|pouvons|peut|souhaite|souhaitons|serai en mesure de|serai en mesure d|suis en mesure de|sommes en mesure de|confirme|confirmons) {FR_AADV}*(?:venir|y venir|participer|y participer|assister|y assister|etre present|etre presente|etre presents|etre la|etre des votres|etre parmi vous|me joindre a vous|nous joindre a vous|y etre|m y rendre|me rendre|vous rejoindre)`,
		`confirm(?:e|er|ons|ation de) {FR_AADV}*(?:ma|notre|sa|leur|la|votre) (?:participation|presence|venue|inscription)`,
		`(?:plaisir|ravie?s?|heureux|heureuse|heureuses|honoree?s?|enchantee?s?) (?:de |d ){FR_AADV}*(?:accepter|confirmer|participer|venir|assister|y assister|y participer|etre present|etre presente|etre des votres|etre parmi vous|vous rejoindre|me joindre|nous joindre)`,
		`avec (?:grand |beaucoup de )?plaisir`, `(?:bien |tres )?volontiers`,
		`(?:j|nous) accept(?:e|ons)`, `accepte (?:votre|l|cette|avec)`, `accepter (?:votre|l|cette) (?:aimable )?invitation`,
		`comptez sur (?:moi|nous|ma presence|notre presence)`, `(?:pouvez|peux) compter sur (?:moi|nous|ma presence|notre presence)`,
		`(?:je|nous) (?:m|nous) inscri(?:s|vons)`, `inscrivez (?:moi|nous)`, `(?:merci de|veuillez) (?:m|nous) inscrire`,
		`n y manquer(?:ai|ons|a) pas`, `ne manquer(?:ai|ons|a) pas (?:cela|ca|cet|cette|l occasion|d y|de venir)`,
		`^present(?:e|s|es)?$`,
		`(?:serais|serions) (?:tres |vraiment |donc )?(?:ravie?s?|heureux|heureuse|heureuses|honoree?s?|enchantee?s?) (?:de |d )(?:y )?(?:participer|venir|assister|etre present|etre presente|etre des votres|etre parmi vous|vous rejoindre)`,
		`(?:je|nous|j y|nous y) (?:viens|venons)(?: (?:avec plaisir|volontiers|bien sur|avec joie))?$`,
		`(?:m|me|nous) (?:noter|inscrire|compter|enregistrer|ajouter|mettre) (?:comme (?:participante?s?|presente?s?)|parmi les (?:participants|presents|inscrits)|(?:a|sur) la liste des (?:participants|inscrits|presents)|pour (?:la conference|l evenement|le colloque|la reunion|le forum|le sommet|la rencontre))`,
	),
	table(catWeak, "fr",
		`(?:serais|serait|serions|seraient|aurais|aurait|aurions|auraient|aimerais|aimerait|aimerions|voudrais|voudrions) (?:[a-z]+ ){0,4}?(?:venir|participer|assister|present|presente|presents|accepter|plaisir|volontiers|des votres|parmi vous|la(?: , |$))`,
		`au plaisir de vous (?:voir|retrouver|rencontrer)`, `hate de (?:vous|venir|participer|y)`,
	),
	table(catMaybe, "fr",
		`(?:je vais|nous allons|vais|allons) {FR_AADV}*essayer`, `j essai(?:e|erai)`, `j essayerai`, `nous essa(?:ierons|yerons)`,
		`essayer(?:ai|ons)? (?:de |d )(?:venir|participer|assister|me liberer|nous liberer|passer|etre|y)`,
		`(?:je|nous) tenter(?:ai|ons)`, `tacher(?:ai)? (?:de |d )(?:venir|participer|assister|passer|etre)`,
		`(?:ferai|ferons) (?:mon|notre|tout mon|tout notre|de mon|de notre|le) (?:possible|mieux|maximum)`,
		`pas (?:encore |tout a fait |trop |vraiment )?(?:sur|sure|surs|sures|certain|certaine|certains|certaines)`,
		`ne (?:sais|savons) pas (?:encore|si|trop|exactement)`, `(?:je|nous) ne (?:sais|savons) pas$`, `incertaine?s?`,
		`sous reserve`, `a confirmer`,
		`(?:participation|presence|venue|participante?|inscription) (?:possible|eventuelle?|probable|provisoire|incertaine?|a confirmer|optionnelle?|sous reserve)`,
		`(?:m|me|nous) (?:noter|inscrire|compter|mettre|marquer|enregistrer) (?:comme |en )(?:possible|eventuel|eventuelle|probable|provisoire|option|peut etre)`, `provisoirement`, `pas encore (?:en mesure|fixe|decide)`,
		`(?:confirmerai|confirmerons|vous confirme|vous redis|vous dirai|vous redirai) (?:plus tard|ulterieurement|rapidement|des que|bientot|d ici|au plus vite|prochainement|sous peu|dans les)`,
		`vous (?:tiens|tiendrai|tiendrons) au courant`, `(?:reviens|reviendrai|reviendrons|revenons) vers vous`,
		`(?:il est |c est )?possible que (?:je|nous)`, `si (?:c est )?possible`, `dans la mesure du possible`,
		`(?:verifier|consulter|voir|regarder) (?:mon|notre) agenda`, `selon mon agenda`, `en fonction de (?:mon|notre)`, `depend(?:ra)?`,
	),
	table(catHedge, "fr", `peut etre`, `probablement`, `eventuellement`, `sans doute`, `possiblement`),

	table(catDecline, "es",
		`no {ES_ADV}*{ES_MOD} {ES_ADV}*{ES_ATT}`,
		`no {ES_ADV}*(?:podre|podra|podremos|podran|puedo|podemos|podria|podriamos|voy a poder|vamos a poder)(?:(?: ,)? (?:lamentablemente|esta vez|en esta ocasion|finalmente|lo siento(?: mucho)?|lo lamento|perdon|disculpe|disculpen))?$`,
		`(?:mi|nuestra|su) agenda no (?:me|nos|le|les) (?:permite|permitira|permitiria)`,
		`no {ES_ADV}*(?:me |nos |le |les )?(?:sera|es|va a ser|resulta|resultara|seria) (?:posible|factible)`,
		`no {ES_ADV}*(?:asistire|asistira|asistiremos|asistiran|asisto|asistimos|ire|iremos|participare|participara|participaremos|participaran|participo|acudire|acudira|acudiremos|acudiran)`, `no (?:voy|vamos)$`,
		`no {ES_ADV}*(?:estare|estara|estaremos|estaran|estoy|esta|estamos|estan) {ES_ADV}*(?:presente|presentes|disponible|disponibles|ahi|alli|libre|libres|en condiciones)`,
		`(?:debo|debemos|tengo que|tenemos que|me veo obligad[oa] a|nos vemos obligad[oa]s a|lamento|lamentamos|siento|sentimos|lamentablemente|por desgracia) {ES_ADV}*(?:declinar|rechazar|cancelar|excusarme|excusar|no poder|no asistir|no participar|no acudir|no ir|no estar|informarle que no|comunicarle que no|decirle que no)`,
		`declin(?:ar|o|amos)`, `rechaz(?:ar|o|amos) (?:la|su|vuestra|tu|esta) (?:amable )?invitacion`,
		`(?:me|nos) (?:excuso|excusamos|disculpo|disculpamos)`, `(?:excusar|excusen|excuse|disculpen|disculpe|disculpar) (?:mi|nuestra) (?:ausencia|inasistencia|no asistencia)`,
		`estare ausente`, `estaremos ausentes`, `no gracias`,
		`(?:me es|me sera|me resulta|me resultara|nos es|nos sera|le sera|sera|es) (?:del todo )?imposible`, `imposible (?:asistir|ir|participar|acudir|estar|acompanarles)`,
		`cancelar (?:mi|nuestra|su) (?:asistencia|participacion|inscripcion)`,
		`(?:para|en) la proxima (?:vez|ocasion)`, `en otra ocasion`, `otra vez sera`,
		`no poder {ES_ADV}*{ES_ATT}`,
		`imposible para (?:mi|nosotros|nosotras)(?: (?:en|para) (?:esas|esa|estas) (?:fechas?|semana))?(?:$| ,\s[a-z]+)`,
		`no {ES_ADV}*(?:estare|estaremos|estara|estaran|{ES_MOD} estar) {ES_ADV}*en (?:[a-z]+ ){1,2}?(?:en|para|durante|por) (?:esas |esos |esa |ese |las |los |la |el |dichas |dichos )?(?:fechas?|dias?|periodo|momento|semana|epoca)`,
	),
	table(catAccept, "es",
		`(?:asistire|asistira|asistiremos|asistiran|participare|participara|participaremos|participaran|acudire|acudira|acudiremos|acudiran|ire|iremos)`,
		`(?:alli|ahi|alla) (?:estare|estaremos|estara|estaran)`,
		`(?:estare|estaremos|estara|estaran) {ES_AADV}*(?:presente|presentes|alli|ahi|encantad[oa]s?(?: de (?:asistir|participar|ir|acompanarles|acompanaros|estar))?)`,
		`(?:voy a|vamos a|va a|van a|puedo|podemos|podre|podremos|podra|pienso|pensamos|tengo previsto|tenemos previsto|tengo intencion de|tenemos intencion de|me sera posible|nos sera posible|confirmo que (?:voy a|podre)) {ES_AADV}*(?:asistir|ir|participar|acudir|estar presente|estar alli|estar ahi|acompanarles|acompanaros|acompanarlos)`,
		`confirm(?:o|amos|ar|a) {ES_AADV}*(?:mi|nuestra|su|la) (?:asistencia|participacion|presencia|inscripcion)`,
		`con (?:mucho )?(?:gusto|placer)`, `sera un (?:placer|honor|gusto) (?:asistir|participar|acompanarles|acompanaros|estar|ir)`,
		`encantad[oa]s? de (?:asistir|participar|ir|acompanarles|acompanaros|aceptar|estar)`,
		`(?:apunt|inscrib|anot|registr)(?:ar|en|e|a)?(?:me|nos) (?:como (?:asistente|participante)s?|en la lista de (?:asistentes|participantes)|para la conferencia)`,
		`acept(?:o|amos) {ES_AADV}*(?:la|su|vuestra|tu|esta|encantad[oa]|con)`, `^acept(?:o|amos|ado)$`,
		`cuent(?:e|en|a|an) (?:conmigo|con nosotros)`, `(?:puede|pueden|puedes) contar (?:conmigo|con nosotros|con mi presencia)`,
		`apunt(?:ame|enme|eme)`, `inscrib(?:anme|ame|irme)`, `me apunto`, `nos apuntamos`,
		`^(?:si(?: ,)? )?(?:voy|vamos|alla voy)(?: (?:con gusto|encantad[oa]|sin falta|seguro))?$`,
		`no me lo (?:perdere|perderia)`, `no (?:me|nos) lo (?:vamos a|voy a) perder`,
	),
	table(catWeak, "es",
		`me (?:encantaria|gustaria|hubiera gustado|habria gustado|hubiese gustado) (?:mucho )?(?:poder )?(?:asistir|ir|participar|acompanarles|acompanaros|estar)`,
		`nos vemos (?:alli|ahi|alla|en|el|pronto)`,
	),
	table(catMaybe, "es",
		`intentar(?:e|emos)`, `(?:voy|vamos) a intentar(?:lo)?`, `tratar(?:e|emos) de`, `procurar(?:e|emos)`,
		`har(?:e|emos) (?:todo )?lo (?:posible|que pueda|que podamos)`,
		`no (?:estoy|estamos) {ES_ADV}*segur[oa]s?`,
		`no (?:lo )?(?:se|sabemos) (?:todavia|aun|si|con seguridad|seguro|exactamente)`,
		`(?:todavia|aun) no (?:lo )?(?:se|sabemos|puedo confirmar|podemos confirmar|estoy segur[oa]|lo tengo claro|tengo confirmado)`,
		`sujeto a (?:confirmacion|disponibilidad)`, `pendiente de (?:confirmar|confirmacion)`, `por confirmar`,
		`(?:le|les|te|os) (?:confirmo|confirmare|confirmaremos|dire|dire algo|aviso|avisare|avisaremos|digo algo|respondo|respondere) (?:mas adelante|pronto|en cuanto|lo antes posible|proximamente|en unos dias|cuando|manana|la proxima semana)`,
		`provisional(?:mente)?`, `depende`,
		`es posible que (?:asista|asistamos|vaya|vayamos|participe|participemos|pueda|podamos)`,
		`lo (?:confirmo|confirmare|confirmaremos) (?:mas adelante|pronto|en cuanto|proximamente|la proxima semana|manana|en unos dias|cuanto antes)`,
		`(?:asistencia|participacion|presencia|asistente|participante) (?:posible|probable|provisional|por confirmar|pendiente de confirmar|tentativa|sin confirmar|en el aire)`,
		`(?:apunt|inscrib|anot|registr)(?:ar|en|e|a)?(?:me|nos) como (?:posible|provisional|tentativ[oa]|probable|quizas)`, `dependera`, `dependiendo`,
		`(?:revisar|consultar|ver|mirar|comprobar) (?:mi|nuestra) agenda`,
		`si (?:me es|me resulta) posible`, `si puedo`, `en la medida de lo posible`, `no lo tengo claro`,
	),
	table(catHedge, "es", `quizas`, `quiza`, `tal vez`, `a lo mejor`, `posiblemente`, `probablemente`, `puede que`),
)

func concat(tables ...[]phrase) []phrase {
	var out []phrase
	for _, t := range tables {
		out = append(out, t...)
	}
	return out
}

// Short replies: a bare "Yes", "Oui", "Sí", "No", "Non", "Maybe" counts
// only when, greetings and sign-off aside, it is the whole new text.
var (
	shortYes   = textmatch.Lazy(`^(?:(?:yes|yeah|yep|yup|sure|absolutely|definitely|certainly|of course|gladly|confirmed|accepted|oui|ouais|bien sur|certainement|absolument|evidemment|bien entendu|volontiers|avec plaisir|confirme|present|presente|si|claro|claro que si|por supuesto|desde luego|encantad[oa]|confirmad[oa]|con gusto)(?: |$))+$`)
	shortNo    = textmatch.Lazy(`^(?:(?:sadly|unfortunately|regrettably|sorry|i m afraid|afraid|malheureusement|helas|desolee?|lamentablemente|desgraciadamente|desafortunadamente|lo siento)(?: |$))*(?:(?:no|nope|nah|non|negative)(?: |$))+(?:(?:sorry|desolee?|lo siento)(?: |$))*$`)
	shortMaybe = textmatch.Lazy(`^(?:(?:maybe|perhaps|possibly|probably|peut etre|probablement|eventuellement|quizas|quiza|tal vez|a lo mejor|posiblemente|probablemente)(?: |$))+(?:not|pas|no)?$`)

	// shortLang names the language of a short answer word, "" for words
	// two languages share ("no", "present").
	shortLang = map[string]string{
		"yes": "en", "yeah": "en", "yep": "en", "yup": "en", "sure": "en", "absolutely": "en", "definitely": "en",
		"certainly": "en", "of": "en", "gladly": "en", "confirmed": "en", "accepted": "en", "nope": "en", "nah": "en",
		"maybe": "en", "perhaps": "en", "possibly": "en", "probably": "en", "negative": "en",
		"oui": "fr", "ouais": "fr", "bien": "fr", "certainement": "fr", "absolument": "fr", "evidemment": "fr",
		"volontiers": "fr", "avec": "fr", "confirme": "fr", "non": "fr", "peut": "fr", "probablement": "fr", "eventuellement": "fr",
		"si": "es", "claro": "es", "por": "es", "desde": "es", "encantado": "es", "encantada": "es", "confirmado": "es",
		"confirmada": "es", "con": "es", "quizas": "es", "quiza": "es", "tal": "es", "a": "es", "posiblemente": "es", "probablemente": "es",
	}
)

// fillerSrc is what a reply holds besides its answer: greetings, thanks and
// sign-offs. It is removed before a short reply is recognised, before
// words are counted and before caveats are looked for ("Good afternoon"
// is no partial attendance).
var fillerSrc = strings.Join([]string{
	`hi|hello|hey|dear(?: (?:colleagues?|friends?|sirs?|madam|all|team|mr|mrs|ms|dr))?|good (?:morning|afternoon|evening|day)`,
	`(?:many )?thanks?(?: you)?(?: (?:very|so) much| a lot| again)?(?: for (?:the|your|this) (?:kind |nice |lovely )?(?:invitation|invite|email|e mail|message|mail|information|reminder))?`,
	`best(?: regards| wishes)?|kind(?:est)? regards|warm(?:est)? regards|regards|cheers|sincerely|yours(?: sincerely| truly| faithfully)?|please`,
	`bonjour|bonsoir|salut|(?:cher|chere|chers|cheres) (?:collegues?|amis?|amies?|monsieur|madame)|cher|chere|chers|cheres|madame|monsieur|mesdames|messieurs`,
	`merci(?: (?:beaucoup|bien|encore|infiniment))?(?: (?:pour|de) (?:l|votre|cette|ton|vos) (?:aimable |gentille )?(?:invitation|message|mail|courriel|rappel|information))?`,
	`(?:bien |tres )?cordialement|bien a (?:vous|toi)|salutations(?: (?:distinguees|cordiales))?|(?:tres )?bonne (?:journee|soiree|fin de journee|semaine)|amities|bises|s il (?:vous|te) plait|svp`,
	`hola|buenos dias|buenas tardes|buenas noches|buen dia|(?:estimad[oa]s?|querid[oa]s?)(?: (?:colegas?|amig[oa]s?|senor|senora|senores))?`,
	`(?:muchas |mil )?gracias(?: (?:de nuevo|otra vez))?(?: por (?:la|su|vuestra|tu|el) (?:amable )?(?:invitacion|mensaje|correo|recordatorio|informacion))?`,
	`saludos(?: cordiales)?|un (?:cordial )?saludo|atentamente|cordialmente|por favor`,
	`ok|okay|okey|d accord|vale|noted|entendido|bien recibido|bien recu|well received`,
	`(?:sorry|apologies) for (?:the|my) (?:late|belated|delayed) (?:reply|response|answer)|desolee? (?:pour|de) (?:la|cette|ma) reponse tardive|(?:perdon|disculpe|disculpen|siento) (?:por )?(?:la demora|el retraso|responder tan tarde|responder tarde|contestar tarde)`,
}, "|")

var (
	filler = textmatch.Lazy(`\b(?:` + fillerSrc + `)\b`)
	// leadingFiller is one greeting or thanks at the start of a sentence,
	// removed before matching so that "Hello, no thanks" starts with "no".
	leadingFiller = textmatch.Lazy(`^(?:` + fillerSrc + `)(?: ,)?(?: |$)`)
)

// Caveats make an otherwise clear answer a question for a human.
var (
	// substitution: someone else comes, or comes too. Any intent.
	substitution = textmatch.Lazy(`\b(?:colleagues?|deputy|delegates?|delegation|representatives?|represent(?:ing|ed)?|on (?:my|our|his|her) behalf|in my place|instead|replac(?:e|ing|ement)|substitute|accompanied|accompany me|will accompany|joined by|plus one|bring(?:ing)?|spouse|wife|husband|collegues?|adjointe?|deleguee?|representante?s?|representer(?:a)?|represente(?:e|s|es)?|representad[oa]s?|a ma place|en mon nom|remplac(?:er|era|ant|ante)|accompagne(?:e|s|es)?|accompagnera|m accompagner|accompagnat(?:eur|rice)|amener|emmener|conjointe?|epouse|mari|colegas?|companer[oa]|delegad[oa]|delegacion|representar(?:a)?|en mi lugar|en mi nombre|en mi representacion|en su lugar|sustituir(?:a)?|reemplazar(?:a)?|acompanad[oa]|acompanantes?|me acompanar(?:a|an)|llevar a|traer a|esposa|esposo|marido|pareja|together with|along with|someone|somebody|(?:two|three|four|five|several|some|one|members?) of (?:us|our|my|the)|a member of|our team|my team|staff members?|officials?|quelqu un|un membre|des membres|une? elue?|des elus|(?:deux|trois|quatre|cinq|plusieurs) (?:personnes|representants|elus|membres|collaborateurs|collegues)|mon equipe|notre equipe|alguien|un miembro|miembros|mi equipo|nuestro equipo|(?:dos|tres|cuatro|cinco|varias) personas|en representacion|forwarded|forwarding|(?:will|ll|to|shall) forward (?:it|this|the|your)|passed (?:it|this|the invitation|your invitation) (?:on|to)|transmis|transmets|transfere|transferee|reenviad[oa]|reenvie|he trasladado|trasladad[oa])\b`)
	// partial: only part of the event, or late. Any intent, same sentence.
	partial = textmatch.Lazy(`\b(?:online|on line|remote|remotely|virtual|virtually|live ?stream(?:ing)?|webcast|video(?: ?conference| link)?|zoom|webex|en ligne|a distance|visio(?:conference)?|en linea|a distancia|por video|videoconferencia|streaming|dinner|lunch|breakfast|reception|cocktail|gala|banquet|(?:first|second|third|last) day|day (?:one|two)|morning|afternoon|evening|late|part of|partially|partly|diner|dejeuner|petit dejeuner|premier jour|premiere journee|deuxieme (?:jour|journee)|seconde journee|dernier jour|derniere journee|matin|matinee|apres midi|soir|soiree|en retard|une partie|partiellement|cena|almuerzo|comida|desayuno|recepcion|coctel|primer dia|primera jornada|segundo dia|segunda jornada|ultimo dia|manana|tarde|noche|con retraso|una parte|parcialmente|en parte)\b`)
	// contrast: "yes but …", "only". Acceptances only.
	contrast = textmatch.Lazy(`\b(?:but|however|although|though|except|only|mais|cependant|toutefois|pourtant|neanmoins|sauf|seulement|uniquement|pero|sin embargo|aunque|salvo|excepto|no obstante|solo|solamente|unicamente)\b`)
	// condition: "if", "provided", "ne … que". Acceptances only, same sentence.
	condition = textmatch.Lazy(`\b(?:if|unless|provided|providing|as long as|assuming|in case|a condition|subject to|pending|should (?:my|our|the|it|time|schedule|circumstances)|sous reserve|sujet a|sujeto a|pendiente de|pourvu|a moins|au cas ou|siempre que|siempre y cuando|a menos que|con tal de que|en caso de que|salvo que|ne (?:[a-z]+ ){1,3}qu?e?)\b`)
	// conditionalSi is "si" + a word: "if" in French and Spanish, but not
	// "Si, asistiré" (sí with the accent dropped) nor "si asistiré".
	conditionalSi = textmatch.Lazy(`\bsi ([a-z]+)`)
	siNotIf       = map[string]bool{"asistire": true, "asistiremos": true, "ire": true, "iremos": true, "participare": true, "estare": true, "claro": true, "gracias": true, "senor": true, "senora": true, "por": true, "con": true, "encantado": true, "encantada": true, "confirmo": true, "acepto": true, "alli": true, "ahi": true, "je": true, "nous": true}
	// negation: a word just before an acceptance that turns it around
	// ("never said I would attend"), which no table lists.
	// French "ne" is left out: "je ne viendrai que le matin" restricts,
	// and a French negation ends in "pas", which the tables read.
	negation = map[string]bool{"not": true, "never": true, "dont": true, "t": true, "no": true, "jamais": true, "nunca": true, "jamas": true}
	// notNegating follows a negation word that negates nothing: "no
	// problem, I will attend", "no doubt", "sin duda".
	notNegating = map[string]bool{"problem": true, "problems": true, "worries": true, "doubt": true, "problema": true, "duda": true}
	// recordRequest is a question that only asks to record the answer it
	// holds ("pouvez-vous me noter comme participation possible ?", "could
	// you put me down as tentative?"): its question mark asks nothing else.
	recordRequest = textmatch.Lazy(`^(?:(?:hello|hi|dear [a-z]+|bonjour|hola|buenos dias)(?: ,)? )?(?:(?:can|could|would|will) you (?:please |kindly )?(?:register|add|put|sign|mark|note|record|list|count|enrol|enroll|book|pencil|keep) (?:me|us)|(?:pouvez|pourriez|voulez|voudriez|pourrais|peux) (?:vous |tu )?(?:bien )?(?:m|me|nous) (?:noter|inscrire|compter|enregistrer|ajouter|marquer|mettre)|(?:vous|tu) (?:pouvez|pourriez|peux|pourrais) (?:m|me|nous) (?:noter|inscrire|compter|enregistrer|ajouter|marquer|mettre)|(?:(?:me|nos) )?(?:puede|pueden|podria|podrian|puedes|podrias)(?: usted| ustedes)? (?:(?:apuntar|inscribir|anotar|registrar|poner|incluir)(?:me|nos)?|contar conmigo))\b`)
	// otherRequest: the reply asks for something else as well.
	otherRequest = textmatch.Lazy(`\b(?:unsubscribe|remove me|desabonner|desinscri(?:re|ption|vez)|darme de baja|darse de baja|dar de baja)\b`)
)

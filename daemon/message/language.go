package message

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stop words that tell English, French and Spanish apart. Words common to two
// of the languages ("de", "la", "que", "en", "a", "no", "me", "se", "son",
// "un") are left out because they decide nothing. Greetings and courtesy words
// are included: short enquiries often contain little else.
var stopWords = map[string][]string{
	"en": strings.Fields(`the and is are was were be been to of in on at for with from by this that these
		those it its i you he she we they my your our their me us him her them have has had do does did
		will would could should can may might shall not but or if as an what which who when where how why
		there here about please thank thanks hello hi dear regards best kind sincerely yes i'm i'd i'll
		we're you're don't can't won't it's let know like want need attend attending register
		registration conference invitation whether also any some all just very much`),
	"fr": strings.Fields(`le les des du une et est sont été être avoir ai avons avez ont je il elle
		nous vous ils elles ce cette ces cet mon ma ton ta tes notre nos votre vos leur leurs qui
		quoi où dans sur sous avec pour par pas ne plus mais ou donc car au aux très merci bonjour
		bonsoir madame monsieur cordialement salutations veuillez voudrais souhaite souhaiterais
		pourriez pouvez peux serait serai suis était aussi comme tout tous toute toutes même
		inscription conférence participer participation oui c'est j'ai d'un d'une qu'il s'il ça
		déjà après avant chez afin lors`),
	"es": strings.Fields(`el los las del y es está están estoy estamos fue ser estar yo él ella
		nosotros ustedes usted ellos ellas mi mis tu tus su sus nuestro nuestra nuestros este esta estos
		estas ese esa eso para por con sin pero o u muy gracias hola buenos buenas días tardes
		estimado estimada estimados saludos atentamente cordial quisiera quiero puedo puede pueden
		podría sería soy hay al lo también como todo todos toda todas mismo inscripción conferencia
		participar participación sí cuando donde qué cómo porque desde hasta entre sobre muchas
		asistir asistencia registro gustaría`),
}

var stopIndex = func() map[string]string {
	idx := map[string]string{}
	for lang, words := range stopWords {
		for _, w := range words {
			idx[w] = lang
		}
	}
	return idx
}()

// French elisions (l', d', j', qu', n', s', c', m') mark French on their own.
var frenchElision = map[string]bool{"l": true, "d": true, "j": true, "qu": true, "n": true, "s": true, "c": true, "m": true}

// DetectLanguage returns "en", "fr" or "es" for text written in one of them,
// or "" when it cannot tell. It counts distinctive stop words (plus French
// elisions and Spanish-only punctuation), which is enough for the short
// enquiries and replies herald sees; pass NewText so quotes do not vote.
func DetectLanguage(text string) string {
	score := map[string]float64{}
	words := 0
	eachToken(text, func(tok string) {
		if tok = strings.Trim(tok, "'"); tok == "" {
			return
		}
		words++
		if l, ok := stopIndex[tok]; ok {
			score[l]++
			return
		}
		if i := strings.IndexRune(tok, '\''); i > 0 && frenchElision[tok[:i]] {
			score["fr"]++
			if l := stopIndex[tok[i+1:]]; l == "fr" {
				score["fr"]++
			}
		}
	})
	// ¿ and ¡ exist only in Spanish; ñ almost only.
	score["es"] += 1.5 * float64(strings.Count(text, "¿")+strings.Count(text, "¡"))
	score["es"] += 0.5 * float64(min(strings.Count(text, "ñ")+strings.Count(text, "Ñ"), 4))

	best, second := "", 0.0
	for _, l := range []string{"en", "fr", "es"} {
		switch s := score[l]; {
		case best == "" || s > score[best]:
			if best != "" {
				second = score[best]
			}
			best = l
		case s > second:
			second = s
		}
	}
	top := score[best]
	// Need some evidence, and a clear lead: one hit decides only a tiny text.
	if top < 2 && !(top >= 1 && words <= 3) {
		return ""
	}
	if top < 1.5*second {
		return ""
	}
	return best
}

// eachToken lowercases text and calls f with each of its words, in order:
// runs of letters and apostrophes, so that "j'ai" and "don't" stay whole
// (typographic apostrophes are normalised first).
func eachToken(text string, f func(string)) {
	text = strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	start := -1
	for i, r := range text {
		word := r == '\''
		if !word {
			if r < utf8.RuneSelf {
				word = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
			} else {
				word = unicode.IsLetter(r)
			}
		}
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			f(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		f(text[start:])
	}
}

package lists

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Pseudo-columns: a first and a last name, joined into name when the
// file has no column for the whole name.
const (
	colFirst = "first name"
	colLast  = "last name"
)

// alias is what a header cell means: a known column ("" for the columns
// an export adds and an import ignores) and its rank: the column's own
// English name (rank 0) wins over another alias (rank 1) when two
// columns claim the same field, as in Outlook's "Title" and "Job Title".
type alias struct {
	field string
	rank  int
}

// aliasNames are the header names people write, in English, French and
// Spanish, and those of the Outlook, Google and Apple contact exports;
// they are compared by normKey (lowercase, no accents, punctuation as
// spaces), so "E-mail", "e_mail" and "E mail" are one entry.
var aliasNames = map[string][]string{
	"email": {"e-mail", "mail", "email address", "e-mail address", "email 1", "e-mail 1", "e-mail 1 - value",
		"email 1 - value", "primary email", "work email", "courriel", "adresse courriel", "adresse e-mail",
		"adresse email", "adresse mail", "adresse électronique", "mél", "correo", "correo electrónico",
		"correo-e", "email personal", "dirección de correo", "dirección de correo electrónico", "dirección de email",
		"dirección email"},
	"name": {"full name", "display name", "contact", "contact name", "nom", "nom complet", "nom et prénom",
		"prénom et nom", "prénom nom", "nombre", "nombre completo", "nombre y apellidos", "nombre y apellido"},
	colFirst: {"first name", "firstname", "given name", "prénom", "prenom", "nombre de pila"},
	colLast: {"last name", "lastname", "surname", "family name", "nom de famille", "apellido", "apellidos",
		"primer apellido"},
	"language": {"lang", "preferred language", "langue", "langue préférée", "idioma", "lengua", "idioma preferido"},
	"organisation": {"organization", "organisation name", "organization name", "organization 1 - name", "org",
		"company", "company name", "institution", "organisme", "entreprise", "société", "structure",
		"organización", "organizacion", "organismo", "empresa", "institución", "entidad"},
	"title": {"job title", "position", "function", "role", "organization title", "organization 1 - title",
		"titre", "fonction", "poste", "cargo", "puesto", "función"},
	"city": {"town", "business city", "ville", "commune", "ciudad", "localidad", "municipio"},
	"country": {"country/region", "business country/region", "country code", "nation", "pays", "país",
		"pais", "nación"},
	// An export's own columns: a status never comes from a file.
	"": {"status", "rsvp", "bounces"},
}

var aliases = func() map[string]alias {
	m := map[string]alias{}
	for field, names := range aliasNames {
		if field != "" && field != colFirst && field != colLast {
			m[field] = alias{field, 0}
		}
		for _, n := range names {
			rank := 1
			if field == "" {
				rank = 0
			}
			m[normKey(n)] = alias{field, rank}
		}
	}
	return m
}()

var stripAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// normKey is how header cells and language names are compared:
// lowercase, without accents, every run of other characters one space.
func normKey(s string) string {
	if t, _, err := transform.String(stripAccents, s); err == nil {
		s = t
	}
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// languageNames are languages written out, in English, French, Spanish
// and themselves, and ISO 639-2 codes, keyed by normKey.
var languageNames = func() map[string]string {
	names := map[string][]string{
		"en": {"english", "anglais", "inglés", "eng"},
		"fr": {"french", "français", "francés", "francais", "fra", "fre"},
		"es": {"spanish", "espagnol", "español", "castellano", "castillan", "spa", "esp"},
		"pt": {"portuguese", "portugais", "portugués", "português", "por"},
		"de": {"german", "allemand", "alemán", "deutsch", "deu", "ger"},
		"it": {"italian", "italien", "italiano", "ita"},
		"nl": {"dutch", "néerlandais", "neerlandés", "nederlands", "nld", "dut"},
		"ar": {"arabic", "arabe", "árabe", "العربية", "ara"},
		"zh": {"chinese", "chinois", "chino", "中文", "zho", "chi"},
		"ru": {"russian", "russe", "ruso", "русский", "rus"},
		"ca": {"catalan", "català", "catalán", "cat"},
		"ja": {"japanese", "japonais", "japonés", "日本語", "jpn"},
		"sw": {"swahili", "kiswahili", "swa"},
	}
	m := map[string]string{}
	for code, ns := range names {
		for _, n := range ns {
			m[normKey(n)] = code
		}
	}
	return m
}()

// languageCode maps a language written out ("Français", "Spanish",
// "English (UK)") to its code; ok is false for anything else.
func languageCode(s string) (string, bool) {
	k := normKey(s)
	if c, ok := languageNames[k]; ok {
		return c, true
	}
	first, _, _ := strings.Cut(k, " ")
	c, ok := languageNames[first]
	return c, ok && first != k
}

// trimCell trims spaces, including the no-break and zero-width spaces
// spreadsheets leave around pasted addresses.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
	})
}

// cleanEmail trims an email cell and drops the mailto: of a cell that
// was a hyperlink.
func cleanEmail(s string) string {
	s = trimCell(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = trimCell(s[7:])
	}
	return s
}

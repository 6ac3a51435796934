package web

// moreLabels are the labels of the pages added after the first
// dashboard (thread text, wave actions, templates, sandbox form, charts),
// merged into labels at start so i18n.go stays readable.
var moreLabels = map[string]map[string]string{
	"en": {
		"no_text": "No text was kept for this message.", "attachments": "Attachments",
		"unnamed": "(no name)", "atts_note": "Attachments stay in the mailbox; the dashboard never opens them.",
		"evidence": "What they wrote",
	},
	"fr": {
		"no_text": "Aucun texte conservé pour ce message.", "attachments": "Pièces jointes",
		"unnamed": "(sans nom)", "atts_note": "Les pièces jointes restent dans la boîte ; le tableau de bord ne les ouvre jamais.",
		"evidence": "Ce qu’ils ont écrit",
	},
}

func init() {
	for lang, m := range moreLabels {
		for k, v := range m {
			labels[lang][k] = v
		}
	}
}

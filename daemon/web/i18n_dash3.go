package web

// dash3Labels are the labels of the SMTP health lines, the rendered
// outbox and the list forms, merged into labels at start like moreLabels.
var dash3Labels = map[string]map[string]string{
	"en": {
		"comp_smtp": "Outgoing mail server (SMTP) of", "not_used_yet": "not used since herald started; it is tried with the first message",
	},
	"fr": {
		"comp_smtp": "Serveur d'envoi (SMTP) de", "not_used_yet": "pas encore utilisé depuis le démarrage ; il sera essayé au premier message",
	},
}

func init() {
	for lang, m := range dash3Labels {
		for k, v := range m {
			labels[lang][k] = v
		}
	}
}

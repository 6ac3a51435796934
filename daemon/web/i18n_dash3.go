package web

// dash3Labels are the labels of the SMTP health lines, the rendered
// outbox and the list forms, merged into labels at start like moreLabels.
var dash3Labels = map[string]map[string]string{
	"en": {
		"comp_smtp": "Outgoing mail server (SMTP) of", "not_used_yet": "not used since herald started; it is tried with the first message",
		"captured_title": "Captured message", "back_outbox": "Back to what herald sent", "captured_envelope": "Sent from",
		"captured_html_only": "This message has only an HTML version: shown here as the text herald reads from it, never as HTML.",
		"captured_has_html":  "This message has an HTML version too; the dashboard shows its text version only and never renders HTML.",
		"captured_atts_note": "Attachments are listed by name; the dashboard never opens them.", "open_message": "open",
	},
	"fr": {
		"comp_smtp": "Serveur d'envoi (SMTP) de", "not_used_yet": "pas encore utilisé depuis le démarrage ; il sera essayé au premier message",
		"captured_title": "Message capturé", "back_outbox": "Retour à ce que herald a envoyé", "captured_envelope": "Envoyé de",
		"captured_html_only": "Ce message n'a qu'une version HTML : elle est montrée ici comme le texte qu'en lit herald, jamais comme du HTML.",
		"captured_has_html":  "Ce message a aussi une version HTML ; le tableau de bord n'en montre que la version texte et n'affiche jamais de HTML.",
		"captured_atts_note": "Les pièces jointes sont listées par leur nom ; le tableau de bord ne les ouvre jamais.", "open_message": "ouvrir",
	},
}

func init() {
	for lang, m := range dash3Labels {
		for k, v := range m {
			labels[lang][k] = v
		}
	}
}

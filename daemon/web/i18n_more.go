package web

// moreLabels are the labels of the pages added after the first
// dashboard (thread text, wave actions, templates, sandbox form, charts),
// merged into labels at start so i18n.go stays readable.
var moreLabels = map[string]map[string]string{
	"en": {
		"no_text": "No text was kept for this message.", "attachments": "Attachments",
		"unnamed": "(no name)", "atts_note": "Attachments stay in the mailbox; the dashboard never opens them.",
		"evidence": "What they wrote",
		"send_now": "Send now", "send_past_until": "Send even though the wave has ended (until:)",
		"send_now_note": "Send now starts a run at once, as 'herald waves send' does; the daemon sends it within seconds.",
		"send_started":  "A run has started: the daemon is sending it; the progress below follows.",
		"preview":       "Preview the message", "preview_for": "Contact (email address)", "show_message": "Show the message",
		"test_send": "Send a test copy", "test_to": "Send to", "test_as": "Rendered as for contact", "optional": "optional",
		"send_test": "Send test", "test_sent": "Test copy sent (not counted as a delivery) to",
		"possible_duplicates": "Possible duplicates", "no_dups": "No message may have gone out twice.",
		"dups_note": "herald stopped while these were being handed to the server: they were sent again and may have arrived twice.",
		"has_html":  "the message has an HTML version too (see the source)", "raw_source": "The message's source",
		"subscription": "Subscription", "all_lists": "Every list", "reason": "Reason",
		"unsubscribe": "Unsubscribe", "resubscribe": "Resubscribe", "export": "Export", "export_excel": "CSV for Excel",
		"write_title": "Write to a focal point as an invitee would", "write_intro": "The message goes into the account's INBOX through the sandbox's SMTP server, as 'herald sandbox inject' does; herald reads it like any other.",
		"write_from": "From (an invitee's address, with a name if you like)", "write_to": "To (an account)", "write_text": "Text",
		"write_reply": "In reply to (a Message-ID, to answer a wave's message)", "write_send": "Deliver",
		"write_sent": "Delivered: herald reads it within seconds.", "outbox_title": "What herald sent",
		"login_locked": "Too many wrong passwords for this name from this address. Try again in",
		"last_30_days": "The last 30 days", "chart_table": "Show the numbers as a table", "chart_empty": "Nothing in this period.",
		"chart_per_day": "Enquiries per day, by category", "chart_per_day_desc": "A bar per day for the last 30 days, each split by the enquiries' categories; the table below has every number.",
		"chart_ack_delay": "How long acknowledgements took", "chart_ack_delay_desc": "How many enquiries of the last 30 days were acknowledged within each delay.",
		"chart_rate": "Sending rate of the last run", "chart_rate_desc": "Messages handed to the mail server over time during the wave's last run.",
		"per_minute": "per minute", "per_n_minutes": "per N minutes", "time": "Time", "total": "Total", "delay": "Delay",
		"chart_funnel": "RSVP funnel", "chart_funnel_desc": "The list's contacts, those a wave reached, those who replied and how, and those lost to bounces and unsubscribes.",
		"waiting_for": "Waiting for", "more_than": "more than", "invited": "invited", "acknowledged": "acknowledged", "replied": "replied", "step": "Step",
		"templates": "Templates", "templates_intro": "The message templates herald reads from",
		"templates_table": "Every template, its languages, the waves that send it and what herald check finds",
		"languages":       "Languages", "check": "herald check", "errors": "errors", "no_errors": "no error", "warnings": "warnings",
		"warning": "warning", "check_says": "What herald check reports", "templates_clean": "No problem: every template loads and renders.",
		"render_title": "Render a template", "render": "Render", "has_html_part": "an HTML version too (below)", "html_source": "The HTML version's source",
	},
	"fr": {
		"no_text": "Aucun texte conservé pour ce message.", "attachments": "Pièces jointes",
		"unnamed": "(sans nom)", "atts_note": "Les pièces jointes restent dans la boîte ; le tableau de bord ne les ouvre jamais.",
		"evidence": "Ce qu’ils ont écrit",
		"send_now": "Envoyer maintenant", "send_past_until": "Envoyer bien que la vague soit terminée (until:)",
		"send_now_note": "Envoyer maintenant démarre un passage tout de suite, comme 'herald waves send' ; le démon l’envoie en quelques secondes.",
		"send_started":  "Un passage a démarré : le démon l’envoie ; la progression ci-dessous suit.",
		"preview":       "Aperçu du message", "preview_for": "Contact (adresse e-mail)", "show_message": "Afficher le message",
		"test_send": "Envoyer un essai", "test_to": "Envoyer à", "test_as": "Rendu comme pour le contact", "optional": "facultatif",
		"send_test": "Envoyer l’essai", "test_sent": "Essai envoyé (non compté comme envoi) à",
		"possible_duplicates": "Doublons possibles", "no_dups": "Aucun message n’a pu partir deux fois.",
		"dups_note": "herald s’est arrêté pendant la remise de ces messages au serveur : ils ont été renvoyés et ont pu arriver deux fois.",
		"has_html":  "le message a aussi une version HTML (voir la source)", "raw_source": "La source du message",
		"subscription": "Abonnement", "all_lists": "Toutes les listes", "reason": "Motif",
		"unsubscribe": "Désabonner", "resubscribe": "Réabonner", "export": "Exporter", "export_excel": "CSV pour Excel",
		"write_title": "Écrire à un point focal comme un invité", "write_intro": "Le message arrive dans l’INBOX du compte par le serveur SMTP du bac à sable, comme avec 'herald sandbox inject' ; herald le lit comme tout autre.",
		"write_from": "De (l’adresse d’un invité, avec un nom si vous voulez)", "write_to": "À (un compte)", "write_text": "Texte",
		"write_reply": "En réponse à (un Message-ID, pour répondre au message d’une vague)", "write_send": "Remettre",
		"write_sent": "Remis : herald le lit en quelques secondes.", "outbox_title": "Ce que herald a envoyé",
		"login_locked": "Trop de mots de passe erronés pour ce nom depuis cette adresse. Réessayez dans",
		"last_30_days": "Les 30 derniers jours", "chart_table": "Voir les chiffres en tableau", "chart_empty": "Rien sur cette période.",
		"chart_per_day": "Demandes par jour, par catégorie", "chart_per_day_desc": "Une barre par jour sur les 30 derniers jours, partagée selon la catégorie des demandes ; le tableau ci-dessous donne chaque chiffre.",
		"chart_ack_delay": "Délai des accusés de réception", "chart_ack_delay_desc": "Combien de demandes des 30 derniers jours ont reçu leur accusé dans chaque délai.",
		"chart_rate": "Rythme d’envoi du dernier passage", "chart_rate_desc": "Messages remis au serveur de messagerie au fil du dernier passage de la vague.",
		"per_minute": "par minute", "per_n_minutes": "par N minutes", "time": "Heure", "total": "Total", "delay": "Délai",
		"chart_funnel": "Entonnoir des réponses", "chart_funnel_desc": "Les contacts de la liste, ceux qu’une vague a atteints, ceux qui ont répondu et comment, et ceux perdus par rebond ou désabonnement.",
		"waiting_for": "En attente depuis", "more_than": "plus de", "invited": "invités", "acknowledged": "accusés", "replied": "ont répondu", "step": "Étape",
		"templates": "Modèles", "templates_intro": "Les modèles de message que herald lit dans",
		"templates_table": "Chaque modèle, ses langues, les vagues qui l’envoient et ce que herald check y trouve",
		"languages":       "Langues", "check": "herald check", "errors": "erreurs", "no_errors": "aucune erreur", "warnings": "avertissements",
		"warning": "avertissement", "check_says": "Ce que signale herald check", "templates_clean": "Aucun problème : chaque modèle se charge et se rend.",
		"render_title": "Rendre un modèle", "render": "Rendre", "has_html_part": "aussi une version HTML (ci-dessous)", "html_source": "La source de la version HTML",
	},
}

func init() {
	for lang, m := range moreLabels {
		for k, v := range m {
			labels[lang][k] = v
		}
	}
}

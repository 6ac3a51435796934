package web

import (
	"net/http"

	"golang.org/x/text/language"
)

// The dashboard speaks English and French; the browser's
// Accept-Language chooses (RFC 9110 §12.5.4), English by default.
var (
	uiLangs   = []language.Tag{language.English, language.French}
	uiMatcher = language.NewMatcher(uiLangs)
)

func uiLang(r *http.Request) string {
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := uiMatcher.Match(tags...)
	if i == 1 {
		return "fr"
	}
	return "en"
}

// labels are every word the pages show, by language. A test checks both
// languages have the same keys.
var labels = map[string]map[string]string{
	"en": {
		"app": "herald", "today": "Today", "enquiries": "Enquiries", "waves": "Waves", "lists": "Lists & contacts",
		"sandbox": "Sandbox outbox", "logout": "Log out", "login": "Log in", "name": "Name", "password": "Password",
		"login_title": "Log in to herald", "login_failed": "Wrong name or password.", "signed_in_as": "Signed in as",
		"nav": "Main", "skip": "Skip to the content",
		"needs_person": "Waiting for a person", "open_by_account": "Open enquiries by account and category",
		"account": "Account", "category": "Category", "open": "Open", "oldest": "Oldest waits", "oldest_first": "Oldest open enquiries",
		"nothing_open": "Nothing is waiting: every enquiry is answered or closed.",
		"waves_now":    "Waves running or due today", "no_waves_now": "No wave is running or due today.",
		"nodes": "Nodes", "nodes_caption": "Which herald node holds each mailbox and sender (leases in the shared database)",
		"lease_work": "Work", "lease_node": "Node", "lease_held_for": "Held for",
		"lease_renewed": "held, renewed every few seconds", "lease_expired": "expired: another node takes it within seconds",
		"health": "Health", "all_well": "Everything is working.", "working": "working", "failing": "not working",
		"comp_inbox": "Mailbox", "comp_acks": "Acknowledgements of", "comp_answered": "Answer tracking of",
		"comp_digest": "Daily digest of", "comp_scheduler": "Wave scheduler", "comp_web": "Dashboard",
		"ref": "Ref.", "status": "Status", "age": "Age", "from": "From", "subject": "Subject", "received": "Received",
		"filter": "Filter", "search": "Search", "search_hint": "sender, subject or reference", "any": "any",
		"apply": "Apply", "page": "Page", "of": "of", "previous": "Previous", "next": "Next", "results": "enquiries",
		"st_open": "open", "st_acknowledged": "acknowledged", "st_answered": "answered", "st_closed": "closed",
		"open_and_ack": "open or acknowledged",
		"mailbox":      "Mailbox", "language": "Language", "acknowledgement": "Acknowledgement",
		"ack_sent": "sent", "ack_suppressed": "not sent", "ack_pending": "pending",
		"thread": "Thread", "date": "Date", "direction": "Direction", "folder": "Folder", "dir_in": "received", "dir_out": "sent",
		"history": "History", "by": "by", "no_history": "No one has acted on it yet.",
		"actions": "Actions", "close": "Close", "reopen": "Reopen", "mark_answered": "Mark answered",
		"change_category": "Change category", "new_category": "New category", "save": "Save",
		"state": "State", "next_run": "Next run", "progress": "Progress", "planned": "planned", "sent": "sent",
		"failed": "failed", "skipped": "skipped", "pending": "pending", "uncertain": "possible duplicates",
		"list": "List", "template": "Template", "schedule": "Schedule", "runs": "Runs", "audience_now": "Audience now",
		"left_out": "left out", "last_problems": "Last problems", "no_problems": "No failure.",
		"pause": "Pause", "resume": "Resume", "cancel": "Cancel", "retry": "Retry failed", "dry_run": "Dry run",
		"dry_run_title": "Who would get it now", "gets_it": "Gets it", "why_not": "Why not", "yes": "yes", "no": "no",
		"email": "Email", "contacts": "Contacts", "subscribed": "subscribed", "unsubscribed": "unsubscribed",
		"bounced": "bounced", "accepted": "accepted", "declined": "declined", "maybe": "maybe", "no_answer": "no answer",
		"contact_hint": "address, name, organisation or country", "organisation": "Organisation", "country": "Country",
		"city": "City", "title": "Title", "rsvp": "RSVP", "bounces": "Bounces", "fields": "Other fields",
		"messages_sent": "Messages sent", "messages_received": "Messages received", "wave": "Wave", "result": "Result",
		"kind": "Kind", "no_lists": "No list yet: name one under lists: in the config, then import it.",
		"outbox_intro": "In sandbox mode nothing leaves this machine: every message herald sent is here.",
		"to":           "To", "no_outbox": "Nothing captured yet.", "not_found": "Not found", "back": "Back",
		"live": "Updates by itself", "none": "none", "view": "View",
		"record_title": "Record the answer", "record_intro": "herald could not tell what this reply means, or who sent it. Read it in the mailbox, then record it for",
		"record_accepted": "Record as accepted", "record_declined": "Record as declined", "record_maybe": "Record as maybe",
		"record_unsubscribe": "Record as unsubscribe",
		"import_title":       "Import a file into this list", "import_intro": "A CSV file with an email column. Preview first: nothing is written until you import.",
		"import_file": "CSV file", "import_preview": "Preview", "import_run": "Import now",
		"import_added": "to add", "import_updated": "to update", "import_unchanged": "unchanged", "import_rejected": "rejected",
		"import_line": "line", "import_dry": "Preview: nothing written yet.", "import_done": "Imported.",
	},
	"fr": {
		"app": "herald", "today": "Aujourd'hui", "enquiries": "Demandes", "waves": "Envois", "lists": "Listes et contacts",
		"sandbox": "Boîte d'envoi du bac à sable", "logout": "Se déconnecter", "login": "Se connecter", "name": "Nom",
		"password": "Mot de passe", "login_title": "Connexion à herald", "login_failed": "Nom ou mot de passe incorrect.",
		"signed_in_as": "Connecté en tant que", "nav": "Principal", "skip": "Aller au contenu",
		"needs_person": "En attente d'une personne", "open_by_account": "Demandes ouvertes par compte et catégorie",
		"account": "Compte", "category": "Catégorie", "open": "Ouvertes", "oldest": "La plus ancienne attend",
		"oldest_first": "Demandes ouvertes les plus anciennes",
		"nothing_open": "Rien n'attend : chaque demande a reçu une réponse ou est close.",
		"waves_now":    "Envois en cours ou prévus aujourd'hui", "no_waves_now": "Aucun envoi en cours ni prévu aujourd'hui.",
		"nodes": "Nœuds", "nodes_caption": "Quel nœud herald tient chaque boîte et chaque envoi (baux dans la base partagée)",
		"lease_work": "Travail", "lease_node": "Nœud", "lease_held_for": "Tenu depuis",
		"lease_renewed": "tenu, renouvelé toutes les quelques secondes", "lease_expired": "expiré : un autre nœud le reprend en quelques secondes",
		"health": "État", "all_well": "Tout fonctionne.", "working": "fonctionne", "failing": "ne fonctionne pas",
		"comp_inbox": "Boîte", "comp_acks": "Accusés de réception de", "comp_answered": "Suivi des réponses de",
		"comp_digest": "Résumé quotidien de", "comp_scheduler": "Planificateur des envois", "comp_web": "Tableau de bord",
		"ref": "Réf.", "status": "Statut", "age": "Âge", "from": "De", "subject": "Objet", "received": "Reçue",
		"filter": "Filtrer", "search": "Rechercher", "search_hint": "expéditeur, objet ou référence", "any": "tous",
		"apply": "Appliquer", "page": "Page", "of": "sur", "previous": "Précédente", "next": "Suivante", "results": "demandes",
		"st_open": "ouverte", "st_acknowledged": "accusée", "st_answered": "répondue", "st_closed": "close",
		"open_and_ack": "ouvertes ou accusées",
		"mailbox":      "Dossier", "language": "Langue", "acknowledgement": "Accusé de réception",
		"ack_sent": "envoyé", "ack_suppressed": "non envoyé", "ack_pending": "en attente",
		"thread": "Fil", "date": "Date", "direction": "Sens", "folder": "Dossier", "dir_in": "reçu", "dir_out": "envoyé",
		"history": "Historique", "by": "par", "no_history": "Personne n'a encore agi.",
		"actions": "Actions", "close": "Clore", "reopen": "Rouvrir", "mark_answered": "Marquer comme répondue",
		"change_category": "Changer de catégorie", "new_category": "Nouvelle catégorie", "save": "Enregistrer",
		"state": "État", "next_run": "Prochain envoi", "progress": "Progression", "planned": "prévus", "sent": "envoyés",
		"failed": "échecs", "skipped": "écartés", "pending": "en attente", "uncertain": "doublons possibles",
		"list": "Liste", "template": "Modèle", "schedule": "Calendrier", "runs": "Passages", "audience_now": "Destinataires maintenant",
		"left_out": "écartés", "last_problems": "Derniers problèmes", "no_problems": "Aucun échec.",
		"pause": "Suspendre", "resume": "Reprendre", "cancel": "Annuler", "retry": "Relancer les échecs", "dry_run": "Essai à blanc",
		"dry_run_title": "Qui le recevrait maintenant", "gets_it": "Le reçoit", "why_not": "Pourquoi pas", "yes": "oui", "no": "non",
		"email": "Adresse", "contacts": "Contacts", "subscribed": "abonnés", "unsubscribed": "désabonnés",
		"bounced": "en erreur", "accepted": "acceptent", "declined": "déclinent", "maybe": "peut-être", "no_answer": "sans réponse",
		"contact_hint": "adresse, nom, organisation ou pays", "organisation": "Organisation", "country": "Pays",
		"city": "Ville", "title": "Fonction", "rsvp": "Réponse", "bounces": "Erreurs", "fields": "Autres champs",
		"messages_sent": "Messages envoyés", "messages_received": "Messages reçus", "wave": "Envoi", "result": "Résultat",
		"kind": "Type", "no_lists": "Aucune liste : nommez-en une sous lists: dans la configuration, puis importez-la.",
		"outbox_intro": "En mode bac à sable rien ne quitte cette machine : chaque message envoyé par herald est ici.",
		"to":           "À", "no_outbox": "Rien n'a encore été capturé.", "not_found": "Introuvable", "back": "Retour",
		"live": "Se met à jour tout seul", "none": "aucun", "view": "Voir",
		"record_title": "Enregistrer la réponse", "record_intro": "herald n'a pas pu établir le sens de cette réponse, ou son expéditeur. Lisez-la dans la boîte, puis enregistrez-la pour",
		"record_accepted": "Enregistrer : accepte", "record_declined": "Enregistrer : décline", "record_maybe": "Enregistrer : peut-être",
		"record_unsubscribe": "Enregistrer : désabonnement",
		"import_title":       "Importer un fichier dans cette liste", "import_intro": "Un fichier CSV avec une colonne email. Prévisualisez d'abord : rien n'est écrit avant l'import.",
		"import_file": "Fichier CSV", "import_preview": "Prévisualiser", "import_run": "Importer maintenant",
		"import_added": "à ajouter", "import_updated": "à mettre à jour", "import_unchanged": "inchangés", "import_rejected": "rejetées",
		"import_line": "ligne", "import_dry": "Aperçu : rien n'est encore écrit.", "import_done": "Importé.",
	},
}

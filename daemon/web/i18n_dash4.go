package web

// dash4Labels are the labels of the Lists page's "new list" form and of
// the import preview's column mapping, merged into labels at start like
// moreLabels.
var dash4Labels = map[string]map[string]string{
	"en": {
		"no_lists": "No list yet: create one below (or name one under lists: in the config), then import a file into it.",
		"new_list": "Create a list", "new_list_name": "Name", "new_list_create": "Create",
		"new_list_intro":       "An empty list kept in the database, like herald lists create; a list named in the config with the same name would win.",
		"new_list_any_account": "no account in particular",
		"map_intro":            "herald does not know these columns. Say what each one holds, then preview again; by default each is kept as a custom field under its own name.",
		"map_keep":             "keep as a custom field", "map_leave_out": "leave out", "map_again": "Preview again with these columns",
	},
	"fr": {
		"no_lists": "Aucune liste : créez-en une ci-dessous (ou nommez-la sous lists: dans la configuration), puis importez-y un fichier.",
		"new_list": "Créer une liste", "new_list_name": "Nom", "new_list_create": "Créer",
		"new_list_intro":       "Une liste vide gardée dans la base, comme herald lists create ; une liste du même nom dans la configuration l'emporterait.",
		"new_list_any_account": "aucun compte en particulier",
		"map_intro":            "herald ne connaît pas ces colonnes. Dites ce que contient chacune, puis prévisualisez à nouveau ; par défaut chacune est gardée comme champ personnalisé sous son propre nom.",
		"map_keep":             "garder comme champ personnalisé", "map_leave_out": "laisser de côté", "map_again": "Prévisualiser à nouveau avec ces colonnes",
	},
}

func init() {
	for lang, m := range dash4Labels {
		for k, v := range m {
			labels[lang][k] = v
		}
	}
}

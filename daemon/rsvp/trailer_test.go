package rsvp

import "testing"

// TestStripTrailer: what a client, a gateway or an organisation adds
// around the answer goes; what the sender wrote stays, and so does any
// line the rules are unsure of.
func TestStripTrailer(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"signature after sign-off",
			"I will attend.\n\nBest regards,\nJane Doe\nDeputy Commissioner\nCity of X\nTel: +44 20 0000 0000\nwww.city.example",
			"I will attend."},
		{"sign-off with the name on its line", "Je serai présent.\nMerci, Marie", "Je serai présent."},
		{"French formal closing", "Je viendrai.\n\nJe vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\nJean Dupont\nMaire de X", "Je viendrai."},
		{"signature without sign-off, name first", "Asistiré.\nLucía Fernández\nTeniente de Alcalde Delegada\nAyuntamiento de Sevilla", "Asistiré."},
		{"a substitute title without a name stays", "We will attend.\nMayor and Deputy Mayor", "We will attend.\nMayor and Deputy Mayor"},
		{"a sentence after the sign-off stays", "I will attend.\nRegards,\nJohn\nMy wife will come too.", "I will attend.\nMy wife will come too."},
		{"postscript stays", "I will attend.\nBest,\nCarla\nP.S. My assistant will accompany me.", "I will attend.\nP.S. My assistant will accompany me."},
		{"a restriction after the sign-off stays", "I will attend.\nThanks,\nAnn\nMorning only", "I will attend.\nMorning only"},
		{"wrapped sentence end is no name", "I will attend the conference, and I would like to bring along my colleague\nMr. Rui Costa",
			"I will attend the conference, and I would like to bring along my colleague\nMr. Rui Costa"},
		{"mobile footer", "Count me in!\n\nSent from my iPhone", "Count me in!"},
		{"mobile footer fr", "Oui\n\nEnvoyé de mon iPhone", "Oui"},
		{"mobile footer es", "Sí\n\nEnviado desde mi iPhone", "Sí"},
		{"Outlook mobile", "Sí, cuenten conmigo.\n\nObtener Outlook para Android", "Sí, cuenten conmigo."},
		{"disclaimer en", "Yes.\n\nThis e-mail and any attachments are confidential. If you are not the intended recipient, delete it.", "Yes."},
		{"disclaimer fr", "Oui.\n\nCe message et toutes les pièces jointes sont confidentiels.", "Oui."},
		{"disclaimer es", "Sí.\n\nAVISO LEGAL: Este mensaje y sus archivos adjuntos van dirigidos exclusivamente a su destinatario.", "Sí."},
		{"liability line", "Je serai présent.\nLa Ville d'Angers décline toute responsabilité en cas d'altération.", "Je serai présent."},
		{"office-hours notice, wrapped", "Yes.\nOur office cannot attend to requests sent\noutside office hours.\nCan I bring my wife?", "Yes.\nCan I bring my wife?"},
		{"office-hours notice fr", "Oui.\nCe message n'appelle pas de réponse immédiate en dehors de vos heures de travail.", "Oui."},
		{"banner on top", "CAUTION: This email originated from outside of the organization. Do not click links\nunless you recognize the sender.\n\nYes, I will attend.", "Yes, I will attend."},
		{"banner then answer on the next line", "[EXTERNAL]\nYes, I will attend.", "Yes, I will attend."},
		{"banner then a short answer", "[EXTERNAL] This email originated from outside the organisation.\nYes, thanks.", "Yes, thanks."},
		{"safety tip", "You don't often get email from decorte@un.org. Learn why this is important\nI will attend.", "I will attend."},
		{"no trailer", "I will attend, but only on the first day.", "I will attend, but only on the first day."},
	}
	for _, c := range cases {
		if got := stripTrailer(c.in); got != c.want {
			t.Errorf("%s: stripTrailer(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

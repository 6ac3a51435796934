package rsvp

import "testing"

func TestIntent(t *testing.T) {
	cases := []struct {
		text, subject string
		intent        string
		clear         bool
		lang          string
	}{
		// English declines: the negation beats the verb it contains.
		{"I will not be able to attend.", "", Declined, true, "en"},
		{"Unfortunately I cannot attend.", "", Declined, true, "en"},
		{"Unfortunately, I can't make it.", "", Declined, true, "en"},
		{"I must decline.", "", Declined, true, "en"},
		{"I'm afraid I won't be able to join you this time.", "", Declined, true, "en"},
		{"Thank you for the kind invitation. Regrettably I have a prior commitment and will not be attending.", "", Declined, true, "en"},
		{"I'd love to come but unfortunately I can't.", "", Declined, true, "en"},
		{"Sorry, I cannot accept your invitation.", "", Declined, true, "en"},
		{"The Mayor will unfortunately not be able to attend.", "", Declined, true, "en"},
		{"No, thanks.", "", Declined, true, ""},
		{"No", "", Declined, true, ""},
		// English acceptances.
		{"I will attend.", "", Accepted, true, "en"},
		{"Count me in!", "", Accepted, true, "en"},
		{"Yes, I'll be there.", "", Accepted, true, "en"},
		{"Happy to accept.", "", Accepted, true, "en"},
		{"Yes", "", Accepted, true, "en"},
		{"Yes!\n\nJohn", "", Accepted, true, "en"},
		{"Dear Mr Decorte,\n\nThank you for the invitation. I am pleased to confirm my attendance.\n\nBest regards,\nJane Doe\nChief of Staff", "", Accepted, true, "en"},
		{"The Mayor will attend.", "", Accepted, true, "en"},
		{"Wouldn't miss it!", "", Accepted, true, "en"},
		{"Sorry for the late reply, I will attend.", "", Accepted, true, "en"},
		{"Perdón por la demora, asistiré.", "", Accepted, true, "es"},
		{"I will attend, arriving late.", "", Accepted, false, "en"},
		{"Don't count on me this time.", "", Declined, true, "en"},
		{"I never said I will attend.", "", Declined, false, "en"},
		{"No, I'll be there.", "", Accepted, true, "en"},
		{"No confirmo mi asistencia todavía.", "", Declined, false, "es"},
		{"I cannot wait to attend!", "", Accepted, true, "en"},
		{"Sadly no.", "", Declined, true, ""},
		{"I'm unable to attend in person but would like to follow online.", "", Declined, false, "en"},
		{"Je vous remercie pour votre invitation à laquelle je ne pourrai répondre favorablement.", "", Declined, true, "fr"},
		{"Je ne manquerai pas d'y assister.", "", Accepted, true, "fr"},
		{"No me lo perderé.", "", Accepted, true, "es"},
		{"I can't wait, I will attend!", "", Accepted, true, "en"},
		// English maybe.
		{"Maybe", "", Maybe, true, "en"},
		{"Not sure yet.", "", Maybe, true, "en"},
		{"I will try to attend.", "", Maybe, true, "en"},
		{"Tentatively yes.", "", Maybe, true, "en"},
		{"I'm not sure I can attend.", "", Maybe, true, "en"},
		{"I may not be able to attend.", "", Maybe, true, "en"},
		{"I will come back to you next week.", "", Maybe, true, "en"},
		// Unclear.
		{"Yes, I'd like to come. Can I bring a colleague?", "", Accepted, false, "en"},
		{"Yes but I can only come on the first day.", "", "", false, "en"},
		{"Yes, I will attend, but I can only come on the first day.", "", Accepted, false, "en"},
		{"I will attend the morning session but not the dinner.", "", Accepted, false, "en"},
		{"I will attend if my flight is confirmed.", "", Accepted, false, "en"},
		{"I can't attend, but my deputy will attend in my place.", "", "", false, ""},
		{"I would love to attend.", "", Accepted, false, "en"},
		{"Yes I received it, thanks.", "", "", false, "en"},
		{"Maybe you could send me the agenda first, I have a few concerns about the travel arrangements and the programme.", "", "", false, "en"},
		{"", "", "", false, ""},
		{"Is there parking near the venue?", "", "", false, "en"},
		{"I will attend. Please remove me from the mailing list afterwards.", "", Accepted, false, "en"},
		// French.
		{"Je ne pourrai pas venir.", "", Declined, true, "fr"},
		{"Je ne serai pas présent.", "", Declined, true, "fr"},
		{"Malheureusement je dois décliner.", "", Declined, true, "fr"},
		{"Je ne pourrai malheureusement pas venir.", "", Declined, true, "fr"},
		{"Bonjour, malheureusement, je ne pourrai pas.", "", Declined, true, "fr"},
		{"Non merci", "", Declined, true, "fr"},
		{"Non", "", Declined, true, "fr"},
		{"J'aurais aimé venir mais je ne suis pas disponible ce jour-là.", "", Declined, true, "fr"},
		{"Je serai présent.", "", Accepted, true, "fr"},
		{"Je serai present", "", Accepted, true, "fr"},
		{"J'ai le plaisir de confirmer ma participation.", "", Accepted, true, "fr"},
		{"Avec plaisir !", "", Accepted, true, "fr"},
		{"Oui", "", Accepted, true, "fr"},
		{"Oui, merci.\nMarie", "", Accepted, true, "fr"},
		{"Cher collègue, j'y assisterai volontiers.", "", Accepted, true, "fr"},
		{"Peut-être.", "", Maybe, true, "fr"},
		{"Je vais essayer.", "", Maybe, true, "fr"},
		{"Pas encore sûr.", "", Maybe, true, "fr"},
		{"Je ne sais pas encore si je pourrai venir.", "", Maybe, true, "fr"},
		{"Je serai présente le matin mais je ne pourrai pas rester l'après-midi.", "", Accepted, false, "fr"},
		{"Je serai présente mais je ne pourrai pas venir.", "", "", false, ""},
		{"Je viendrai, mais seulement le premier jour.", "", Accepted, false, "fr"},
		{"Je ne viendrai que le matin.", "", Accepted, false, "fr"},
		{"Puis-je venir accompagné ?", "", "", false, ""},
		// Spanish.
		{"No podré asistir.", "", Declined, true, "es"},
		{"Lamentablemente no podré.", "", Declined, true, "es"},
		{"No me será posible.", "", Declined, true, "es"},
		{"No me sera posible asistir, lo siento.", "", Declined, true, "es"},
		{"No, gracias.", "", Declined, true, "es"},
		{"Me hubiera gustado asistir, pero no podré.", "", Declined, true, "es"},
		{"Confirmo mi asistencia.", "", Accepted, true, "es"},
		{"Asistiré.", "", Accepted, true, "es"},
		{"asistire", "", Accepted, true, "es"},
		{"Con gusto.", "", Accepted, true, "es"},
		{"Sí", "", Accepted, true, "es"},
		{"Si, asistire con gusto", "", Accepted, true, "es"},
		{"Si asistiré", "", Accepted, true, "es"},
		{"Buenas tardes, allí estaré. Saludos", "", Accepted, true, "es"},
		{"Quizás.", "", Maybe, true, "es"},
		{"Tal vez", "", Maybe, true, "es"},
		{"Intentaré ir.", "", Maybe, true, "es"},
		{"No sé si podré asistir.", "", Maybe, true, "es"},
		{"Asistiré si consigo vuelo.", "", Accepted, false, "es"},
		{"¿Puedo ir con un acompañante?", "", Accepted, false, "es"},
		// Subjects.
		{"", "Accepted: Global Conference on Cities and Migrants", Accepted, true, "en"},
		{"", "Declined: Global Conference", Declined, true, "en"},
		{"", "Tentative: Global Conference", Maybe, true, "en"},
		{"", "Accepté : Conférence mondiale", Accepted, true, "fr"},
		{"Je ne serai pas disponible.", "Refusé : Conférence mondiale", Declined, true, "fr"},
		{"", "Aceptado: Conferencia", Accepted, true, "es"},
		{"", "Rechazado: Conferencia", Declined, true, "es"},
		{"Sorry, I can't come after all.", "Accepted: Conference", "", false, ""},
		{"", "Re: Declined: Conference", "", false, ""},
		// Quoted leftovers must not vote.
		{"Yes, I will attend.\n\nOn Mon, 2 Oct 2017 at 10:00, X <x@y> wrote:\n> Please let us know if you cannot attend.", "", Accepted, true, "en"},
		{"> Please confirm if you will attend.\nUnfortunately I cannot.", "", Declined, true, "en"},
		{"Je ne pourrai pas venir.\n\nDe : X\nEnvoyé : lundi\nÀ : Y\nNous serions ravis de votre présence.", "", Declined, true, "fr"},
		{"Asistiré.\n\n-----Mensaje original-----\nDe: X\nNo podrá asistir?", "", Accepted, true, "es"},
		{"Count me in.\nFrom: X <x@y> Sent: Monday To: Y Subject: can you attend? Please decline if not.", "", Accepted, true, "en"},
	}
	for _, c := range cases {
		r := Intent(c.text, c.subject)
		if r.Intent != c.intent || r.Clear != c.clear || (c.lang != "" && r.Lang != c.lang) {
			t.Errorf("Intent(%q, %q) = %+v, want intent %q clear %v lang %q", c.text, c.subject, r, c.intent, c.clear, c.lang)
		}
	}
}

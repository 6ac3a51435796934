package rsvp

import "testing"

func TestIsUnsubscribe(t *testing.T) {
	cases := []struct {
		subject, text string
		want          bool
	}{
		{"unsubscribe", "", true},
		{"RE: Invitation", "Please remove this address from your distribution list. I have retired from the City Council.", true},
		{"RE: Invitation", "Please remove this address from your list; send the invitations to my successor instead.", false},
		{"RE: Invitación", "Les agradecería que eliminaran mi dirección de su lista de correo. Ya no trabajo en la Alcaldía.", true},
		{"RE: Invitación", "Les ruego que no me envíen más correos; ya no trabajo en este ámbito.", true},
		{"RE: Invitación", "Les ruego que no me envíen más correos; mi colega Ana Ruiz se ocupará.", false},
		{"Unsubscribe", "Sent from my iPhone", true},
		{"unsubscribe AQLYZ2NjbS0yMDE3LWludml0YXRpb26Qx6F1c9Rl3w0Y8kP2bA", "", true},
		{"Re: unsubscribe", "", true},
		{"[EXT] Unsubscribe me", "", true},
		{"Désabonner", "", true},
		{"Se désabonner", "", true},
		{"désinscription", "", true},
		{"Darse de baja", "", true},
		{"Baja", "", true},
		{"Cancelar suscripción", "", true},
		{"Remove me", "", true},
		{"Please remove me from your list", "", true},
		{"Retirez-moi de la liste", "", true},
		{"No deseo recibir más", "", true},
		{"Re: Invitation: Global Conference", "Please remove me from your list.\n\nThanks,\nJohn Smith", true},
		{"Re: Invitation", "Merci de me désinscrire de votre liste de diffusion.\nCordialement\nMarie Dupont", true},
		{"Re: Invitación", "Por favor, no deseo recibir más correos.", true},
		{"Re: Invitation", "unsubscribe", true},
		{"Re: Invitation", "Je ne souhaite plus recevoir vos invitations.", true},
		// With the reason, a signature, a disclaimer or a mobile footer.
		{"Re: Invitation", "Please remove me from your mailing list. I no longer work on international relations.", true},
		{"Re: Invitation", "Please remove me from your list as I have retired.\n\nRegards,\nJim Hale\nFormer Head of Protocol", true},
		{"RE : Invitation", "Merci de me retirer de votre liste de diffusion. Je ne travaille plus sur les relations internationales.", true},
		{"RE : Invitation", "J'ai pris ma retraite. Merci de me désinscrire.\n\nEnvoyé de mon iPhone", true},
		{"RE: Invitación", "Por favor, denme de baja de su lista. Ya no trabajo en relaciones internacionales.", true},
		{"RE: Invitación", "Quiero darme de baja, ya que me he jubilado.\nAVISO LEGAL: Este mensaje es confidencial.", true},
		{"Re: Invitation", "Unsubscribe\n\nCAUTION: This email originated from outside the organization.", true},
		// A reason that points elsewhere, or an answer with it: a person reads it.
		{"Re: Invitation", "Please remove me from your list. I no longer work here; please contact my successor Ana Ruiz.", false},
		{"Re: Invitation", "Please remove me from your list, my colleague now handles this.", false},
		{"Re: Invitation", "I no longer work on this, so I will not attend. Please remove me.", false},
		{"Re: Invitation", "I have retired. Can you remove me?", false},
		{"Re: Invitation", "I have retired.", false},
		// Not requests, or not only.
		{"Baja California delegation", "", false},
		{"Re: Invitation", "I can't attend; please remove me from the dinner list.", false},
		{"Re: Invitation", "Please don't unsubscribe me, I will attend.", false},
		{"Why was I unsubscribed?", "", false},
		{"Re: Invitation", "I will attend.", false},
		{"Unsubscribe link broken", "The link in your mail does not work.", false},
		{"", "", false},
	}
	for _, c := range cases {
		if got := IsUnsubscribe(c.subject, ReplyText(c.text)); got != c.want {
			t.Errorf("IsUnsubscribe(%q, ReplyText(%q)) = %v, want %v", c.subject, c.text, got, c.want)
		}
	}
}

// TestUnsubVocabulary checks the screen's word list: it is derived from
// the phrase tables, so it holds their words and nothing of an enquiry.
func TestUnsubVocabulary(t *testing.T) {
	for _, n := range []string{
		"please remove me from your list", "merci de me desinscrire de votre liste de diffusion",
		"no deseo recibir mas correos", "kind regards , thank you very much for the invitation",
		"eliminenme", "je ne souhaiterais plus etre contacte",
	} {
		if !onlyUnsubWords(n) {
			t.Errorf("onlyUnsubWords(%q) = false, want true", n)
		}
	}
	for _, n := range []string{"i will attend", "remove me from the dinner list", "visa letter", "unsubscribed"} {
		if onlyUnsubWords(n) {
			t.Errorf("onlyUnsubWords(%q) = true, want false", n)
		}
	}
}

// FuzzUnsubVocabulary: the screen only ever skips work; a text the full
// matching accepts always passes it.
func FuzzUnsubVocabulary(f *testing.F) {
	for _, s := range []string{
		"Please remove me from your list.", "Merci de me désinscrire", "No deseo recibir más correos, gracias",
		"Hello, unsubscribe; thanks a lot for the invitation", "opt out", "dear all stop sending",
		"I can't attend; please remove me", "Baja, por favor", "ſtop ſending \u212a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalize(s)
		if requestOnly(n, 40) && !onlyUnsubWords(n) {
			t.Errorf("%q (normalized %q) is a request but fails the vocabulary screen", s, n)
		}
	})
}

func TestUnsubscribeTokenFromSubject(t *testing.T) {
	const tok = "AQLYZ2NjbS0yMDE3LWludml0YXRpb26Qx6F1c9Rl3w0Y8kP2bA"
	cases := []struct{ in, want string }{
		{"unsubscribe " + tok, tok},
		{"Unsubscribe " + tok, tok},
		{"Re: unsubscribe " + tok, tok},
		{"unsubscribe%20" + tok, tok},
		{"unsubscribe " + tok + " ", tok},
		{"unsubscribe", ""},
		{"unsubscribe please", ""},
		{"unsubscribe me from everything now", ""},
		{"unsubscribe " + tok + "!", tok},
	}
	for _, c := range cases {
		if got := UnsubscribeTokenFromSubject(c.in); got != c.want {
			t.Errorf("UnsubscribeTokenFromSubject(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

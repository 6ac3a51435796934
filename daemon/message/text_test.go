package message

import "testing"

func TestHTMLToText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"<p>Hello<br>world</p>", "Hello\nworld"},
		{"<div>a</div><div>b</div>", "a\nb"},
		{"<p class=MsoNormal>one<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>two</p>", "one\n\ntwo"},
		{"<script>document.write('<b>x</b>')</script><style>p{}</style>text", "text"},
		{"<SCRIPT type=x>if (a<b) {}</SCRIPT>ok", "ok"},
		{"a &amp; b &lt;c&gt; &eacute;&#233;&#xE9; &unknown;", "a & b <c> ééé &unknown;"},
		{"<a href=\"x>y\" title='q>r'>link</a> text", "link text"},
		{"<ul><li>one</li><li>two</li></ul>", "- one\n- two"},
		{"x<blockquote>quoted<br>more</blockquote>y", "x\n> quoted\n> more\ny"},
		{"<pre>  keep\n    spaces</pre>", "keep\n    spaces"},
		{"1 < 2 and <3", "1 < 2 and <3"},
		{"<!-- <p>hidden</p> -->shown<!-- unterminated", "shown"},
		{"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"<head><title>T</title></head><body>body</body>", "body"},
		{"<head><meta charset=utf-8>unclosed head", "unclosed head"},
	}
	for _, c := range cases {
		if got := HTMLToText(c.in); got != c.want {
			t.Errorf("HTMLToText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNewText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"quoted lines interleaved", "> question 1?\nanswer 1\n> question 2?\nanswer 2", "answer 1\nanswer 2"},
		{"attribution over three lines", "Yes.\n\nOn Mon, 2 Oct 2017 at 10:00, Very Long Name\n<someone@example.org>\nwrote:\n> hi", "Yes."},
		{"french one line", "Oui, je viens.\n\nLe lun. 2 oct. 2017 à 10:00, X <x@y> a écrit :\n> Bonjour", "Oui, je viens."},
		{"french no accent", "Oui.\nLe 02/10/2017 10:00, X a ecrit:\n> b", "Oui."},
		{"spanish", "Sí, asistiré.\n\nEl lun., 2 oct. 2017 a las 10:00, X (<x@y>) escribió:\n> Hola", "Sí, asistiré."},
		{"signature dash dash", "Count me in.\n--\nJohn\nMayor", "Count me in."},
		{"signature RFC 3676", "Count me in.\n-- \nJohn", "Count me in."},
		{"forwarded", "FYI\n\n---------- Forwarded message ---------\nFrom: a", "FYI"},
		{"apple forward", "See below\n\nBegin forwarded message:\n\nFrom: a", "See below"},
		{"outlook de/envoyé with bold stars", "Je viendrai.\n\n*De :* X\n*Envoyé :* lundi\n*À :* Y", "Je viendrai."},
		{"outlook html with blank lines", "Count me in.\n\nFrom: X <x@y>\n\nSent: Monday\n\nTo: Y", "Count me in."},
		{"from line alone is kept", "From: the mayor's office, we confirm.\nThanks", "From: the mayor's office, we confirm.\nThanks"},
		{"mobile signature", "Yes\n\nSent from my iPhone", "Yes"},
		{"get outlook", "Oui\n\nObtenir Outlook pour iOS", "Oui"},
		{"only quote", "> all quoted", ""},
		{"crlf", "Yes\r\n\r\n> quoted\r\n", "Yes"},
		{"blank lines squeezed", "a\n\n\n\nb", "a\n\nb"},
	}
	for _, c := range cases {
		if got := NewText(c.in); got != c.want {
			t.Errorf("%s: NewText() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDetectLanguage(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Yes, I will attend.", "en"},
		{"Sorry, I can't come.", "en"},
		{"Could you send me the programme of the conference?", "en"},
		{"Dear Sir or Madam, I would like to register for the conference. Thank you.", "en"},
		{"Je ne pourrai pas venir.", "fr"},
		{"Bonjour, je voudrais m'inscrire à la conférence. Merci", "fr"},
		{"Oui, je serai présent.", "fr"},
		{"Madame, Monsieur, pourriez-vous m’envoyer le programme ?", "fr"},
		{"Sí, asistiré.", "es"},
		{"Hola, quisiera registrarme para la conferencia. Gracias", "es"},
		{"No podré asistir, lo siento.", "es"},
		{"¿Dónde se celebra la conferencia?", "es"},
		{"Estimados señores: les escribo para solicitar información sobre el alojamiento.", "es"},
		{"", ""},
		{"OK", ""},
		{"12345 +32 2 555 0000", ""},
		{"Ich werde an der Konferenz teilnehmen.", ""},
	}
	for _, c := range cases {
		if got := DetectLanguage(c.in); got != c.want {
			t.Errorf("DetectLanguage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUnflow(t *testing.T) {
	cases := []struct {
		in    string
		delsp bool
		want  string
	}{
		{"one \ntwo\nthree", false, "one two\nthree"},
		{"one \ntwo", true, "onetwo"},
		{"> quoted \n> more\nnew", false, "> quoted more\nnew"},
		{"text \n> quoted", false, "text \n> quoted"},
		{"-- \nsig", false, "-- \nsig"},
		{" From stuffed", false, "From stuffed"},
	}
	for _, c := range cases {
		if got := unflow(c.in, c.delsp); got != c.want {
			t.Errorf("unflow(%q, %v) = %q, want %q", c.in, c.delsp, got, c.want)
		}
	}
}

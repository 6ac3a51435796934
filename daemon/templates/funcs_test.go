package templates

import (
	"testing"
)

func TestDateFunctions(t *testing.T) {
	files := map[string]string{}
	for _, l := range []string{"en", "fr", "es", "de"} {
		files["d."+l+".txt"] = "Subject: s\n\n{{date .Event.Start}}|{{datetime .Event.Start}}|{{time .Event.End}}|{{weekday .Event.Start}}|{{date .Event.End}}"
	}
	s := mustLoad(t, files)
	d := sampleData(brussels(t))
	d.Event.Start = mustTime("2017-11-16T08:00:00Z") // 09:00 in Brussels
	d.Event.End = mustTime("2018-03-01T16:30:00Z")   // 17:30 in Brussels
	tests := map[string]string{
		"en": "16 November 2017|16 November 2017, 09:00|17:30|Thursday|1 March 2018",
		"fr": "16 novembre 2017|16 novembre 2017 à 09:00|17:30|jeudi|1er mars 2018",
		"es": "16 de noviembre de 2017|16 de noviembre de 2017, 09:00|17:30|jueves|1 de marzo de 2018",
		"de": "2017-11-16|2017-11-16 09:00|17:30|Thursday|2018-03-01",
	}
	for lang, want := range tests {
		r, err := s.Render("d", []string{lang}, d)
		if err != nil {
			t.Fatalf("Render(%s) = %v", lang, err)
		}
		if r.Text != want {
			t.Errorf("Render(%s) = %q, want %q", lang, r.Text, want)
		}
	}
	// Without a Location, a time keeps its own zone.
	d.Location = nil
	d.Event.Start = mustTime("2017-11-16T23:30:00-05:00")
	r, err := s.Render("d", []string{"es"}, d)
	if err != nil || r.Text[:len("16 de noviembre de 2017|16 de noviembre de 2017, 23:30")] != "16 de noviembre de 2017|16 de noviembre de 2017, 23:30" {
		t.Errorf("Render(no location) = %q, %v", r.Text, err)
	}
}

func TestTextFunctions(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"f.en.txt": "Subject: {{upper .Enquiry.Ref}}\n\n" +
			"{{default \"Madam, Sir\" .Contact.Name}}|{{.Contact.Title | default \"Delegate\"}}|" +
			"{{lower .Contact.Country}}|{{default \"none\" .Contact.Fields.delegation}}|{{upper \"élan\"}}",
	})
	d := sampleData(nil)
	d.Enquiry.Ref = "gccm-0042"
	d.Contact.Name = ""
	d.Contact.Title = "  "
	r, err := s.Render("f", []string{"en"}, d)
	if err != nil {
		t.Fatalf("Render() = %v", err)
	}
	if want := "Madam, Sir|Delegate|be|3|ÉLAN"; r.Text != want || r.Subject != "GCCM-0042" {
		t.Errorf("Render() = %q / %q, want %q", r.Subject, r.Text, want)
	}
}

package templates

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestFieldProblems: a field that cannot exist is found when the file is
// loaded, at its line, with the name meant, wherever dot has moved to.
func TestFieldProblems(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"contact", "Subject: s\n\nDear {{.Contact.Organistion}}\n", 3, ".Contact.Organistion: Contact has no field Organistion; did you mean Organisation?"},
		{"event", "Subject: {{.Event.Nmae}}\n\nb\n", 1, "Event has no field Nmae; did you mean Name?"},
		{"with", "Subject: s\n\n{{with .Contact}}\n{{.Citty}}{{end}}\n", 4, "Contact has no field Citty; did you mean City?"},
		{"range", "Subject: s\n\n{{range .Enquiries}}{{.Reff}}{{end}}\n", 3, "Enquiry has no field Reff; did you mean Ref?"},
		{"range vars", "Subject: s\n\n{{range $i, $e := .Enquiries}}\n{{$e.Categroy}}{{end}}\n", 4, "did you mean Category?"},
		{"dollar", "Subject: s\n\n{{with .Contact}}{{$.Event.Venu}}{{end}}\n", 3, "did you mean Venue?"},
		{"variable", "Subject: s\n\n{{$c := .Contact}}\n\n{{$c.Titel}}\n", 5, "did you mean Title?"},
		{"method", "Subject: s\n\n{{.Event.Start.Yeer}}\n", 3, "Time has no field Yeer; did you mean Year?"},
		{"top", "Subject: s\n\n{{.Langue}}\n", 3, "the template data has no field Langue; did you mean Lang?"},
		{"far", "Subject: s\n\n{{.Contact.Telephone}}\n", 3, "Contact has no field Telephone; it has Email, Name,"},
		{"string", "Subject: s\n\n{{.Contact.Name.First}}\n", 3, ".Contact.Name is a string, it has no field First"},
		{"pipe arg", "Subject: s\n\n{{.Contact.Nme | default \"Madam\"}}\n", 3, "did you mean Name?"},
		{"if", "Subject: s\n\n{{if .Wave}}{{else}}{{.Acount.Name}}{{end}}\n", 3, "did you mean Account?"},
	}
	for _, tt := range tests {
		dir := writeDir(t, map[string]string{"m.en.txt": tt.src})
		_, err := Load(dir)
		want := fmt.Sprintf("%s:%d: ", filepath.Join(dir, "m.en.txt"), tt.line)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load() = %v, want %q and %q", tt.name, err, want, tt.want)
		}
	}
}

// TestFieldsThatExist: the forms a template may use are not reported.
func TestFieldsThatExist(t *testing.T) {
	src := "Subject: {{.Event.Name}} {{date .Event.Start}}\nX-Wave: {{with .Wave}}{{.Name}}{{end}}\n\n" +
		"{{$sal := \"Madam\"}}{{with .Contact}}{{with .Name}}{{$sal = printf \"Dear %s\" .}}{{end}}" +
		"{{with index .Fields \"salutation\"}}{{$sal = .}}{{end}}{{.Email}} {{.Organisation | upper}}{{end}}{{$sal}}\n" +
		"{{range $i, $e := .Enquiries}}{{$i}} {{$e.Ref}} {{$e.ReceivedAt.Format \"2006\"}}{{end}}{{len .Enquiries}}\n" +
		"{{if eq .Lang \"fr\"}}{{.Location.String}}{{end}}{{range 3}}{{.}}{{end}}{{(.Event).URL}}\n" +
		"{{default \"x\" .UnsubscribeURL}} {{.Account.FromName}} {{.Event.Start.Year}} {{with .Enquiry}}{{.Subject}}{{end}}\n"
	dir := writeDir(t, map[string]string{"m.en.txt": src, "m.en.html": "<p>" + strings.SplitN(src, "\n\n", 2)[1] + "</p>"})
	r, err := Check(dir)
	if err != nil || len(r.Problems) != 0 {
		t.Fatalf("Check() = %v, %v", r, err)
	}
	if got := r.Fields; len(got) != 2 || got[0].Name != "salutation" || got[0].Line != 4 {
		t.Errorf("Fields() = %+v, want salutation on line 4 of each file", got)
	}
}

// TestShippedTemplatesCheckClean: the templates herald ships have no
// problem, not even a warning.
func TestShippedTemplatesCheckClean(t *testing.T) {
	r, err := Check("../../templates")
	if err != nil || len(r.Problems) > 0 || len(r.Names) < 5 {
		t.Fatalf("Check(templates) = %+v, %v", r, err)
	}
}

// TestCustomFields: every custom field read is recorded; the dotted form,
// which fails for a contact without the value, is a warning.
func TestCustomFields(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"m.en.txt": "Subject: s\n\n{{index .Contact.Fields \"Remarque\"}}\n{{.Contact.Fields.delegation}}\n",
	})
	r, err := Check(dir)
	if err != nil || r.Errors() != 0 {
		t.Fatalf("Check() = %+v, %v: a warning is not an error", r, err)
	}
	probs := r.Problems
	if len(probs) != 1 || !probs[0].Warning || probs[0].Line != 4 ||
		!strings.Contains(probs[0].Error(), `warning: .Contact.Fields.delegation: a contact without a "delegation" value makes this message fail`) {
		t.Errorf("problems = %v, want one warning on line 4", probs)
	}
	got := fmt.Sprint(r.Fields)
	if !strings.Contains(got, "{Remarque "+filepath.Join(dir, "m.en.txt")+" 3}") || !strings.Contains(got, "{delegation") {
		t.Errorf("Fields() = %s", got)
	}
	if _, err := Load(dir); err != nil {
		t.Errorf("Load() = %v: warnings do not fail it", err)
	}
}

// TestEveryProblemAtOnce: an unclosed "{{" does not hide the errors after
// it, syntax or field, nor the other parts' errors.
func TestEveryProblemAtOnce(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"m.en.txt": "Subject: {{.Event.Nmae}}\n\nDear {{.Contact.Name\n\n{{.Contact.Organistion}}\n{{nosuch 1}}\n" +
			"{{if .Wave}}\n{{.Wave.Nom}}\n{{end}}\n",
		"m.en.html": "<p>{{.Event.Venu}}</p>\n<p>{{.Account.Adress}}</p>\n",
	})
	_, err := Load(dir)
	if err == nil {
		t.Fatal("Load() = nil")
	}
	txt, html := filepath.Join(dir, "m.en.txt"), filepath.Join(dir, "m.en.html")
	for _, want := range []string{
		txt + ":1: .Event.Nmae",
		txt + `:3: unclosed action: this "{{" has no "}}" ({{.Contact.Name)`,
		txt + ":5: .Contact.Organistion",
		txt + `:6: function "nosuch" not defined`,
		txt + ":8: .Wave.Nom",
		html + ":1: .Event.Venu",
		html + ":2: .Account.Adress: Account has no field Adress; did you mean Address?",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load() = %v\nwant it to contain %q", err, want)
		}
	}
}

// TestUnclosedBlock: an {{if}} without {{end}} says so, once.
func TestUnclosedBlock(t *testing.T) {
	dir := writeDir(t, map[string]string{"m.en.txt": "Subject: s\n\n{{if .Wave}}\nb\n"})
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "one has no {{end}}") || strings.Count(err.Error(), "\n") != 0 {
		t.Errorf("Load() = %v, want one problem naming the missing {{end}}", err)
	}
}

func TestCloseActionsSkipsStringsAndComments(t *testing.T) {
	src := "{{/* {{ */}} {{printf \"}}{{\" .X}} {{`{{`}} {{.Y\n"
	out, probs := closeActions("f", src)
	if len(probs) != 1 || !strings.Contains(probs[0].Msg, "({{.Y)") {
		t.Fatalf("closeActions() problems = %v", probs)
	}
	if !strings.HasSuffix(out, "   .Y\n") {
		t.Errorf("closeActions() = %q, want the unclosed {{ made text", out)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"Nmae", "Name", 2}, {"Organistion", "Organisation", 1}, {"", "abc", 3}, {"café", "cafe", 1}, {"x", "x", 0}} {
		if got := editDistance(tt.a, tt.b); got != tt.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}

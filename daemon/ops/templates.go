package ops

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/templates"
)

// TemplateInfo is one template: its languages, the waves that send it
// and the problems of its files.
type TemplateInfo struct {
	Name      string   `json:"name"`
	Languages []string `json:"languages"`
	Waves     []string `json:"waves"`
	Errors    int      `json:"errors"`
	Warnings  int      `json:"warnings"`
}

// TemplateProblem is a templates.Problem with its file named relative to
// the templates folder.
type TemplateProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	Warning bool   `json:"warning"`
}

// TemplatesReport is every template and what `herald check` says of them.
type TemplatesReport struct {
	Dir       string            `json:"dir"`
	Templates []TemplateInfo    `json:"templates"`
	Problems  []TemplateProblem `json:"problems"`
	Errors    int               `json:"errors"`
}

// CheckTemplates reads the templates folder as `herald check` does: the
// problems of every file, and each custom field read that is a column
// of no list (the lists' columns as imported in st). The set returned
// holds the templates that compiled, to render.
func CheckTemplates(ctx context.Context, cfg *config.Config, st *store.Store) (*TemplatesReport, *templates.Set, error) {
	set, rep, err := templates.CheckSet(cfg.Templates)
	if err != nil {
		return nil, nil, err
	}
	cols := map[string]bool{}
	for _, l := range cfg.Lists {
		names, err := st.ListFields(ctx, l.Name)
		if err != nil && !errors.Is(err, store.ErrNoList) {
			return nil, nil, err
		}
		for _, n := range names {
			cols[n] = true
		}
	}
	probs := append(rep.Problems, CustomFieldProblems(rep.Fields, cols)...)
	out := &TemplatesReport{Dir: cfg.Templates, Templates: []TemplateInfo{}, Problems: []TemplateProblem{}}
	byName := map[string]*TemplateInfo{}
	for _, n := range rep.Names {
		out.Templates = append(out.Templates, TemplateInfo{Name: n, Languages: set.Languages(n), Waves: []string{}})
	}
	for i := range out.Templates {
		byName[out.Templates[i].Name] = &out.Templates[i]
	}
	for _, w := range cfg.Waves {
		if t := byName[w.Template]; t != nil {
			t.Waves = append(t.Waves, w.Name)
		}
	}
	for _, p := range probs {
		rel, err := filepath.Rel(cfg.Templates, p.File)
		if err != nil {
			rel = p.File
		}
		out.Problems = append(out.Problems, TemplateProblem{File: rel, Line: p.Line, Message: p.Msg, Warning: p.Warning})
		name, _, _ := strings.Cut(filepath.Base(p.File), ".")
		t := byName[name]
		if t == nil {
			// A template with errors in every language did not load:
			// it is listed all the same, with its errors.
			out.Templates = append(out.Templates, TemplateInfo{Name: name, Languages: []string{}, Waves: []string{}})
			t = &out.Templates[len(out.Templates)-1]
			byName = reindex(out.Templates)
		}
		if p.Warning {
			t.Warnings++
		} else {
			t.Errors++
			out.Errors++
		}
	}
	sort.Slice(out.Templates, func(i, j int) bool { return out.Templates[i].Name < out.Templates[j].Name })
	return out, set, nil
}

func reindex(ts []TemplateInfo) map[string]*TemplateInfo {
	m := map[string]*TemplateInfo{}
	for i := range ts {
		m[ts[i].Name] = &ts[i]
	}
	return m
}

// CustomFieldProblems warns about each use of a custom field that no
// list has (columns): `index` gives an empty value for every recipient.
func CustomFieldProblems(uses []templates.FieldUse, columns map[string]bool) []templates.Problem {
	known := make([]string, 0, len(columns))
	for c := range columns {
		known = append(known, c)
	}
	sort.Strings(known)
	var out []templates.Problem
	for _, u := range uses {
		if columns[u.Name] {
			continue
		}
		msg := fmt.Sprintf("custom field %q is a column of no list, so it is empty for every contact", u.Name)
		switch best := templates.Closest(u.Name, known); {
		case best != "":
			msg += fmt.Sprintf("; did you mean %q?", best)
		case len(known) == 0:
			msg += " (the lists have no columns besides the known ones)"
		default:
			msg += "; the lists' other columns are " + quoteList(known, 12)
		}
		out = append(out, templates.Problem{File: u.File, Line: u.Line, Msg: msg, Warning: true})
	}
	return out
}

func quoteList(names []string, most int) string {
	q := make([]string, 0, min(len(names), most))
	for _, n := range names[:min(len(names), most)] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := strings.Join(q, ", ")
	if len(names) > most {
		s += fmt.Sprintf(" and %d more", len(names)-most)
	}
	return s
}

// SampleEnquiry is what an acknowledgement template is rendered with on
// the templates page: it answers no real enquiry.
var SampleEnquiry = templates.EnquiryData{Ref: "REF-0001", Subject: "(the subject of the enquiry)", Category: "general"}

// RenderTemplate renders template name in lang for contact c (nil: none,
// as an acknowledgement to a stranger), as sent from account: with the
// wave that sends it, if one does, and a sample enquiry.
func RenderTemplate(cfg *config.Config, set *templates.Set, name, lang string, c *store.Contact, account *config.Account) (*templates.Rendered, error) {
	if !slices.Contains(set.Names(), name) {
		return nil, notFound("no template %s that loads in %s (see the problems listed)", name, cfg.Templates)
	}
	if !set.Has(name, lang) {
		return nil, notFound("template %s has no language %q (it has %s)", name, lang, strings.Join(set.Languages(name), ", "))
	}
	data := templates.Data{Event: cfg.Event, Location: cfg.Location, Enquiry: &SampleEnquiry}
	if account != nil {
		data.Account = templates.AccountDataOf(account)
	}
	for _, w := range cfg.Waves {
		if w.Template == name {
			data.Wave = &templates.WaveData{Name: w.Name}
			break
		}
	}
	if c != nil {
		data.Contact = &templates.Contact{Email: c.Email, Name: c.Name, Language: c.Language, Organisation: c.Organisation,
			Title: c.Title, City: c.City, Country: c.Country, Fields: c.Fields}
	}
	return set.Render(name, []string{lang}, data)
}

package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// templates checks that every template the config names has a text file
// <templates>/<name>.<lang>.txt (docs/BEHAVIOUR.md §10) in en or in the language of each
// account that may send it, as the language fallback ends there. Nothing is
// checked when the folder is missing; that is reported once.
func (v *validator) templates() {
	c := v.c
	fi, err := os.Stat(c.Templates)
	if err != nil || !fi.IsDir() {
		v.errorf("templates", "folder %s does not exist; create it with the shipped templates or set templates: to their folder", c.Templates)
		return
	}
	all := make([]string, 0, len(c.Accounts))
	for _, a := range c.Accounts {
		all = append(all, a.Language)
	}
	t := &c.Triage
	if v.triageAcks() {
		v.template("triage.ack_template", t.AckTemplate, all)
	}
	for i, r := range t.Rules {
		if r.AckTemplate != "" {
			v.template(fmt.Sprintf("triage.rules[%d].ack_template", i), r.AckTemplate, all)
		}
	}
	if t.Default.AckTemplate != "" {
		v.template("triage.default.ack_template", t.Default.AckTemplate, all)
	}
	if t.Digest.Cron != "" {
		v.template("triage.digest.template", t.Digest.Template, all)
	}
	for i, w := range c.Waves {
		if w.Template == "" {
			continue
		}
		var langs []string
		if a := c.Account(w.Account); a != nil {
			langs = []string{a.Language}
		}
		v.template(fmt.Sprintf("waves[%d].template", i), w.Template, langs)
	}
}

// triageAcks reports whether triage.ack_template can be used: some message
// may be acknowledged by a rule or the default that names no template.
func (v *validator) triageAcks() bool {
	t := &v.c.Triage
	uses := func(a *RuleActions) bool {
		ack, _ := t.Ack(a)
		return ack && a.AckTemplate == ""
	}
	if uses(&t.Default) {
		return true
	}
	for i := range t.Rules {
		if uses(&t.Rules[i].RuleActions) {
			return true
		}
	}
	return false
}

// template wants name.en.txt, or else name.<lang>.txt for every lang given.
func (v *validator) template(key, name string, langs []string) {
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		v.errorf(key, "%q is not a template name; give the NAME of templates/NAME.LANG.txt", name)
		return
	}
	if v.hasTemplate(name, "en") {
		return
	}
	var missing []string
	for _, l := range langs {
		if !v.hasTemplate(name, l) {
			missing = append(missing, l)
		}
	}
	if len(langs) > 0 && len(missing) == 0 {
		return
	}
	want := filepath.Join(v.c.Templates, name+".en.txt")
	if len(missing) > 0 && missing[0] != "en" {
		want += " or " + name + "." + missing[0] + ".txt"
	}
	v.errorf(key, "template %q not found; create %s", name, want)
}

func (v *validator) hasTemplate(name, lang string) bool {
	fi, err := os.Stat(filepath.Join(v.c.Templates, name+"."+lang+".txt"))
	return err == nil && fi.Mode().IsRegular()
}

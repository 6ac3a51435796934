package templates

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"io"
	"sync"
	texttemplate "text/template"
	"text/template/parse"
)

// Prepared is a template made ready for many recipients who share
// everything but their contact and unsubscribe link, as the messages of
// a wave do. The actions that read only what they share ({{.Event.Name}},
// {{date .Event.Start}}, {{.Account.FromName}}) are executed once, by
// text/template and html/template themselves, and their output is kept
// as template text; each recipient's render executes the others. A wave
// message's templates spent most of their time in such actions: field
// lookups, functions and html/template's escapers, all through
// reflection, with the same result for every contact.
//
// The output is byte for byte Set.Render's (TestRendersUnchanged checks
// every shipped template on hostile data both ways). It holds because an
// action's output depends only on dot and on its place in the template,
// and that place, with the escaping html/template chose for it, is the
// same: a kept output replaces exactly the one action it came from, in a
// copy of the template already escaped, so the escaping of everything
// else is html/template's own, unchanged, and nothing is escaped by
// herald.
type Prepared struct {
	set    *Set
	name   string
	shared Data

	mu      sync.Mutex
	entries map[*entry]*entry // the set's entry -> its prepared copy
}

// Prepare readies template name for recipients who share shared; its
// Contact and UnsubscribeURL, which are each recipient's, are ignored.
// Languages are prepared as recipients ask for them.
func (s *Set) Prepare(name string, shared Data) *Prepared {
	shared.Contact, shared.UnsubscribeURL = nil, ""
	return &Prepared{set: s, name: name, shared: shared, entries: map[*entry]*entry{}}
}

// Render is Set.Render for one recipient: the shared data with contact c
// and unsubscribe link unsubscribeURL. It is safe for concurrent use.
func (p *Prepared) Render(langs []string, c *Contact, unsubscribeURL string) (*Rendered, error) {
	d := p.shared
	d.Contact, d.UnsubscribeURL = c, unsubscribeURL
	return p.set.renderWith(p.name, langs, d, p.entry)
}

// entry returns e's copy prepared for p's shared data, made at first use.
func (p *Prepared) entry(e *entry) *entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	pe := p.entries[e]
	if pe == nil {
		pe = e.prepare(p.shared)
		p.entries[e] = pe
	}
	return pe
}

// perRecipient are the fields of Data that are not shared.
var perRecipient = map[string]bool{"Contact": true, "UnsubscribeURL": true}

// prepare returns a copy of e in which every action that reads only
// shared data is replaced by what it prints for shared. A part it cannot
// copy is kept as it is: the copy renders the same, only slower.
func (e *entry) prepare(shared Data) *entry {
	d := shared
	d.Lang = e.lang
	inZone(&d)
	pe := &entry{name: e.name, lang: e.lang, fields: e.fields, text: prepareText(e.text, e.lang, d)}
	for _, h := range e.headers {
		pe.headers = append(pe.headers, header{name: h.name, tmpl: prepareText(h.tmpl, e.lang, d)})
	}
	pe.html = e.html
	if e.htmlTree != nil {
		if h := prepareHTML(e.html.Name(), e.htmlTree, e.lang, d); h != nil {
			pe.html = h
		}
	}
	return pe
}

// prepareText returns t with its shared actions replaced, or t itself
// when it has associated templates ({{define}}, {{block}}), which the
// copy would have to carry along.
func prepareText(t *texttemplate.Template, lang string, d Data) *texttemplate.Template {
	if t == nil || len(t.Templates()) != 1 {
		return t
	}
	tree := t.Tree.Copy()
	found := sharedActions(tree.Root, nil)
	if len(found) == 0 {
		return t
	}
	pt, err := newText(t.Name(), funcMap(lang)).AddParseTree(t.Name(), tree)
	if err != nil {
		return t
	}
	inline(pt, tree, found, d)
	return pt
}

// prepareHTML parses nothing: it escapes a copy of the HTML part's tree
// as it was parsed (html/template escapes it alike: the same source and
// functions) and replaces its shared actions, escapers included, by what
// they print. It returns nil when the copy cannot be made.
func prepareHTML(name string, orig *parse.Tree, lang string, d Data) *htmltemplate.Template {
	tree := orig.Copy()
	found := sharedActions(tree.Root, nil)
	if len(found) == 0 {
		return nil
	}
	h, err := htmltemplate.New(name).Funcs(funcMap(lang)).Option("missingkey=error").AddParseTree(name, tree)
	if err != nil || len(h.Templates()) != 1 {
		return nil
	}
	// The first execution escapes the tree in place: each action found
	// gets html/template's escapers for its context appended to its
	// pipeline, the same node.
	var he *htmltemplate.Error
	if err := h.Execute(io.Discard, d); errors.As(err, &he) {
		return nil
	}
	inline(h, tree, found, d)
	return h
}

// inline executes each action of found alone, through t (whose tree is
// tree), and puts its output in its place as text. An action that fails
// for d stays: each render then fails there, as it would have.
func inline(t executor, tree *parse.Tree, found []actionAt, d Data) {
	root := tree.Root
	defer func() { tree.Root = root }()
	var buf bytes.Buffer
	for _, a := range found {
		action := a.list.Nodes[a.i]
		tree.Root = &parse.ListNode{NodeType: parse.NodeList, Pos: action.Position(), Nodes: []parse.Node{action}}
		buf.Reset()
		if err := t.Execute(&buf, d); err != nil {
			continue
		}
		a.list.Nodes[a.i] = &parse.TextNode{NodeType: parse.NodeText, Pos: action.Position(), Text: bytes.Clone(buf.Bytes())}
	}
}

// actionAt is an action, the i-th node of list.
type actionAt struct {
	list *parse.ListNode
	i    int
}

// sharedActions appends the actions of list, executed with the template's
// data as dot, that print something read from shared data only. The
// bodies of {{with}} and {{range}} have another dot and are not entered;
// their {{else}} has the same dot and is.
func sharedActions(list *parse.ListNode, found []actionAt) []actionAt {
	if list == nil {
		return found
	}
	for i, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if len(n.Pipe.Decl) == 0 && sharedPipe(n.Pipe) {
				found = append(found, actionAt{list, i})
			}
		case *parse.IfNode:
			found = sharedActions(n.List, found)
			found = sharedActions(n.ElseList, found)
		case *parse.WithNode:
			found = sharedActions(n.ElseList, found)
		case *parse.RangeNode:
			found = sharedActions(n.ElseList, found)
		}
	}
	return found
}

// sharedPipe reports whether p reads shared fields of dot, constants and
// functions whose result depends only on their arguments, nothing else:
// no variable (a $ may hold a contact's value), no dot alone, no call.
// The methods a field chain may reach from the shared fields are those
// of time.Time and *time.Location, which depend on their receiver alone.
func sharedPipe(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || p.IsAssign {
		return false
	}
	for _, c := range p.Cmds {
		for _, arg := range c.Args {
			if !sharedArg(arg) {
				return false
			}
		}
	}
	return true
}

func sharedArg(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.FieldNode:
		return !perRecipient[n.Ident[0]]
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		return true
	case *parse.IdentifierNode:
		return pureFuncs[n.Ident]
	case *parse.PipeNode:
		return sharedPipe(n)
	}
	return false
}

// pureFuncs are the functions a template may call whose result depends on
// their arguments alone: herald's (funcMap) and text/template's builtins
// but call, which calls whatever it is given.
var pureFuncs = func() map[string]bool {
	m := map[string]bool{"and": true, "or": true, "not": true, "len": true, "index": true, "slice": true,
		"print": true, "printf": true, "println": true, "html": true, "js": true, "urlquery": true,
		"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true}
	for name := range funcMap("en") {
		m[name] = true
	}
	return m
}()

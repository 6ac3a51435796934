package templates

import (
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
)

// FieldUse is one custom field (a list column beyond the known ones) a
// template reads: index .Contact.Fields "NAME" or .Contact.Fields.NAME.
type FieldUse struct {
	Name string
	File string
	Line int
}

// ftype is what the checker knows of a value: its Go type (nil when it
// cannot tell, as for a function returning any), and whether it is
// Contact.Fields, whose keys are the columns of a list file.
type ftype struct {
	t      reflect.Type
	custom bool
}

var (
	dataType    = reflect.TypeFor[Data]()
	contactType = reflect.TypeFor[Contact]()
	unknown     = ftype{}
)

// fieldChecker walks one parsed template and reports every field chain
// that cannot exist in Data (text/template finds it only when it runs,
// for each recipient), and records the custom fields read.
type fieldChecker struct {
	file  string
	src   string // what was parsed: node positions are offsets in it
	funcs map[string]any
	vars  []variable
	probs []Problem
	uses  []FieldUse
}

type variable struct {
	name string
	typ  ftype
}

// checkFields checks tree, parsed from src, with Data as dot.
func checkFields(file, src string, tree *parse.Tree, funcs map[string]any) ([]Problem, []FieldUse) {
	if tree == nil || tree.Root == nil {
		return nil, nil
	}
	c := &fieldChecker{file: file, src: src, funcs: funcs}
	dot := ftype{t: dataType}
	c.vars = []variable{{"$", dot}}
	c.walk(tree.Root, dot)
	return c.probs, c.uses
}

func (c *fieldChecker) line(n parse.Node) int {
	pos := min(int(n.Position()), len(c.src))
	return 1 + strings.Count(c.src[:pos], "\n")
}

func (c *fieldChecker) walk(n parse.Node, dot ftype) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, m := range n.Nodes {
			c.walk(m, dot)
		}
	case *parse.ActionNode:
		c.pipe(n.Pipe, dot)
	case *parse.IfNode:
		c.branch(&n.BranchNode, dot, func(ftype) ftype { return dot })
	case *parse.WithNode:
		c.branch(&n.BranchNode, dot, func(p ftype) ftype { return p })
	case *parse.RangeNode:
		c.branch(&n.BranchNode, dot, func(p ftype) ftype { return elem(p) })
	case *parse.TemplateNode:
		if n.Pipe != nil {
			c.pipe(n.Pipe, dot)
		}
	}
}

// branch checks an if, with or range: the pipeline, then the list with
// dot as inner gives it (its variables end at {{end}}), then the else.
func (c *fieldChecker) branch(n *parse.BranchNode, dot ftype, inner func(ftype) ftype) {
	mark := len(c.vars)
	p := c.pipe(n.Pipe, dot)
	c.walk(n.List, inner(p))
	c.vars = c.vars[:mark]
	c.walk(n.ElseList, dot)
}

// elem is what range gives as dot over a value of type p.
func elem(p ftype) ftype {
	if p.t == nil {
		return unknown
	}
	switch p.t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return ftype{t: p.t.Elem()}
	case reflect.Int:
		return p
	}
	return unknown
}

// pipe checks a pipeline, declares its variables and returns its type.
func (c *fieldChecker) pipe(p *parse.PipeNode, dot ftype) ftype {
	if p == nil {
		return dot
	}
	res := unknown
	for _, cmd := range p.Cmds {
		res = c.command(cmd, dot)
	}
	if p.IsAssign {
		return res
	}
	switch len(p.Decl) {
	case 1:
		c.declare(p.Decl[0], res)
	case 2: // {{range $i, $e := ...}}
		var key ftype
		if res.t != nil && res.t.Kind() == reflect.Map {
			key = ftype{t: res.t.Key()}
		} else if res.t != nil {
			key = ftype{t: reflect.TypeFor[int]()}
		}
		c.declare(p.Decl[0], key)
		c.declare(p.Decl[1], elem(res))
		return res
	}
	return res
}

func (c *fieldChecker) declare(v *parse.VariableNode, t ftype) {
	if len(v.Ident) > 0 {
		c.vars = append(c.vars, variable{v.Ident[0], t})
	}
}

func (c *fieldChecker) lookupVar(name string) ftype {
	for i := len(c.vars) - 1; i >= 0; i-- {
		if c.vars[i].name == name {
			return c.vars[i].typ
		}
	}
	return unknown
}

// command checks one command of a pipeline and returns its type.
func (c *fieldChecker) command(cmd *parse.CommandNode, dot ftype) ftype {
	if len(cmd.Args) == 0 {
		return unknown
	}
	args := make([]ftype, len(cmd.Args))
	for i, a := range cmd.Args {
		args[i] = c.arg(a, dot)
	}
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok {
		return args[0]
	}
	switch id.Ident {
	case "index":
		return c.index(cmd, args)
	case "slice":
		if len(args) > 1 {
			return args[1]
		}
	case "not", "eq", "ne", "lt", "le", "gt", "ge":
		return ftype{t: reflect.TypeFor[bool]()}
	case "len":
		return ftype{t: reflect.TypeFor[int]()}
	case "print", "printf", "println", "html", "js", "urlquery":
		return ftype{t: reflect.TypeFor[string]()}
	}
	if f, ok := c.funcs[id.Ident]; ok {
		ft := reflect.TypeOf(f)
		if ft.NumOut() > 0 && ft.Out(0).Kind() != reflect.Interface {
			return ftype{t: ft.Out(0)}
		}
	}
	return unknown
}

// index is the builtin's type; index .Contact.Fields "NAME" reads a
// custom field, recorded for check to compare with the lists' columns.
func (c *fieldChecker) index(cmd *parse.CommandNode, args []ftype) ftype {
	if len(args) < 2 {
		return unknown
	}
	t := args[1]
	for i := 2; i < len(args) && t.t != nil; i++ {
		if s, ok := cmd.Args[i].(*parse.StringNode); ok && t.custom {
			c.uses = append(c.uses, FieldUse{Name: s.Text, File: c.file, Line: c.line(s)})
		}
		switch t.t.Kind() {
		case reflect.Map, reflect.Slice, reflect.Array:
			t = ftype{t: t.t.Elem()}
		case reflect.String:
			t = ftype{t: reflect.TypeFor[uint8]()}
		default:
			t = unknown
		}
	}
	return t
}

// arg checks one operand and returns its type.
func (c *fieldChecker) arg(n parse.Node, dot ftype) ftype {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return c.chain(n, dot, n.Ident)
	case *parse.VariableNode:
		return c.chain(n, c.lookupVar(n.Ident[0]), n.Ident[1:])
	case *parse.ChainNode:
		return c.chain(n, c.arg(n.Node, dot), n.Field)
	case *parse.PipeNode:
		return c.pipe(n, dot)
	case *parse.StringNode:
		return ftype{t: reflect.TypeFor[string]()}
	case *parse.BoolNode:
		return ftype{t: reflect.TypeFor[bool]()}
	case *parse.NumberNode:
		if n.IsInt {
			return ftype{t: reflect.TypeFor[int]()}
		}
	}
	return unknown
}

// chain follows .A.B.C from a value of type from, as text/template would,
// and reports the first name that cannot be there.
func (c *fieldChecker) chain(n parse.Node, from ftype, idents []string) ftype {
	t := from
	for _, id := range idents {
		if t.t == nil {
			return unknown
		}
		if m, ok := method(t.t, id); ok {
			t = ftype{}
			if m.Type.NumOut() > 0 {
				t.t = m.Type.Out(0)
			}
			continue
		}
		base := t.t
		for base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		switch base.Kind() {
		case reflect.Interface:
			return unknown
		case reflect.Map:
			if t.custom {
				c.uses = append(c.uses, FieldUse{Name: id, File: c.file, Line: c.line(n)})
				c.probs = append(c.probs, Problem{File: c.file, Line: c.line(n), Warning: true, Msg: fmt.Sprintf(
					`%s: a contact without a %q value makes this message fail; write {{index .Contact.Fields %q}}, empty when there is none`,
					n, id, id)})
			}
			t = ftype{t: base.Elem()}
			continue
		case reflect.Struct:
			f, ok := base.FieldByName(id)
			if ok && f.IsExported() {
				t = ftype{t: f.Type, custom: base == contactType && id == "Fields"}
				continue
			}
		}
		c.probs = append(c.probs, Problem{File: c.file, Line: c.line(n), Msg: noField(n.String(), base, id)})
		return unknown
	}
	return t
}

// method finds the exported method name of t or *t.
func method(t reflect.Type, name string) (reflect.Method, bool) {
	if m, ok := t.MethodByName(name); ok {
		return m, true
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		return reflect.PointerTo(t).MethodByName(name)
	}
	return reflect.Method{}, false
}

// noField says that t has no name, and the closest name it has.
func noField(expr string, t reflect.Type, name string) string {
	what := t.Name()
	switch {
	case t == dataType:
		what = "the template data"
	case what == "":
		what = "a " + t.Kind().String()
	}
	what = strings.TrimSuffix(what, "Data")
	if t.Kind() != reflect.Struct {
		return fmt.Sprintf("%s: %s is a %s, it has no field %s", expr, strings.TrimSuffix(expr, "."+name), t.Kind(), name)
	}
	names := exported(t)
	msg := fmt.Sprintf("%s: %s has no field %s", expr, what, name)
	if best := Closest(name, names); best != "" {
		return msg + "; did you mean " + best + "?"
	}
	return msg + "; it has " + strings.Join(names, ", ")
}

// exported lists the exported fields and methods of struct t.
func exported(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			names = append(names, f.Name)
		}
	}
	pt := reflect.PointerTo(t)
	for i := range pt.NumMethod() {
		names = append(names, pt.Method(i).Name)
	}
	return names
}

// Closest is the name nearest to s by edit distance, ignoring case, when
// it is near enough to be a typo of it; "" otherwise.
func Closest(s string, names []string) string {
	best, bestD := "", len(s)/2+2
	for _, n := range names {
		if d := editDistance(strings.ToLower(s), strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

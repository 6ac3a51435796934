package templates

import (
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
	"time"
)

// declined is panicked by the compiler when a template uses what the fast
// path does not do.
type declined string

// compileFast compiles tree, parsed with funcs and missingkey=error, for
// dot of type Data. html is set for an html/template tree that has been
// escaped (its actions end in the escapers). It returns nil and the
// reason when the standard executor must run the template instead; it
// never panics, so that it cannot fail a load the standard packages
// accept.
func compileFast(tree *parse.Tree, funcs map[string]any, html bool) (p *program, why string) {
	defer func() {
		if r := recover(); r != nil {
			p = nil
			if d, ok := r.(declined); ok {
				why = string(d)
			} else {
				why = fmt.Sprintf("compiler panic: %v", r)
			}
		}
	}()
	if tree == nil || tree.Root == nil {
		return nil, "empty template"
	}
	c := &compiler{funcs: funcs, html: html}
	c.declare("$", dataType)
	nodes := c.list(tree.Root, dataType)
	return &program{nodes: nodes, nvars: len(c.slots)}, ""
}

type compiler struct {
	funcs map[string]any
	html  bool
	slots []reflect.Type // the static type of each variable slot
	scope []scoped       // visible variables, innermost last
}

type scoped struct {
	name string
	slot int
}

// typed is a compiled expression and its static type.
type typed struct {
	e expr
	t reflect.Type
}

func decline(format string, args ...any) {
	panic(declined(fmt.Sprintf(format, args...)))
}

func (c *compiler) declare(name string, t reflect.Type) int {
	c.slots = append(c.slots, t)
	c.scope = append(c.scope, scoped{name, len(c.slots) - 1})
	return len(c.slots) - 1
}

func (c *compiler) lookup(name string) int {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i].slot
		}
	}
	decline("undefined variable %s", name)
	return 0
}

func (c *compiler) list(l *parse.ListNode, dot reflect.Type) []node {
	if l == nil {
		return nil
	}
	var out []node
	for _, n := range l.Nodes {
		x := c.node(n, dot)
		if x == nil {
			continue
		}
		// Adjacent texts (around a comment) become one.
		if t, ok := x.(*textNode); ok && len(out) > 0 {
			if prev, ok := out[len(out)-1].(*textNode); ok {
				out[len(out)-1] = &textNode{prev.text + t.text}
				continue
			}
		}
		out = append(out, x)
	}
	return out
}

func (c *compiler) node(n parse.Node, dot reflect.Type) node {
	switch n := n.(type) {
	case *parse.TextNode:
		return &textNode{string(n.Text)}
	case *parse.CommentNode:
		return nil
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			return &discardNode{c.pipeline(n.Pipe, dot).e}
		}
		return c.action(n.Pipe, dot)
	case *parse.IfNode:
		return c.ifWith(&n.BranchNode, dot, false)
	case *parse.WithNode:
		return c.ifWith(&n.BranchNode, dot, true)
	case *parse.RangeNode:
		return c.rangeOver(n, dot)
	}
	decline("node %s", n)
	return nil
}

// action compiles a printing action.
func (c *compiler) action(pipe *parse.PipeNode, dot reflect.Type) node {
	if c.html {
		// An escaped tree ends every printing action in an escaper: an
		// action without one means the tree is not what we expect.
		last := pipe.Cmds[len(pipe.Cmds)-1]
		id, ok := last.Args[0].(*parse.IdentifierNode)
		if !ok || escapers[id.Ident].fn == nil || c.funcs[id.Ident] != nil {
			decline("HTML action without an escaper: %s", pipe)
		}
		// The common last escaper writes straight into the output.
		if escapers[id.Ident].text && len(last.Args) == 1 && len(pipe.Cmds) > 1 {
			in := c.commands(pipe.Cmds[:len(pipe.Cmds)-1], dot)
			if in.t == stringType {
				return &escPrintNode{in.e}
			}
		}
	}
	v := c.pipeline(pipe, dot)
	return &printNode{v.e, c.printKind(v.t)}
}

func (c *compiler) printKind(t reflect.Type) printKind {
	switch t {
	case stringType:
		return printString
	case timeType:
		return printTime
	case intType:
		return printInt
	case boolType:
		return printBool
	}
	switch t.Kind() {
	case reflect.Chan, reflect.Func, reflect.Interface, reflect.UnsafePointer:
		decline("printing %s", t)
	}
	if addrSensitive(t) {
		decline("printing %s, whose pointer has String or Error", t)
	}
	return printAny
}

// addrSensitive reports whether text/template prints a t differently
// when it is addressable (it then calls a String or Error method of *t).
// The fast path's data is addressable where the standard executor's is
// not always, so such values are declined.
func addrSensitive(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return false
	}
	if t.Implements(errorType) || t.Implements(fmtStringerType) {
		return false
	}
	pt := reflect.PointerTo(t)
	return pt.Implements(errorType) || pt.Implements(fmtStringerType)
}

func (c *compiler) ifWith(b *parse.BranchNode, dot reflect.Type, with bool) node {
	mark := len(c.scope)
	v := c.pipeline(b.Pipe, dot)
	inner := dot
	if with {
		inner = v.t
	}
	n := &ifNode{e: v.e, str: v.t == stringType, with: with}
	pipeVars := len(c.scope)
	n.list = c.list(b.List, inner)
	// What the list declared is not set when else runs.
	c.scope = c.scope[:pipeVars]
	n.elseList = c.list(b.ElseList, dot)
	c.scope = c.scope[:mark]
	return n
}

func (c *compiler) rangeOver(r *parse.RangeNode, dot reflect.Type) node {
	mark := len(c.scope)
	pipe := r.Pipe
	if pipe.IsAssign {
		decline("range with assignment")
	}
	if len(pipe.Decl) > 0 && r.ElseList != nil {
		// The variables hold the ranged value in the else list.
		decline("range with variables and else")
	}
	v := c.commands(pipe.Cmds, dot)
	if k := v.t.Kind(); k != reflect.Slice && k != reflect.Array || v.t.Elem() == stringType {
		decline("range over %s", v.t)
	}
	elem := v.t.Elem()
	n := &rangeNode{e: v.e, idxSlot: -1, elemSlot: -1}
	switch len(pipe.Decl) {
	case 0:
	case 1:
		n.elemSlot = c.declare(pipe.Decl[0].Ident[0], elem)
	case 2:
		n.idxSlot = c.declare(pipe.Decl[0].Ident[0], intType)
		n.elemSlot = c.declare(pipe.Decl[1].Ident[0], elem)
	default:
		decline("range with %d variables", len(pipe.Decl))
	}
	n.list = c.list(r.List, elem)
	c.scope = c.scope[:mark]
	n.elseList = c.list(r.ElseList, dot)
	c.scope = c.scope[:mark]
	return n
}

// pipeline compiles a pipeline and its declarations or assignments.
func (c *compiler) pipeline(pipe *parse.PipeNode, dot reflect.Type) typed {
	if pipe == nil {
		decline("no pipeline")
	}
	v := c.commands(pipe.Cmds, dot)
	if len(pipe.Decl) == 0 {
		return v
	}
	d := &declExpr{e: v.e}
	for _, vn := range pipe.Decl {
		if len(vn.Ident) != 1 {
			decline("declaration of %s", vn)
		}
		name := vn.Ident[0]
		if pipe.IsAssign {
			slot := c.lookup(name)
			if c.slots[slot] != v.t {
				decline("%s changes type from %s to %s", name, c.slots[slot], v.t)
			}
			d.slots = append(d.slots, slot)
		} else {
			d.slots = append(d.slots, c.declare(name, v.t))
		}
	}
	return typed{d, v.t}
}

// commands compiles cmds, each one's value being the next one's last
// argument.
func (c *compiler) commands(cmds []*parse.CommandNode, dot reflect.Type) typed {
	if len(cmds) == 0 {
		decline("empty pipeline")
	}
	var v typed
	for i, cmd := range cmds {
		var final *typed
		if i > 0 {
			prev := v
			final = &prev
		}
		v = c.command(cmd, dot, final)
	}
	return v
}

func (c *compiler) command(cmd *parse.CommandNode, dot reflect.Type, final *typed) typed {
	first := cmd.Args[0]
	if id, ok := first.(*parse.IdentifierNode); ok {
		return c.call(id.Ident, cmd.Args[1:], dot, final)
	}
	if len(cmd.Args) > 1 || final != nil {
		decline("arguments to a non-function %s", first)
	}
	return c.operand(first, dot)
}

// operand compiles an argument, or a command that is not a call.
func (c *compiler) operand(n parse.Node, dot reflect.Type) typed {
	switch n := n.(type) {
	case *parse.DotNode:
		return typed{dotExpr{}, dot}
	case *parse.StringNode:
		return typed{&litExpr{val{s: n.Text}}, stringType}
	case *parse.NumberNode:
		// Only a decimal integer, which text/template's idealConstant
		// makes an int: other numbers' types depend on their spelling.
		digits := strings.TrimPrefix(n.Text, "-")
		if !n.IsInt || digits == "" || strings.Trim(digits, "0123456789") != "" || int64(int(n.Int64)) != n.Int64 {
			decline("number %s", n.Text)
		}
		return typed{&litExpr{val{rv: reflect.ValueOf(int(n.Int64))}}, intType}
	case *parse.FieldNode:
		return c.chain(typed{dotExpr{}, dot}, n.Ident)
	case *parse.VariableNode:
		slot := c.lookup(n.Ident[0])
		return c.chain(typed{&varExpr{slot}, c.slots[slot]}, n.Ident[1:])
	case *parse.PipeNode:
		if len(n.Decl) > 0 {
			decline("declaration in parentheses")
		}
		return c.commands(n.Cmds, dot)
	}
	decline("argument %s", n)
	return typed{}
}

// chain compiles the field names idents from recv.
func (c *compiler) chain(recv typed, idents []string) typed {
	if len(idents) == 0 {
		return recv
	}
	t := recv.t
	var steps []step
	for i, name := range idents {
		if hasMethod(t, name) {
			decline("%s is a method of %s", name, t)
		}
		var st step
		switch t.Kind() {
		case reflect.Struct:
			st.kind = stepField
			st.index, t = structField(t, name)
		case reflect.Pointer:
			if t.Elem().Kind() != reflect.Struct {
				decline("field %s of %s", name, t)
			}
			st.kind = stepPtrField
			st.index, t = structField(t.Elem(), name)
		case reflect.Map:
			if t != mapStringString {
				decline("field %s of %s", name, t)
			}
			if i != len(idents)-1 {
				decline("field %s of a string", idents[i+1])
			}
			st.kind, st.key = stepMapString, name
			t = stringType
		default:
			decline("field %s of %s", name, t)
		}
		steps = append(steps, st)
	}
	_, fromDot := recv.e.(dotExpr)
	return typed{&fieldExpr{recv: recv.e, fromDot: fromDot, steps: steps, str: t == stringType}, t}
}

// structField returns the index and type of t's exported, not promoted,
// field name.
func structField(t reflect.Type, name string) (int, reflect.Type) {
	f, ok := t.FieldByName(name)
	if !ok || !f.IsExported() || len(f.Index) != 1 {
		decline("field %s of %s", name, t)
	}
	return f.Index[0], f.Type
}

// hasMethod reports whether t or *t has a method name (text/template
// calls it rather than reading a field or a key). A pointer's method set
// holds its element's methods.
func hasMethod(t reflect.Type, name string) bool {
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		t = reflect.PointerTo(t)
	}
	_, ok := t.MethodByName(name)
	return ok
}

// call compiles a function call; final is the piped value, if any.
func (c *compiler) call(name string, argNodes []parse.Node, dot reflect.Type, final *typed) typed {
	var args []typed
	for _, a := range argNodes {
		args = append(args, c.operand(a, dot))
	}
	if final != nil {
		args = append(args, *final)
	}
	if fn, ok := c.funcs[name]; ok {
		return c.userCall(name, fn, args)
	}
	if c.html {
		if esc := escapers[name].fn; esc != nil {
			if len(args) != 1 {
				decline("%s with %d arguments", name, len(args))
			}
			a := args[0]
			if a.t != stringType {
				checkStringifiable(a.t)
			}
			return typed{&escExpr{arg: a.e, str: a.t == stringType, fn: esc}, stringType}
		}
	}
	switch name {
	case "printf", "print", "println":
		e := &fmtExpr{args: anyArgs(args)}
		switch name {
		case "printf":
			if len(args) == 0 || args[0].t != stringType {
				decline("printf without a string format")
			}
			e.kind = fmtPrintf
		case "print":
			e.kind = fmtPrint
		default:
			e.kind = fmtPrintln
		}
		return typed{e, stringType}
	case "len":
		if len(args) != 1 {
			decline("len with %d arguments", len(args))
		}
		a := args[0]
		switch a.t.Kind() {
		case reflect.String, reflect.Slice, reflect.Array, reflect.Map:
		default:
			decline("len of %s", a.t)
		}
		return typed{&lenExpr{arg: a.e, str: a.t == stringType}, intType}
	case "index":
		if len(args) != 2 {
			decline("index with %d arguments", len(args))
		}
		item, key := args[0], args[1]
		if item.t != mapStringString || key.t != stringType {
			decline("index of %s by %s", item.t, key.t)
		}
		return typed{&indexExpr{item.e, key.e}, stringType}
	case "not":
		if len(args) != 1 {
			decline("not with %d arguments", len(args))
		}
		return typed{&notExpr{arg: args[0].e, str: args[0].t == stringType}, boolType}
	}
	decline("function %s", name)
	return typed{}
}

// userCall compiles a call of a funcMap function of a known signature.
func (c *compiler) userCall(name string, fn any, args []typed) typed {
	switch f := fn.(type) {
	case func(time.Time) string:
		if len(args) != 1 || args[0].t != timeType {
			decline("%s: want one time.Time", name)
		}
		return typed{&timeFuncExpr{f, args[0].e}, stringType}
	case func(string) string:
		if len(args) != 1 || args[0].t != stringType {
			decline("%s: want one string", name)
		}
		return typed{&strFuncExpr{f, args[0].e}, stringType}
	case func(any, ...any) any:
		// default: returns one of its arguments, all of one type.
		if len(args) == 0 {
			decline("%s without arguments", name)
		}
		t := args[0].t
		for _, a := range args[1:] {
			if a.t != t {
				decline("%s with arguments of types %s and %s", name, t, a.t)
			}
		}
		if t.Kind() == reflect.Interface {
			decline("%s of %s", name, t)
		}
		return typed{&anyFuncExpr{fn: f, args: anyArgs(args), want: t}, t}
	}
	decline("function %s of type %T", name, fn)
	return typed{}
}

func anyArgs(args []typed) []anyArg {
	out := make([]anyArg, len(args))
	for i, a := range args {
		out[i] = anyArg{e: a.e, str: a.t == stringType}
	}
	return out
}

// checkStringifiable declines a type that html/template's stringify
// would not print as plain text: its content types (template.HTML, ...)
// behind any pointers, and interfaces, whose dynamic type could be one.
func checkStringifiable(t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface || t.PkgPath() == "html/template" {
		decline("escaping a %s", t)
	}
}

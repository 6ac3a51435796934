package templates

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The fast path.
//
// text/template and html/template execute a parse tree by reflection,
// looking every field up by name and calling every function (the
// html/template escapers among them) through reflect.Value.Call: most of
// a wave's CPU went there. compileFast turns a parse tree into a program
// for the one static type templates see, Data, at load time: field names
// become indexes, functions are called directly, html/template's escapers
// are reproduced (fast_escape.go), and every expression has a static
// type, so that strings never go through an interface.
//
// The program does exactly what the standard executor does, byte for
// byte, for the subset of the template language it accepts; anything
// else (a method call, a {{template}}, an unknown function, a type whose
// printing depends on addressability, ...) makes compileFast decline and
// the standard executor run that template. At run time, any error (a nil
// pointer, a missing map key) or panic makes render run the standard
// executor again for that part, so that errors are the standard ones.
//
// The only map reachable from Data is map[string]string (Contact.Fields)
// and no slice has string elements: the compiler declines other maps and
// ranging over strings rather than carry code no template can reach.
//
// Semantics followed (text/template's exec.go):
//   - A field chain resolves each name once, at compile time: a struct
//     field (through at most one pointer, nil being an error), or a key
//     of a map[string]string, a missing key being an error
//     (missingkey=error, the option load.go sets on every template). A
//     name that is also a method of the type, of its pointer or of an
//     embedded field is declined.
//   - if/with/range test truth as text/template's isTrue; with sets dot;
//     range walks slices and arrays, setting dot and its variables.
//   - Variables are resolved lexically to slots; text/template's stack
//     gives the same binding (declarations are popped at the {{end}} of
//     the if/with/range that holds them, and between a list and its
//     else). An assignment must keep the variable's static type.
//   - Printing writes strings as they are, and other values as
//     fmt.Fprint of text/template's printableValue.
//   - Functions: funcMap's func(time.Time) string, func(string) string and
//     func(any, ...any) any (called directly, the result's dynamic type
//     checked), and the builtins printf, print, println, len, index (a
//     map[string]string by one string key) and not.

// fastFallbacks counts parts whose program failed at run time and that
// the standard executor ran again; tests read it.
var fastFallbacks atomic.Int64

// program is a compiled template. It is immutable: renders share it.
type program struct {
	nodes []node
	nvars int // variable slots; slot 0 is $
}

// val is a value at run time. Its static type, known at compile time,
// says which half is used: s for type string, rv for all others.
type val struct {
	rv reflect.Value
	s  string
}

// state is one execution's: the output, the variables and a copy of the
// data. The program reads the data through reflect.ValueOf(&s.data), a
// pointer into the pooled state: taking the caller's *Data there would
// make the caller's Data (248 bytes) escape to the heap, and passing it by
// value would box it, an allocation per execution either way.
type state struct {
	buf  []byte
	vars []val
	data Data
}

// Write lets fmt.Fprint print into the output.
func (s *state) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	return len(p), nil
}

var statePool = sync.Pool{New: func() any { return new(state) }}

// maxPooledBuf is the largest output buffer kept for another execution.
const maxPooledBuf = 256 << 10

// fallback is panicked at run time where the standard executor would
// fail; the caller then runs the standard executor, which reports the
// error.
type fallback struct{}

func fail() { panic(fallback{}) }

// execute runs p on data. ok is false when p failed (fallback or any
// other panic, which execute recovers): the standard executor must run.
func (p *program) execute(data *Data) (out string, ok bool) {
	s := statePool.Get().(*state)
	defer func() {
		if recover() != nil {
			out, ok = "", false
		}
		s.data = Data{}
		clear(s.vars)
		if cap(s.buf) > maxPooledBuf {
			s.buf = nil
		}
		statePool.Put(s)
	}()
	s.data = *data
	if cap(s.vars) < p.nvars {
		s.vars = make([]val, p.nvars)
	}
	s.vars = s.vars[:p.nvars]
	root := val{rv: reflect.ValueOf(&s.data).Elem()}
	s.vars[0] = root
	s.buf = s.buf[:0]
	s.run(p.nodes, root)
	return string(s.buf), true
}

func (s *state) run(nodes []node, dot val) {
	for _, n := range nodes {
		n.exec(s, dot)
	}
}

// ---- nodes ----

type node interface {
	exec(s *state, dot val)
}

type textNode struct{ text string }

func (n *textNode) exec(s *state, _ val) { s.buf = append(s.buf, n.text...) }

type printKind uint8

const (
	printString printKind = iota
	printTime
	printInt
	printBool
	printAny // fmt.Fprint(printableValue(v))
)

// printNode is an action without variable declarations.
type printNode struct {
	e    expr
	kind printKind
}

func (n *printNode) exec(s *state, dot val) {
	v := n.e.eval(s, dot)
	switch n.kind {
	case printString:
		s.buf = append(s.buf, v.s...)
	case printTime:
		t, _ := reflect.TypeAssert[time.Time](v.rv)
		s.buf = append(s.buf, t.String()...)
	case printInt:
		s.buf = strconv.AppendInt(s.buf, v.rv.Int(), 10)
	case printBool:
		s.buf = strconv.AppendBool(s.buf, v.rv.Bool())
	default:
		iface, ok := printableValue(v.rv)
		if !ok {
			fail()
		}
		fmt.Fprint(s, iface)
	}
}

// escPrintNode prints a string through the HTML text escaper, the last
// command of most actions of an HTML template, without a copy.
type escPrintNode struct{ e expr }

func (n *escPrintNode) exec(s *state, dot val) {
	s.buf = appendHTMLEscaped(s.buf, n.e.eval(s, dot).s)
}

// discardNode is an action that declares or assigns variables.
type discardNode struct{ e expr }

func (n *discardNode) exec(s *state, dot val) { n.e.eval(s, dot) }

// ifNode is {{if}} or {{with}}.
type ifNode struct {
	e              expr
	str            bool // the pipeline is a string
	with           bool
	list, elseList []node
}

func (n *ifNode) exec(s *state, dot val) {
	v := n.e.eval(s, dot)
	t := truth(v, n.str)
	switch {
	case t && n.with:
		s.run(n.list, v)
	case t:
		s.run(n.list, dot)
	default:
		s.run(n.elseList, dot)
	}
}

// rangeNode is {{range}} over a slice or an array, of elements that are
// not strings.
type rangeNode struct {
	e                 expr
	idxSlot, elemSlot int // -1 when not declared
	list, elseList    []node
}

func (n *rangeNode) exec(s *state, dot val) {
	v := n.e.eval(s, dot).rv
	l := v.Len()
	if l == 0 {
		s.run(n.elseList, dot)
		return
	}
	for i := 0; i < l; i++ {
		el := val{rv: v.Index(i)}
		if n.idxSlot >= 0 {
			s.vars[n.idxSlot] = val{rv: reflect.ValueOf(i)}
		}
		if n.elemSlot >= 0 {
			s.vars[n.elemSlot] = el
		}
		s.run(n.list, el)
	}
}

// ---- expressions ----

type expr interface {
	eval(s *state, dot val) val
}

type dotExpr struct{}

func (dotExpr) eval(_ *state, dot val) val { return dot }

type litExpr struct{ v val }

func (e *litExpr) eval(*state, val) val { return e.v }

type varExpr struct{ slot int }

func (e *varExpr) eval(s *state, _ val) val { return s.vars[e.slot] }

// declExpr evaluates a pipeline and stores it in variables ({{$x := p}},
// {{$x = p}}, {{with $x := p}}).
type declExpr struct {
	e     expr
	slots []int
}

func (e *declExpr) eval(s *state, dot val) val {
	v := e.e.eval(s, dot)
	for _, sl := range e.slots {
		s.vars[sl] = v
	}
	return v
}

type stepKind uint8

const (
	stepField     stepKind = iota // a struct's field
	stepPtrField                  // a field through a pointer, nil an error
	stepMapString                 // a key of a map[string]string, missing an error
)

type step struct {
	kind  stepKind
	index int    // stepField, stepPtrField
	key   string // stepMapString
}

// fieldExpr is .A.B.C from dot or a variable.
type fieldExpr struct {
	recv    expr
	fromDot bool // recv is dot
	steps   []step
	str     bool // the result is a string
}

func (e *fieldExpr) eval(s *state, dot val) val {
	v := dot.rv
	if !e.fromDot {
		v = e.recv.eval(s, dot).rv
	}
	for i := range e.steps {
		st := &e.steps[i]
		switch st.kind {
		case stepField:
			v = v.Field(st.index)
		case stepPtrField:
			if v.IsNil() {
				fail()
			}
			v = v.Elem().Field(st.index)
		case stepMapString:
			m, _ := reflect.TypeAssert[map[string]string](v)
			x, ok := m[st.key]
			if !ok {
				fail()
			}
			return val{s: x} // a string: the last step
		}
	}
	if e.str {
		return val{s: v.String()}
	}
	return val{rv: v}
}

// anyArg is an argument passed as any.
type anyArg struct {
	e   expr
	str bool
}

func (a *anyArg) get(s *state, dot val) any {
	v := a.e.eval(s, dot)
	if a.str {
		return v.s
	}
	return v.rv.Interface()
}

type timeFuncExpr struct {
	fn  func(time.Time) string
	arg expr
}

func (e *timeFuncExpr) eval(s *state, dot val) val {
	t, ok := reflect.TypeAssert[time.Time](e.arg.eval(s, dot).rv)
	if !ok {
		fail()
	}
	return val{s: e.fn(t)}
}

type strFuncExpr struct {
	fn  func(string) string
	arg expr
}

func (e *strFuncExpr) eval(s *state, dot val) val {
	return val{s: e.fn(e.arg.eval(s, dot).s)}
}

// anyFuncExpr calls a func(any, ...any) any, such as default. Its
// result's type must be the one predicted at compile time.
type anyFuncExpr struct {
	fn   func(any, ...any) any
	args []anyArg
	want reflect.Type
}

func (e *anyFuncExpr) eval(s *state, dot val) val {
	first := e.args[0].get(s, dot)
	var rest []any
	if len(e.args) > 1 {
		rest = make([]any, len(e.args)-1)
		for i := range rest {
			rest[i] = e.args[i+1].get(s, dot)
		}
	}
	r := e.fn(first, rest...)
	if r == nil || reflect.TypeOf(r) != e.want {
		fail()
	}
	if e.want == stringType {
		return val{s: r.(string)}
	}
	return val{rv: reflect.ValueOf(r)}
}

type fmtKind uint8

const (
	fmtPrintf fmtKind = iota
	fmtPrint
	fmtPrintln
)

// fmtExpr is the builtin printf, print or println.
type fmtExpr struct {
	kind fmtKind
	args []anyArg // printf: the format first
}

func (e *fmtExpr) eval(s *state, dot val) val {
	if e.kind == fmtPrintf {
		format := e.args[0].e.eval(s, dot).s
		rest := make([]any, len(e.args)-1)
		for i := range rest {
			rest[i] = e.args[i+1].get(s, dot)
		}
		return val{s: fmt.Sprintf(format, rest...)}
	}
	all := make([]any, len(e.args))
	for i := range all {
		all[i] = e.args[i].get(s, dot)
	}
	if e.kind == fmtPrint {
		return val{s: fmt.Sprint(all...)}
	}
	return val{s: fmt.Sprintln(all...)}
}

// lenExpr is the builtin len of a string, slice, array or map.
type lenExpr struct {
	arg expr
	str bool
}

func (e *lenExpr) eval(s *state, dot val) val {
	v := e.arg.eval(s, dot)
	if e.str {
		return val{rv: reflect.ValueOf(len(v.s))}
	}
	return val{rv: reflect.ValueOf(v.rv.Len())}
}

// indexExpr is the builtin index of a map[string]string by a string key. A
// missing key gives "", the zero value, as in text/template.
type indexExpr struct{ item, key expr }

func (e *indexExpr) eval(s *state, dot val) val {
	m, _ := reflect.TypeAssert[map[string]string](e.item.eval(s, dot).rv)
	return val{s: m[e.key.eval(s, dot).s]}
}

// notExpr is the builtin not.
type notExpr struct {
	arg expr
	str bool
}

func (e *notExpr) eval(s *state, dot val) val {
	return val{rv: reflect.ValueOf(!truth(e.arg.eval(s, dot), e.str))}
}

// escExpr is one of html/template's escapers applied to a value.
type escExpr struct {
	arg expr
	str bool
	fn  func(string) string
}

func (e *escExpr) eval(s *state, dot val) val {
	v := e.arg.eval(s, dot)
	in := v.s
	if !e.str {
		in = stringifyValue(v.rv)
	}
	return val{s: e.fn(in)}
}

// truth is the truth of v, of static type string when str, as if/with and
// not test it.
func truth(v val, str bool) bool {
	if str {
		return v.s != ""
	}
	t, _ := isTrue(v.rv)
	return t
}

// isTrue is text/template's.
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return
	}
	return truth, true
}

// indirect is text/template's: through pointers and interfaces, stopping
// at a nil one.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

var (
	errorType       = reflect.TypeFor[error]()
	fmtStringerType = reflect.TypeFor[fmt.Stringer]()
	stringType      = reflect.TypeFor[string]()
	intType         = reflect.TypeFor[int]()
	boolType        = reflect.TypeFor[bool]()
	timeType        = reflect.TypeFor[time.Time]()
	dataType        = reflect.TypeFor[Data]()
	mapStringString = reflect.TypeFor[map[string]string]()
)

// printableValue is text/template's.
func printableValue(v reflect.Value) (any, bool) {
	if v.Kind() == reflect.Pointer {
		v, _ = indirect(v)
	}
	if !v.IsValid() {
		return "<no value>", true
	}
	if !v.Type().Implements(errorType) && !v.Type().Implements(fmtStringerType) {
		if v.CanAddr() && (reflect.PointerTo(v.Type()).Implements(errorType) || reflect.PointerTo(v.Type()).Implements(fmtStringerType)) {
			v = v.Addr()
		} else {
			switch v.Kind() {
			case reflect.Chan, reflect.Func:
				return nil, false
			}
		}
	}
	return v.Interface(), true
}

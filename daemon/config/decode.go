package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// decoder walks the YAML AST into the Config structs itself rather than
// through reflection, so that every key has its exact line, unknown keys are
// caught at any depth, and every problem is collected instead of the first.
type decoder struct {
	file string
	env  func(string) (string, bool)
	errs Errors

	// lines maps a key path ("accounts[1].smtp") to the line of its key or
	// sequence item, for validation errors found after decoding.
	lines map[string]int
	// bad holds the key paths that already have a decoding error, so that
	// validation does not report the same mistake a second time.
	bad map[string]bool

	anchors map[string]ast.Node
	merged  map[*ast.MappingNode][]pair
	depth   int
}

// pair is one key of a mapping, after YAML merge keys (<<) are applied.
type pair struct {
	name  string
	key   ast.Node
	value ast.Node
}

// handler decodes the value of one known key; key is its dotted path.
type handler func(n ast.Node, key string)

// maxDepth bounds alias and merge-key chains, which can refer to themselves.
const maxDepth = 32

func newDecoder(file string, env func(string) (string, bool)) *decoder {
	return &decoder{
		file:    file,
		env:     env,
		lines:   map[string]int{},
		bad:     map[string]bool{},
		anchors: map[string]ast.Node{},
		merged:  map[*ast.MappingNode][]pair{},
	}
}

// errorf records a problem at the line of node n (or of key when n is nil).
func (d *decoder) errorf(n ast.Node, key, format string, args ...any) {
	line := lineOf(n)
	if line == 0 {
		line = d.lines[key]
	}
	d.bad[key] = true
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func lineOf(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// collectAnchors records every &anchor of the document, so that *alias can be
// resolved wherever it appears.
func (d *decoder) collectAnchors(n ast.Node) {
	ast.Walk(visitor(func(n ast.Node) {
		if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
			d.anchors[a.Name.GetToken().Value] = a.Value
		}
	}), n)
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	if n != nil {
		v(n)
	}
	return v
}

// resolve strips anchors, tags and aliases down to the node that holds the
// value. It returns nil for a missing alias, after reporting it.
func (d *decoder) resolve(n ast.Node, key string) ast.Node {
	for i := 0; ; i++ {
		if i > maxDepth {
			d.errorf(n, key, "aliases nested too deeply; write the value out")
			return nil
		}
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			name := v.Value.GetToken().Value
			target, ok := d.anchors[name]
			if !ok {
				d.errorf(v, key, "alias *%s names no anchor; define &%s first", name, name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
}

// isNull reports whether n stands for "not given" (absent, empty or ~).
func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

// kind names a node's type in errors, the way a YAML user thinks of it.
func kind(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

// mapping decodes a mapping whose keys are known in advance; a key that is
// not in fs is an error. A null node decodes to nothing.
func (d *decoder) mapping(n ast.Node, key string, fs map[string]handler) {
	d.eachPair(n, key, func(p pair, child string) {
		h, ok := fs[p.name]
		if !ok {
			d.errorf(p.key, child, "unknown key %q; known keys here: %s", p.name, known(fs))
			return
		}
		h(p.value, child)
	})
}

func known(fs map[string]handler) string {
	names := make([]string, 0, len(fs))
	for k := range fs {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// eachPair calls f for every key of a mapping with the key's dotted path.
func (d *decoder) eachPair(n ast.Node, key string, f func(p pair, child string)) {
	n = d.resolve(n, key)
	if isNull(n) {
		return
	}
	m, ok := n.(*ast.MappingNode)
	if !ok {
		d.errorf(n, key, "expected a mapping of keys to values, got %s", kind(n))
		return
	}
	for _, p := range d.pairs(m, key) {
		child := p.name
		if key != "" {
			child = key + "." + p.name
		}
		d.lines[child] = lineOf(p.key)
		f(p, child)
	}
}

// pairs lists a mapping's keys with YAML merge keys applied: explicit keys
// win over merged ones, and earlier merged mappings over later ones. Results
// are cached per node so that repeated merges cost linear time.
func (d *decoder) pairs(m *ast.MappingNode, key string) []pair {
	if ps, ok := d.merged[m]; ok {
		return ps
	}
	d.merged[m] = nil // a merge that reaches m again sees no keys
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.errorf(m, key, "merge keys nested too deeply; write the keys out")
		return nil
	}
	var own, merged []pair
	seen := map[string]bool{}
	for _, mv := range m.Values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			merged = append(merged, d.mergeValue(mv.Value, key)...)
			continue
		}
		name, ok := d.keyName(mv.Key, key)
		if !ok {
			continue
		}
		if seen[name] {
			d.errorf(mv.Key, joinKey(key, name), "key given twice in the same mapping; keep one")
			continue
		}
		seen[name] = true
		own = append(own, pair{name: name, key: mv.Key, value: mv.Value})
	}
	var out []pair
	for _, p := range merged {
		if !seen[p.name] {
			seen[p.name] = true
			out = append(out, p)
		}
	}
	out = append(out, own...)
	d.merged[m] = out
	return out
}

// mergeValue returns the keys merged in by `<<: *a` or `<<: [*a, *b]`.
func (d *decoder) mergeValue(n ast.Node, key string) []pair {
	n = d.resolve(n, key)
	switch v := n.(type) {
	case *ast.MappingNode:
		return d.pairs(v, key)
	case *ast.SequenceNode:
		var out []pair
		for _, item := range v.Values {
			item = d.resolve(item, key)
			if m, ok := item.(*ast.MappingNode); ok {
				out = append(out, d.pairs(m, key)...)
			} else if item != nil {
				d.errorf(item, key, "<< merges mappings only, got %s", kind(item))
			}
		}
		return out
	case nil:
		return nil
	default:
		d.errorf(n, key, "<< merges mappings only, got %s", kind(n))
		return nil
	}
}

// keyName returns the text of a mapping key, which must be a plain scalar.
func (d *decoder) keyName(k ast.Node, key string) (string, bool) {
	if mk, ok := k.(*ast.MappingKeyNode); ok {
		k = mk.Value
	}
	k = d.resolve(k, key)
	switch v := k.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.MappingNode, *ast.SequenceNode, nil:
		d.errorf(k, key, "a key must be a plain name, not %s", kind(k))
		return "", false
	default:
		return v.GetToken().Value, true
	}
}

func joinKey(key, name string) string {
	if key == "" {
		return name
	}
	return key + "." + name
}

// sequence calls f for every item of a list, with the item's path key[i].
func (d *decoder) sequence(n ast.Node, key string, f func(i int, item ast.Node, key string)) {
	n = d.resolve(n, key)
	if isNull(n) {
		return
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		d.errorf(n, key, "expected a list ([a, b] or one \"- item\" per line), got %s", kind(n))
		return
	}
	for i, item := range s.Values {
		child := key + "[" + strconv.Itoa(i) + "]"
		d.lines[child] = lineOf(item)
		f(i, item, child)
	}
}

// text returns a scalar's text with ${VAR} expanded; ok is false when the
// value is null or not a scalar (the latter is reported).
func (d *decoder) text(n ast.Node, key string) (s string, ok bool) {
	s, at, ok := d.scalar(n, key)
	if !ok {
		return "", false
	}
	return d.expand(s, at, key)
}

// scalar returns a scalar's text as written, and the node it was read
// from; ok is false when the value is null or not a scalar (the latter is
// reported).
func (d *decoder) scalar(n ast.Node, key string) (s string, at ast.Node, ok bool) {
	n = d.resolve(n, key)
	if isNull(n) {
		return "", n, false
	}
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, v, true
	case *ast.LiteralNode:
		return v.Value.Value, v, true
	case *ast.MappingNode, *ast.SequenceNode:
		d.errorf(n, key, "expected a single value, got %s", kind(n))
		return "", n, false
	default:
		// Numbers and booleans: their source text, which holds no ${.
		return v.GetToken().Value, v, true
	}
}

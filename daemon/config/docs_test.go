package config

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestConfigReferenceCoversEveryKey: docs/CONFIG.md names every key the
// decoder accepts, so a key added to the schema without its documentation
// fails here. The keys are read from schema.go's and scalars.go's
// map[string]handler literals, the decoder's own list.
func TestConfigReferenceCoversEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range []string{"schema.go", "scalars.go"} {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			m, ok := lit.Type.(*ast.MapType)
			if !ok || !isIdent(m.Key, "string") || !isIdent(m.Value, "handler") {
				return true
			}
			for _, e := range lit.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if bl, ok := kv.Key.(*ast.BasicLit); ok && bl.Kind == token.STRING {
						k, _ := strconv.Unquote(bl.Value)
						keys[k] = true
					}
				}
			}
			return true
		})
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the schema; has its shape changed?", len(keys))
	}
	var missing []string
	for k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") && !strings.Contains(string(doc), "."+k+"`") &&
			!strings.Contains(string(doc), k+":") {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/CONFIG.md does not document these keys the decoder accepts: %s", strings.Join(missing, ", "))
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

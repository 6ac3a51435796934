package config

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// expand replaces ${NAME} in one scalar value with the environment variable
// NAME. It runs on values after YAML parsing, so a variable can neither shift
// line numbers nor inject YAML. "$${" stands for a literal "${"; a "$" not
// followed by "{" is kept as is, so regex anchors such as `^a$` are safe.
// Every unset variable is reported; ok is false if any was.
func (d *decoder) expand(s string, n ast.Node, key string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	ok := true
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		if i > 0 && s[i-1] == '$' {
			// "$${": drop one "$" and keep the "${" literally.
			b.WriteString(s[:i-1])
			b.WriteString("${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			d.errorf(n, key, "unterminated %q; close it with } or write $${ for a literal ${", s[i:])
			return "", false
		}
		name := s[i+2 : i+end]
		s = s[i+end+1:]
		if !validVarName(name) {
			d.errorf(n, key, "${%s} is not a valid variable reference; names are letters, digits and _", name)
			ok = false
			continue
		}
		v, set := d.env(name)
		if !set {
			d.errorf(n, key, "environment variable %s is not set; export it or remove ${%s}", name, name)
			ok = false
			continue
		}
		b.WriteString(v)
	}
	return b.String(), ok
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// envRefs lists the NAMEs of the plain ${NAME} references in s, for the
// values herald hands to a shell unexpanded. "$${" and "\${" are not
// references to a shell ($$ is its process ID; \$ a literal $), and
// other forms (${X:-y}, $X) are the shell's business.
func envRefs(s string) []string {
	var names []string
	for at := 0; ; {
		i := strings.Index(s[at:], "${")
		if i < 0 {
			return names
		}
		i += at
		at = i + 2
		if i > 0 && (s[i-1] == '$' || s[i-1] == '\\') {
			continue
		}
		end := strings.IndexByte(s[at:], '}')
		if end < 0 {
			return names
		}
		if name := s[at : at+end]; validVarName(name) {
			names = append(names, name)
		}
		at += end + 1
	}
}

package message

import (
	"slices"
	"testing"
)

func TestSplitMultipart(t *testing.T) {
	cases := []struct {
		name, body    string
		parts         []string
		found, closed bool
	}{
		{"CRLF", "preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue", []string{"A: 1\r\n\r\none", "\r\ntwo"}, true, true},
		{"LF and padding", "--b \t\nx\n--b--\t\n", []string{"x"}, true, true},
		{"longer boundary is text", "--b\nx\n--bb\ny\n--b--", []string{"x\n--bb\ny"}, true, true},
		{"not at line start", "--b\nx --b\n--b--", []string{"x --b"}, true, true},
		{"no close", "--b\nx\n--b\ny\n", []string{"x", "y\n"}, true, false},
		{"empty parts", "--b\n--b\n--b--", []string{"", ""}, true, true},
		{"no delimiter", "just text\n", nil, false, false},
	}
	for _, c := range cases {
		parts, found, closed := splitMultipart([]byte(c.body), "b")
		var got []string
		for _, p := range parts {
			got = append(got, string(p))
		}
		if !slices.Equal(got, c.parts) || found != c.found || closed != c.closed {
			t.Errorf("%s: splitMultipart() = %q, %v, %v; want %q, %v, %v", c.name, got, found, closed, c.parts, c.found, c.closed)
		}
	}
}

package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/message"
)

func TestParseAuthResults(t *testing.T) {
	tests := []struct {
		name, value string
		id          string
		want        string // "method=result key=value ..." per result, joined by " | "
		err         bool
	}{
		{name: "RFC 8601 appendix B.2", value: "example.org 1; none", id: "example.org", want: ""},
		{name: "Gmail, comments with colons and parentheses",
			value: `mx.google.com; dkim=pass header.i=@city.example header.s=s1 header.b=AbC; spf=pass (google.com: domain of mayor@city.example designates 192.0.2.1 as permitted sender) smtp.mailfrom=mayor@city.example; dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=city.example`,
			id:    "mx.google.com",
			want:  "dkim=pass header.b=AbC header.i=@city.example header.s=s1 | spf=pass smtp.mailfrom=mayor@city.example | dmarc=pass header.from=city.example"},
		{name: "Microsoft 365, action and compauth",
			value: "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=city.example; dkim=pass (signature was verified) header.d=city.example;dmarc=pass action=none header.from=city.example;compauth=pass reason=100",
			id:    "spf", err: true},
		{name: "OpenDMARC with version", value: "mx.un.org 1; dmarc=pass (p=none dis=none) header.from=City.Example", id: "mx.un.org",
			want: "dmarc=pass header.from=City.Example"},
		{name: "method version and reason", value: "mx.un.org; dkim/1=fail reason=\"bad; sig\" header.d=x.example", id: "mx.un.org",
			want: "dkim=fail header.d=x.example reason=bad; sig"},
		{name: "quoted local part cannot inject a result",
			value: `mx.un.org; spf=pass smtp.mailfrom="x;dmarc=pass header.from=un.org"@evil.example; dmarc=fail header.from=evil.example`,
			id:    "mx.un.org",
			want:  "spf=pass smtp.mailfrom=x;dmarc=pass header.from=un.org@evil.example | dmarc=fail header.from=evil.example"},
		{name: "a comment cannot inject a property",
			value: `mx.un.org; dmarc=fail (header.from=un.org; dmarc=pass) header.from=evil.example`, id: "mx.un.org",
			want: "dmarc=fail header.from=evil.example"},
		{name: "nested comment with quoted pair", value: `mx.un.org (a (b \) c) d); dmarc=pass header.from=a.example`, id: "mx.un.org",
			want: "dmarc=pass header.from=a.example"},
		{name: "trailing semicolon and folding", value: "mx.un.org;\r\n\tdmarc=pass header.from=a.example;", id: "mx.un.org",
			want: "dmarc=pass header.from=a.example"},
		{name: "repeated property: the first counts", value: "mx.un.org; dmarc=pass header.from=a.example header.from=b.example", id: "mx.un.org",
			want: "dmarc=pass header.from=a.example"},
		{name: "unknown version", value: "mx.un.org 2; dmarc=pass header.from=a.example", id: "mx.un.org", err: true},
		{name: "unclosed comment", value: "mx.un.org; dmarc=pass (oops header.from=a.example", err: true},
		{name: "unclosed quote", value: `mx.un.org; dmarc=pass header.from="a.example`, err: true},
		{name: "missing value", value: "mx.un.org; dmarc= ; spf=pass", id: "mx.un.org", err: true},
		{name: "empty", value: "", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ar, err := ParseAuthResults(tt.value)
			if (err != nil) != tt.err {
				t.Fatalf("ParseAuthResults() error = %v, want error %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if ar.AuthServID != tt.id {
				t.Errorf("authserv-id = %q, want %q", ar.AuthServID, tt.id)
			}
			if got := formatResults(ar.Results); got != tt.want {
				t.Errorf("results\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func formatResults(rs []AuthResult) string {
	var parts []string
	for _, r := range rs {
		s := r.Method + "=" + r.Result
		var keys []string
		for k := range r.Props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			s += " " + k + "=" + r.Props[k]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

func TestDMARCPass(t *testing.T) {
	trusted := []string{"mx.un.org"}
	ours := func(v string) string { return "Authentication-Results: mx.un.org; " + v + "\n" }
	received := "Received: from mail.city.example by mx.un.org with ESMTPS; Tue, 3 Oct 2017 10:00:00 +0200\n"
	tests := []struct {
		name, head string
		trusted    []string
		want       bool
	}{
		{"pass for the From domain", ours("dmarc=pass header.from=city.example") + received, trusted, true},
		{"case and trailing dot", ours("dmarc=pass header.from=CITY.example.") + received, trusted, true},
		{"authserv-id compared without case", "Authentication-Results: MX.UN.ORG; dmarc=pass header.from=city.example\n" + received, trusted, true},
		{"several fields of ours above Received", ours("spf=pass smtp.mailfrom=city.example") + "ARC-Seal: i=1\n" + ours("dmarc=pass header.from=city.example") + received, trusted, true},
		{"no trusted ids configured", ours("dmarc=pass header.from=city.example") + received, nil, false},
		{"another server's id", "Authentication-Results: mx.evil.example; dmarc=pass header.from=city.example\n" + received, trusted, false},
		{"pass for another domain", ours("dmarc=pass header.from=evil.example") + received, trusted, false},
		{"fail", ours("dmarc=fail header.from=city.example") + received, trusted, false},
		{"pass without header.from", ours("dmarc=pass") + received, trusted, false},
		{"only spf and dkim", ours("spf=pass smtp.mailfrom=city.example; dkim=pass header.d=city.example") + received, trusted, false},
		{"forged field below our Received", ours("dmarc=none header.from=city.example") + received +
			"Authentication-Results: mx.un.org; dmarc=pass header.from=city.example\n", trusted, false},
		{"forged field only, ours absent: the topmost trusted is taken", received +
			"Authentication-Results: mx.un.org; dmarc=pass header.from=city.example\n", trusted, true},
		{"ours says fail and a forged one below says pass", ours("dmarc=fail header.from=city.example") + received +
			"Authentication-Results: mx.un.org; dmarc=pass header.from=city.example\n", trusted, false},
		{"ours unreadable, a forged pass below", "Authentication-Results: mx.un.org; dmarc=pass (oops\n" + received +
			"Authentication-Results: mx.un.org; dmarc=pass header.from=city.example\n", trusted, false},
		{"conflicting verdicts in our block", ours("dmarc=pass header.from=city.example") + ours("dmarc=fail header.from=city.example") + received, trusted, false},
		{"two From addresses", "From: a@city.example, b@city.example\n" + ours("dmarc=pass header.from=city.example") + received, trusted, false},
		{"IDN From against the A-label form", "From: maire@bücher.example\n" + ours("dmarc=pass header.from=xn--bcher-kva.example") + received, trusted, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := "From: Mayor <Mayor@City.Example>\n"
			if strings.Contains(tt.head, "From:") {
				from = ""
			}
			raw := tt.head + from + "To: decorte@un.org\nSubject: unsubscribe\nMessage-ID: <x@city.example>\n\nplease\n"
			m, err := message.Parse([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := DMARCPass(m, tt.trusted); got != tt.want {
				t.Errorf("DMARCPass() = %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzAuthResults checks that the Authentication-Results parser never
// panics and that whatever it accepts has a method on every result.
// Run with: go test -run ^$ -fuzz FuzzAuthResults ./daemon/classify/
func FuzzAuthResults(f *testing.F) {
	f.Add("mx.google.com; dkim=pass header.i=@x.example; spf=pass (c) smtp.mailfrom=a@x.example; dmarc=pass (p=NONE) header.from=x.example")
	f.Add(`mx.un.org 1; spf=pass smtp.mailfrom="a;b"@x.example; none`)
	f.Add(`a (((\)))); b="\"" c=d`)
	f.Fuzz(func(t *testing.T, v string) {
		authServID(v)
		ar, err := ParseAuthResults(v)
		if err != nil {
			return
		}
		for _, r := range ar.Results {
			if r.Method == "" || r.Props == nil {
				t.Fatalf("result without method or props: %+v", r)
			}
		}
	})
}

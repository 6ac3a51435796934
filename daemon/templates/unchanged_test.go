package templates

import (
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"hash"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/renders.sha256 from this tree's renders")

// rendersFile holds one hash per template and language: of every render
// of it for the data of TestHostileData and their tame twins.
const rendersFile = "testdata/renders.sha256"

// TestRendersUnchanged pins the bytes of every shipped and benchmark
// template's renders, in every language, for hostile and ordinary data:
// what a recipient gets must not change when rendering is made cheaper.
// After a change of output that is meant (a template edited), rewrite
// the hashes and say why in the commit:
//
//	go test ./daemon/templates -run TestRendersUnchanged -update
//
// Prepared.Render must give the very same bytes: each data value is also
// rendered through a template prepared for its shared part.
func TestRendersUnchanged(t *testing.T) {
	got := renderHashes(t, false)
	if *update {
		if err := os.WriteFile(rendersFile, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(rendersFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, prepared := range []bool{false, true} {
		if prepared {
			got = renderHashes(t, true)
		}
		if len(got) != len(want) {
			t.Errorf("%d templates rendered, %s has %d: a template was added or removed; see -update", len(got), rendersFile, len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Errorf("renders changed (prepared %t): got %s, want %s", prepared, got[i], want[i])
			}
		}
	}
}

// renderHashes returns "DIR NAME.LANG RENDERS SHA256" for every template
// of templateDirs, sorted; rendered by Set.Render, or by
// Prepared.Render when prepared is set.
func renderHashes(t *testing.T, prepared bool) []string {
	base := benchData(t)
	base.UnsubscribeURL = "https://rsvp.example.org/u/abc123"
	base.Enquiry = &EnquiryData{Ref: "GCCM-0042", Subject: "Demande de visa", Category: "visa"}
	base.Enquiries = sampleData(nil).Enquiries
	var ds []Data
	for _, d := range variants(base) {
		ds = append(ds, d, tame(d))
	}
	var lines []string
	for _, dir := range templateDirs {
		s := loadDir(t, dir)
		for _, name := range s.Names() {
			for _, lang := range s.Languages(name) {
				h := sha256.New()
				for _, d := range ds {
					r, err := s.Render(name, []string{lang}, d)
					if prepared {
						r, err = s.Prepare(name, d).Render([]string{lang}, d.Contact, d.UnsubscribeURL)
					}
					hashRender(h, r, err)
				}
				lines = append(lines, fmt.Sprintf("%s %s.%s %d %x", strings.TrimPrefix(dir, "../../"), name, lang, len(ds), h.Sum(nil)))
			}
		}
	}
	sort.Strings(lines)
	return lines
}

// hashRender adds r, or err, to h, each string with its length first so
// that no two different renders write the same bytes.
func hashRender(h hash.Hash, r *Rendered, err error) {
	put := func(s string) {
		h.Write(binary.AppendUvarint(nil, uint64(len(s))))
		h.Write([]byte(s))
	}
	if err != nil {
		put("error")
		put(err.Error())
		return
	}
	put(r.Name)
	put(r.Lang)
	put(r.Subject)
	keys := make([]string, 0, len(r.Headers))
	for k := range r.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		put(k)
		put(r.Headers[k])
	}
	put(r.Text)
	put(r.HTML)
}

package inbox

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadLiteral(t *testing.T) {
	big := strings.Repeat("x", maxPrealloc+10)
	cases := []struct {
		name    string
		body    string
		size    int64
		wantErr error
	}{
		{"exact", "hello", 5, nil},
		{"empty", "", 0, nil},
		{"short", "hel", 5, io.ErrUnexpectedEOF},
		{"nothing", "", 5, io.ErrUnexpectedEOF},
		{"above the preallocation bound", big, int64(len(big)), nil},
		{"short above the bound", big[:maxPrealloc+5], int64(len(big)), io.ErrUnexpectedEOF},
	}
	for _, c := range cases {
		raw, err := readLiteral(strings.NewReader(c.body), c.size)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && !bytes.Equal(raw, []byte(c.body)) {
			t.Errorf("%s: read %d bytes, want %d", c.name, len(raw), len(c.body))
		}
	}
}

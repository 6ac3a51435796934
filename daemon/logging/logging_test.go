package logging

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestStreams(t *testing.T) {
	var stdout, stderr bytes.Buffer
	for _, c := range []struct {
		format      string
		logs, other *bytes.Buffer
	}{
		{"json", &stdout, &stderr},
		{"JSON", &stdout, &stderr},
		{"text", &stderr, &stdout},
		{"", &stderr, &stdout},
	} {
		logs, banner := Streams(c.format, &stdout, &stderr)
		if logs != c.logs || banner != c.other {
			t.Errorf("Streams(%q): logs and banner on the wrong streams", c.format)
		}
	}
}

// TestJSONLines checks `format: json` writes one JSON object per line with
// the level, the message and the attributes, and honours the level.
func TestJSONLines(t *testing.T) {
	var out bytes.Buffer
	log, lv, err := New(&out, "info", "json")
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden")
	log.Info("herald started", "component", "app", "http", "127.0.0.1:8025")
	log.With("account", "habitat").Warn("login failed", "err", "line\nbreak")
	lv.Set(slog.LevelDebug)
	log.Debug("now shown")
	var got []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		got = append(got, m)
	}
	if len(got) != 3 {
		t.Fatalf("got %d lines, want 3: %v", len(got), got)
	}
	want := []map[string]string{
		{"level": "INFO", "msg": "herald started", "component": "app", "http": "127.0.0.1:8025"},
		{"level": "WARN", "msg": "login failed", "account": "habitat", "err": "line\nbreak"},
		{"level": "DEBUG", "msg": "now shown"},
	}
	for i, w := range want {
		for k, v := range w {
			if got[i][k] != v {
				t.Errorf("line %d: %s = %v, want %q", i+1, k, got[i][k], v)
			}
		}
		if _, ok := got[i]["time"]; !ok {
			t.Errorf("line %d has no time", i+1)
		}
	}
}

func TestNewRejectsUnknown(t *testing.T) {
	if _, _, err := New(&bytes.Buffer{}, "info", "xml"); err == nil {
		t.Error("New(format xml) = nil error")
	}
	if _, _, err := New(&bytes.Buffer{}, "loud", "json"); err == nil {
		t.Error("New(level loud) = nil error")
	}
}

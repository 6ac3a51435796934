package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// sorting is a table's order on the server: the column (a key of the
// store's whitelist, store.EnquirySorts or store.ContactSorts) and its
// direction, read from ?sort= and ?order=asc|desc, and the links of the
// column headers.
type sorting struct {
	Key  string
	Desc bool
	// inverse is the column whose values run against its key's order:
	// the queue's age grows as received_at falls.
	inverse string
	path    string
	q       url.Values
}

// readSort reads ?sort= and ?order= against allowed; err names the bad
// one. An empty sort is the table's own order (def).
func readSort(r *http.Request, allowed map[string]string, def string) (sorting, string) {
	v := r.URL.Query()
	s := sorting{Key: v.Get("sort"), path: r.URL.Path, q: v}
	if s.Key != "" {
		if _, ok := allowed[s.Key]; !ok {
			keys := make([]string, 0, len(allowed))
			for k := range allowed {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return sorting{Key: def, path: r.URL.Path, q: v}, "sort=" + strconv.Quote(s.Key) + ": want one of " + strings.Join(keys, ", ")
		}
	} else {
		s.Key = def
	}
	switch o := v.Get("order"); o {
	case "", "asc":
	case "desc":
		s.Desc = true
	default:
		return sorting{Key: def, path: r.URL.Path, q: v}, "order=" + strconv.Quote(o) + ": want asc or desc"
	}
	return s, ""
}

// Link is the URL that sorts by key: the other direction when the table
// is sorted by key already, else ascending; from the first page.
func (s *sorting) Link(key string) string {
	q := url.Values{}
	for k, v := range s.q {
		q[k] = v
	}
	q.Del("page")
	q.Set("sort", key)
	q.Set("order", "asc")
	if key == s.Key && !s.Desc {
		q.Set("order", "desc")
	}
	return s.path + "?" + q.Encode()
}

// Aria is the column's aria-sort (WAI-ARIA 1.2 §6.7): how its values run.
func (s *sorting) Aria(key string) string {
	if key != s.Key {
		return "none"
	}
	if s.Desc != (key == s.inverse) {
		return "descending"
	}
	return "ascending"
}

// Mark is the arrow shown by the sorted column's name.
func (s *sorting) Mark(key string) string {
	switch s.Aria(key) {
	case "ascending":
		return "▲"
	case "descending":
		return "▼"
	}
	return ""
}

// apply copies the order onto an API URL's query (the page's live rows
// come in the same order).
func (s *sorting) apply(v url.Values) {
	if s.q.Get("sort") != "" {
		v.Set("sort", s.Key)
	}
	if s.Desc {
		v.Set("order", "desc")
	}
}

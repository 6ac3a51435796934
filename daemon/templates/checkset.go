package templates

// CheckSet is Check that also returns what compiled: the dashboard's
// templates page shows the problems of a folder and renders the
// templates that have none, where Load would refuse the whole folder.
func CheckSet(dir string) (*Set, *Report, error) {
	s, probs, err := load(dir)
	if err != nil {
		return nil, nil, err
	}
	return s, &Report{Problems: probs, Fields: s.fields, Names: s.Names()}, nil
}

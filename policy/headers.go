package policy

import "strings"

// Header is one header line: a name and a value, exactly as sent or
// received. See https://fetch.spec.whatwg.org/#concept-header.
type Header struct {
	Name  string
	Value string
}

// HeaderList is an ordered list of header lines in which duplicate names are
// kept as separate entries, as the Fetch standard's header list is. Name
// comparisons are byte-case-insensitive.
// See https://fetch.spec.whatwg.org/#concept-header-list.
//
// Unlike net/http's Header map, a HeaderList keeps the order of lines across
// names, which the CORS rules (and browsers' error messages) depend on.
type HeaderList []Header

// Contains reports whether some line has the given name.
// See https://fetch.spec.whatwg.org/#header-list-contains.
func (l HeaderList) Contains(name string) bool {
	for _, h := range l {
		if equalFold(h.Name, name) {
			return true
		}
	}
	return false
}

// equalFold reports whether a and b are a byte-case-insensitive match
// (https://infra.spec.whatwg.org/#byte-case-insensitive): the same length,
// and equal once the bytes 0x41–0x5A are mapped to 0x61–0x7A. Unlike
// strings.EqualFold it folds no other characters (the Kelvin sign is not
// "k"), and it compares lengths before any byte.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Get returns the values of every line with the given name joined by ", "
// (0x2C 0x20), and whether there was any such line.
// See https://fetch.spec.whatwg.org/#concept-header-list-get.
func (l HeaderList) Get(name string) (string, bool) {
	var (
		first string
		found bool
		b     []byte
	)
	for _, h := range l {
		if !equalFold(h.Name, name) {
			continue
		}
		switch {
		case !found:
			first, found = h.Value, true
		case b == nil:
			b = append(append(append(b, first...), ", "...), h.Value...)
		default:
			b = append(append(b, ", "...), h.Value...)
		}
	}
	if b != nil {
		return string(b), true
	}
	return first, found
}

// Values returns the value of every line with the given name, in order.
func (l HeaderList) Values(name string) []string {
	var vs []string
	for _, h := range l {
		if strings.EqualFold(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return vs
}

// Append adds a line at the end.
// See https://fetch.spec.whatwg.org/#concept-header-list-append.
func (l *HeaderList) Append(name, value string) {
	*l = append(*l, Header{Name: name, Value: value})
}

// Set replaces the first line with the given name (keeping its position) and
// removes the others, or appends a line if there is none.
// See https://fetch.spec.whatwg.org/#concept-header-list-set.
func (l *HeaderList) Set(name, value string) {
	out := (*l)[:0]
	set := false
	for _, h := range *l {
		if strings.EqualFold(h.Name, name) {
			if set {
				continue
			}
			h.Value, set = value, true
		}
		out = append(out, h)
	}
	if !set {
		out = append(out, Header{Name: name, Value: value})
	}
	*l = out
}

// Delete removes every line with the given name.
// See https://fetch.spec.whatwg.org/#concept-header-list-delete.
func (l *HeaderList) Delete(name string) {
	out := (*l)[:0]
	for _, h := range *l {
		if !strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	*l = out
}

// Clone returns a copy that shares no storage with l.
func (l HeaderList) Clone() HeaderList {
	if l == nil {
		return nil
	}
	return append(HeaderList(nil), l...)
}

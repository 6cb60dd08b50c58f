package cookie

import "time"

// parseCookieDate implements the cookie-date algorithm of RFC 6265bis
// §5.1.1 ("Dates"), which is what browsers use for Expires. It is far more
// lenient than net/http's parser (which accepts two layouts only): tokens
// may come in any order, and "Wed, 09 Jun 2021 10:18:14 GMT",
// "09-Jun-21 10:18:14" and "Jun 9 10:18:14 2021" all parse.
func parseCookieDate(s string) (time.Time, bool) {
	var (
		foundTime, foundDay, foundMonth, foundYear bool
		hour, minute, second, day, year            int
		month                                      time.Month
	)
	// Step 1: split into date-tokens at delimiters.
	for _, tok := range dateTokens(s) {
		// Step 2.1: time = hms-time [ non-digit *OCTET ].
		if !foundTime {
			if h, m, sec, ok := parseHMS(tok); ok {
				foundTime, hour, minute, second = true, h, m, sec
				continue
			}
		}
		// Step 2.2: day-of-month = 1*2DIGIT [ non-digit *OCTET ].
		if !foundDay {
			if n, ok := leadingDigits(tok, 1, 2); ok {
				foundDay, day = true, n
				continue
			}
		}
		// Step 2.3: month = 3 letters, case-insensitively, then anything.
		if !foundMonth {
			if m, ok := parseMonth(tok); ok {
				foundMonth, month = true, m
				continue
			}
		}
		// Step 2.4: year = 2*4DIGIT [ non-digit *OCTET ].
		if !foundYear {
			if n, ok := leadingDigits(tok, 2, 4); ok {
				foundYear, year = true, n
				continue
			}
		}
	}
	// Steps 3-4: two-digit years.
	if year >= 70 && year <= 99 {
		year += 1900
	} else if year >= 0 && year <= 69 {
		year += 2000
	}
	// Step 5.
	if !foundTime || !foundDay || !foundMonth || !foundYear ||
		day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	// Step 6: the date must exist (no 31 February).
	t := time.Date(year, month, day, hour, minute, second, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false
	}
	return t, true
}

// isDelimiter reports whether c is a cookie-date delimiter:
// %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
func isDelimiter(c byte) bool {
	return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
		(c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E)
}

func dateTokens(s string) []string {
	var toks []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || isDelimiter(s[i]) {
			if start >= 0 {
				toks = append(toks, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	return toks
}

// leadingDigits parses min..max digits at the start of tok, which must be
// followed by the end or a non-digit.
func leadingDigits(tok string, min, max int) (int, bool) {
	n, i := 0, 0
	for i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
		if i == max {
			return 0, false
		}
		n = n*10 + int(tok[i]-'0')
		i++
	}
	return n, i >= min
}

// parseHMS parses hms-time = time-field ":" time-field ":" time-field with
// time-field = 1*2DIGIT, followed by the end or a non-digit.
func parseHMS(tok string) (h, m, s int, ok bool) {
	var f [3]int
	i := 0
	for k := 0; k < 3; k++ {
		j := i
		for j < len(tok) && j-i < 3 && tok[j] >= '0' && tok[j] <= '9' {
			f[k] = f[k]*10 + int(tok[j]-'0')
			j++
		}
		if j == i || j-i > 2 {
			return 0, 0, 0, false
		}
		i = j
		if k < 2 {
			if i >= len(tok) || tok[i] != ':' {
				return 0, 0, 0, false
			}
			i++
		}
	}
	if i < len(tok) && tok[i] >= '0' && tok[i] <= '9' {
		return 0, 0, 0, false
	}
	return f[0], f[1], f[2], true
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func parseMonth(tok string) (time.Month, bool) {
	if len(tok) < 3 {
		return 0, false
	}
	p := []byte{tok[0] | 0x20, tok[1] | 0x20, tok[2] | 0x20}
	for i, m := range monthNames {
		if string(p) == m {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

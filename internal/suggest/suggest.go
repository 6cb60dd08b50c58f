// Package suggest finds the word a user probably meant ("did you mean
// --format?") among the words a command, a flag set or a file knows.
package suggest

// Closest returns the candidate nearest to word by edit distance
// (insertions, deletions, substitutions and swaps of adjacent letters), or
// "" when none is near enough to be a slip: at most one edit for words of
// up to four letters, two for longer ones. Ties go to the earlier
// candidate.
func Closest(word string, candidates []string) string {
	limit := 1
	if len(word) > 4 {
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if c == word {
			continue
		}
		if d := distance(word, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b
// (Damerau-Levenshtein without repeated edits of one substring).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

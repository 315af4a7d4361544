package slug

import "sort"

// NearPairs returns the index pairs (i < j) of names whose skeletons are
// equal or one edit apart, for names whose skeletons have at least minLen
// runes. It runs in time linear in the total length of the names (symmetric
// deletion neighbourhoods), so a pool of 100,000 names is cheap. Pairs are
// sorted.
func NearPairs(names []string, minLen int) [][2]int {
	buckets := map[string][]int{}
	for i, n := range names {
		sk := []rune(Skeleton(n))
		if len(sk) < minLen {
			continue
		}
		keys := map[string]bool{string(sk): true}
		for k := range sk {
			keys[string(sk[:k])+string(sk[k+1:])] = true
		}
		for k := range keys {
			buckets[k] = append(buckets[k], i)
		}
	}
	seen := map[[2]int]bool{}
	var out [][2]int
	for _, idxs := range buckets {
		if len(idxs) < 2 || len(idxs) > 50 {
			// Very large buckets are short, common stems, not typos.
			continue
		}
		for a := 0; a < len(idxs); a++ {
			for b := a + 1; b < len(idxs); b++ {
				i, j := idxs[a], idxs[b]
				if i > j {
					i, j = j, i
				}
				p := [2]int{i, j}
				if i == j || seen[p] {
					continue
				}
				if editDistanceAtMostOne([]rune(Skeleton(names[i])), []rune(Skeleton(names[j]))) {
					seen[p] = true
					out = append(out, p)
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a][0] != out[b][0] {
			return out[a][0] < out[b][0]
		}
		return out[a][1] < out[b][1]
	})
	return out
}

func editDistanceAtMostOne(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		// equal, one substitution, or two adjacent letters swapped
		return i == len(a) || string(a[i+1:]) == string(b[i+1:]) ||
			(i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && string(a[i+2:]) == string(b[i+2:]))
	}
	return string(a[i:]) == string(b[i+1:])
}

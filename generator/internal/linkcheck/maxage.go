package linkcheck

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseMaxAge parses a cache age such as "7d", "12h", "30m" or "1d12h":
// whole days written with "d", optionally followed by anything
// time.ParseDuration accepts. Negative and empty values are errors.
func ParseMaxAge(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("invalid max age %q: want a duration like 7d, 12h or 30m", s)
	}
	if in == "" || strings.HasPrefix(in, "-") || strings.HasPrefix(in, "+") {
		return bad()
	}
	var total time.Duration
	if days, rest, ok := strings.Cut(in, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 32)
		if err != nil || n > 365*100 {
			return bad()
		}
		total = time.Duration(n) * 24 * time.Hour
		in = rest
		if in == "" {
			return total, nil
		}
	}
	d, err := time.ParseDuration(in)
	if err != nil || d < 0 || d > math.MaxInt64-total {
		return bad()
	}
	return total + d, nil
}

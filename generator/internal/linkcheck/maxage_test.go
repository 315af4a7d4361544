package linkcheck

import (
	"strings"
	"testing"
	"time"
)

func TestParseMaxAge(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "12h", want: 12 * time.Hour},
		{in: "30m", want: 30 * time.Minute},
		{in: "0", want: 0},
		{in: "0d", want: 0},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "90s", want: 90 * time.Second},
		{in: " 2d ", want: 48 * time.Hour},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "", err: true},
		{in: "d", err: true},
		{in: "7", err: true},
		{in: "-1d", err: true},
		{in: "-5m", err: true},
		{in: "1.5d", err: true},
		{in: "1d-3h", err: true},
		{in: "seven days", err: true},
		{in: "7days", err: true},
		{in: "99999999d", err: true},
		{in: "36500d2562000h", err: true}, // would overflow
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMaxAge(tc.in)
			if tc.err {
				if err == nil {
					t.Fatalf("ParseMaxAge(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ParseMaxAge(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func FuzzParseMaxAge(f *testing.F) {
	for _, s := range []string{"7d", "12h", "30m", "1d12h", "0", "", "-1d", "1.5d", "99999999d", "1h30m45s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseMaxAge(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("ParseMaxAge(%q) = %v, negative", s, d)
		}
		if !strings.Contains(s, "d") {
			want, err := time.ParseDuration(strings.TrimSpace(s))
			if err != nil || want != d {
				t.Fatalf("ParseMaxAge(%q) = %v; time.ParseDuration gives %v, %v", s, d, want, err)
			}
		}
	})
}

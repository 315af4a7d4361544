package search

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Access to Information", "access to information"},
		{"José Ñúñez", "jose nunez"},
		{"JOSÉ", "jose"},
		{"Jose\u0301", "jose"},                    // decomposed accent
		{"Straße", "strasse"},                     // ß has no decomposition
		{"Søren Łukasz Ærø", "soren lukasz aero"}, // nor ø, ł, æ
		{"İstanbul", "istanbul"},                  // dotted capital I
		{"ΟΔΟΣ", "οδοσ"},                          // final sigma folded
		{"ｆｕｌｌ ｗｉｄｔｈ", "full width"},              // NFKC
		{"ﬁnal", "final"},                         // ligature
		{"전영희", "전영희"},                            // Hangul keeps its jamo
		{"ＡＢＣ 가", "abc 가"},
		{"zero\u200bwidth\u200djoin", "zerowidthjoin"}, // format characters dropped
		{"हिन्दी", "हिन्दी"},                           // marks kept off Latin
		{"", ""},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTokens(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Access to information", []string{"access", "to", "information"}},
		{"José Núñez", []string{"jose", "nunez"}},
		{"Korea's talks, 2024–25", []string{"korea", "talks", "2024", "25"}},
		{"Round 2 of 3", []string{"round", "2", "of", "3"}},
		{"a b c", nil},
		{"전영희", []string{"전영", "영희"}},
		{"전", []string{"전"}},
		{"정보 접근", []string{"정보", "접근"}},
		{"김민준은 말했다", []string{"김민", "민준", "준은", "말했", "했다"}},
		{"北朝鮮の人権", []string{"北朝", "朝鮮", "鮮の", "の人", "人権"}},
		{"KOREA한국", []string{"korea", "한국"}},
		{"ﾂ\u05bfシ", []string{"ツ\u05bfシ"}}, // a mark stays with its CJK letter
		{"漢\u0301", []string{"漢\u0301"}},
		{"Seo-eun", []string{"seo", "eun"}},
		{"e-mail@example.org", []string{"mail", "example", "org"}},
		{strings.Repeat("x", 50), []string{strings.Repeat("x", MaxTokenRunes)}},
		{"", nil},
	} {
		if got := Tokens(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQueryTerms(t *testing.T) {
	got := QueryTerms("Access to THE information, access")
	if want := []string{"access", "information"}; !reflect.DeepEqual(got, want) {
		t.Errorf("QueryTerms = %q, want %q", got, want)
	}
	if got := QueryTerms("the of and"); got != nil {
		t.Errorf("stop words only: %q, want none", got)
	}
}

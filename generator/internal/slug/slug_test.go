package slug

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMake(t *testing.T) {
	cases := []struct{ in, want string }{
		{"José Ñúñez", "josé-ñúñez"},
		{"Jose\u0301 N\u0303u\u0301n\u0303ez", "josé-ñúñez"}, // NFD in, NFC out
		{"Chun Young-hee", "chun-young-hee"},
		{"정보 접근", "정보-접근"},
		{"  Access to   information!! ", "access-to-information"},
		{"Jung\u200dPak", "jungpak"},
		{"Jung Pak\u00a0", "jung-pak"},
		{"../../etc/passwd", "etc-passwd"},
		{"..", ""},
		{"a\\b", "a-b"},
		{"%2e%2e", "2e-2e"},
		{"CON", "con-"},
		{"nul", "nul-"},
		{"Aux", "aux-"},
		{"COM1", "com1-"},
		{"lpt9", "lpt9-"},
		{"con-", "con-"},
		{"Con Air", "con-air"},
		{"com10", "com10"},
		{"evil\u202Etxt", "eviltxt"},
		{"???", ""},
		{"🙂🙂", ""},
		{"1.0", "1-0"},
		{"Round 2", "round-2"},
		{"ΑΘΗΝΑ", "αθηνα"},
	}
	for _, c := range cases {
		if got := Make(c.in); got != c.want {
			t.Errorf("Make(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMakeNeverLeavesItsFolder(t *testing.T) {
	for _, in := range []string{"..", "../x", "a/b", "a\\b", ".hidden", "x\x00y", "a:b*c?d\"e<f>g|h", "trailing. "} {
		s := Make(in)
		if strings.ContainsAny(s, "/\\.\x00:*?\"<>| ") || strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") {
			t.Errorf("Make(%q) = %q contains a path or reserved character", in, s)
		}
	}
}

func TestMakeLongNames(t *testing.T) {
	long := strings.Repeat("가나다라", 100) // 1,200 bytes of Hangul
	s := Make(long)
	if len(s) > MaxBytes || !utf8.ValidString(s) {
		t.Fatalf("slug of a long name: %d bytes, valid UTF-8 %v", len(s), utf8.ValidString(s))
	}
	if other := Make(long + "마"); other == s {
		t.Error("two long names that differ only at the end share a slug")
	}
	if Make(long) != s {
		t.Error("not deterministic")
	}
}

func TestKey(t *testing.T) {
	same := []string{"Jung Pak", "Jung  Pak", "JUNG PAK", "Jung Pak\u00a0", "Jung P\u200dak", " jung pak"}
	for _, s := range same {
		if Key(s) != Key(same[0]) {
			t.Errorf("Key(%q) = %q, want %q", s, Key(s), Key(same[0]))
		}
	}
	if Key("ᎻᎠ") != Key("ꮋꭰ") || Key(Key("Ꮋ")) != Key("Ꮋ") {
		t.Errorf("Cherokee capitals and small letters: Key = %q and %q", Key("ᎻᎠ"), Key("ꮋꭰ"))
	}
	if Key("Jung-Pak") == Key("Jung Pak") {
		t.Error("Key should keep punctuation; only the slug merges Jung-Pak")
	}
}

func TestNearPairs(t *testing.T) {
	names := []string{"José Núñez", "Jose Nunez", "Ann Example", "Ann Exampel", "Bo Li", "Bo Lu", "Completely Different", "Kim Min-jun", "Kim Min-jung"}
	got := map[[2]int]bool{}
	for _, p := range NearPairs(names, 5) {
		got[p] = true
	}
	want := [][2]int{{0, 1}, {2, 3}, {7, 8}}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing pair %q / %q", names[w[0]], names[w[1]])
		}
	}
	if got[[2]int{4, 5}] {
		t.Error("names shorter than minLen must not pair")
	}
	if len(got) != len(want) {
		t.Errorf("got %d pairs, want %d: %v", len(got), len(want), got)
	}
}

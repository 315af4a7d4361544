// Package slug turns names into URL path segments and comparison keys.
//
// Make implements the content contract's slug rule: NFC, lower case, Unicode
// letters, marks and digits kept, every other run of characters becomes one
// "-", trimmed; format characters (zero-width joiners, BOMs, bidi overrides)
// are dropped first. A slug never contains "/", "\\", "." or control
// characters, so it can never leave the folder it is joined to. Slugs longer
// than MaxBytes are cut at a rune boundary and get "-" plus six hex digits
// of a SHA-256 of the full slug, so two long names stay distinct and the
// result is at most MaxBytes long: a path component stays far below the
// 255-byte limit of common file systems, whatever the script. The Windows
// device names (con, prn, aux, nul, com0-com9, lpt0-lpt9), which cannot be
// a file or folder name there, get a trailing "-" ("con-"), a form no other
// name produces. Make is idempotent: a slug is its own slug, so slugs can
// be written back as ids and file names.
//
// Key is the identity used to match names with each other (NFC, case
// folding, whitespace collapsed). Skeleton is the looser form used to spot
// names that only look alike.
package slug

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxBytes is the longest slug kept whole.
const MaxBytes = 100

// Make returns the slug of s; it is empty when s has no letter or digit.
func Make(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
			// Invisible: a zero-width joiner inside a name must not split it.
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (unicode.IsMark(r) && b.Len() > 0 && !dash):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	// Lower-casing may decompose; recompose so equal names give equal slugs.
	out = norm.NFC.String(out)
	if len(out) > MaxBytes {
		sum := sha256.Sum256([]byte(out))
		cut := MaxBytes - len("-abcdef")
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = strings.TrimSuffix(out[:cut], "-") + "-" + hex.EncodeToString(sum[:3])
	}
	if windowsDevice(out) {
		out += "-"
	}
	return out
}

// windowsDevice reports whether s is a name Windows reserves for a device
// in every folder, whatever the extension.
func windowsDevice(s string) bool {
	switch s {
	case "con", "prn", "aux", "nul":
		return true
	}
	return len(s) == 4 && (s[:3] == "com" || s[:3] == "lpt") && '0' <= s[3] && s[3] <= '9'
}

var folder = cases.Fold()

// Key returns the form two names must share to be the same name: NFC, case
// folded, format characters dropped and whitespace (including no-break
// spaces) collapsed to single spaces and trimmed.
func Key(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r):
		case unicode.IsSpace(r):
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(cherokeeUpper(folder.String(b.String())))
}

// cherokeeUpper maps Cherokee small letters to capitals after case folding.
// Unicode folds Cherokee to its capitals (CaseFolding.txt: U+AB70-U+ABBF
// and U+13F8-U+13FD fold to U+13A0-U+13EF, U+13F0-U+13F5), but
// golang.org/x/text's cases.Fold swaps the two cases instead, so "Ꮋ" and
// "ꮋ" had different keys and Key(Key(s)) != Key(s) (found by FuzzSlug).
func cherokeeUpper(s string) string {
	isSmall := func(r rune) bool { return (0xAB70 <= r && r <= 0xABBF) || (0x13F8 <= r && r <= 0x13FD) }
	if strings.IndexFunc(s, isSmall) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isSmall(r) {
			return unicode.ToUpper(r)
		}
		return r
	}, s)
}

// Skeleton is a name reduced to what a reader sees at a glance: diacritics
// removed, case folded, only letters and digits. "José Núñez" and
// "Jose Nunez" share a skeleton.
func Skeleton(s string) string {
	d := norm.NFD.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	for _, r := range d {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(folder.String(b.String()))
}

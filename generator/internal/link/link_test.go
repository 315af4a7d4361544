package link

import (
	"fmt"
	"strings"
	"testing"

	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
)

func site(t *testing.T, files map[string]string) *content.Site {
	t.Helper()
	var fs []content.File
	for p, d := range files {
		fs = append(fs, content.File{Path: p, Data: []byte(d)})
	}
	s, ds := content.Parse(fs, content.Options{})
	if diag.HasErrors(ds) {
		t.Fatalf("content errors: %v", ds)
	}
	return s
}

func round(date string, n int, participants, topics string) string {
	return fmt.Sprintf("---\ntitle: R%d\ndate: %s\nround: %d\nparticipants: %s\ntopics: %s\n---\n", n, date, n, participants, topics)
}

func entity(es []*Entity, slug string) *Entity {
	for _, e := range es {
		if e.Slug == slug {
			return e
		}
	}
	return nil
}

func TestResolution(t *testing.T) {
	s := site(t, map[string]string{
		"content/dialogues/d/_index.md":       "---\ntitle: D\n---\n",
		"content/dialogues/d/a.md":            round("2020-01-01", 1, "[김민준, Lee Ha-na]", "[tariffs]"),
		"content/dialogues/d/b.md":            round("2021-01-01", 2, "[{id: kim-min-jun}, Lee Ha-na, LEE HA-NA]", "[Trade and Tariffs]"),
		"content/dialogues/d/c.md":            round("2022-01-01", 3, "[KIM MIN-JUN, Lee Ha-Na]", "[trade-and-tariffs, Security]"),
		"content/participants/kim-min-jun.md": "---\nname: Kim Min-jun\naliases: [김민준]\n---\n",
		"content/topics/trade-and-tariffs.md": "---\ntitle: Trade and tariffs\naliases: [Tariffs]\n---\n",
	})
	a, ds := Link(s, Options{})
	if len(a.Participants) != 2 || len(a.Topics) != 2 {
		t.Fatalf("participants %d, topics %d; want 2 and 2", len(a.Participants), len(a.Topics))
	}
	kim := entity(a.Participants, "kim-min-jun")
	if kim == nil || kim.Name != "Kim Min-jun" || len(kim.Rounds) != 3 {
		t.Fatalf("kim = %+v", kim)
	}
	lee := entity(a.Participants, "lee-ha-na")
	// "Lee Ha-na" ×2 (a, b), "LEE HA-NA" ×1, "Lee Ha-Na" ×1: the most used wins.
	if lee == nil || lee.Name != "Lee Ha-na" || len(lee.Rounds) != 3 {
		t.Fatalf("lee = %+v", lee)
	}
	trade := entity(a.Topics, "trade-and-tariffs")
	if trade == nil || trade.Name != "Trade and tariffs" || len(trade.Rounds) != 3 {
		t.Fatalf("trade = %+v", trade)
	}
	// Rounds are newest first everywhere.
	if trade.Rounds[0].Round.Slug != "c" || a.Rounds[0].Slug != "c" {
		t.Error("entity rounds are not newest first")
	}
	// Spelling warnings for Lee (no profile) and for KIM MIN-JUN? No: it
	// matches the profile name by key, so it is a declared spelling.
	text := fmt.Sprint(ds)
	if !strings.Contains(text, `participant "Lee Ha-na" is also written`) || strings.Contains(text, "Kim Min-jun\" is also") {
		t.Errorf("warnings = %s", text)
	}
}

func TestDisplayNameTieIsDeterministic(t *testing.T) {
	files := map[string]string{
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/d/a.md":      round("2020-01-01", 1, "[Jung Pak]", "[]"),
		"content/dialogues/d/b.md":      round("2021-01-01", 2, "[JUNG PAK]", "[]"),
	}
	for i := 0; i < 5; i++ {
		a, _ := Link(site(t, files), Options{})
		if got := a.Participants[0].Name; got != "JUNG PAK" { // tie: the smaller string
			t.Fatalf("display name %q", got)
		}
	}
}

func TestPrevNextGapsAndDrafts(t *testing.T) {
	s := site(t, map[string]string{
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/d/a.md":      round("2020-01-01", 1, "[A]", "[]"),
		"content/dialogues/d/b.md":      round("2021-01-01", 3, "[A]", "[]"),
		"content/dialogues/d/c.md":      strings.Replace(round("2022-01-01", 4, "[Ghost]", "[]"), "---\n", "---\ndraft: true\n", 1),
	})
	a, _ := Link(s, Options{})
	d := a.Dialogues[0]
	if len(d.Rounds) != 2 || d.Rounds[0].Next != d.Rounds[1] || d.Rounds[1].Prev != d.Rounds[0] || d.Rounds[1].Next != nil {
		t.Fatalf("prev/next wrong: %+v", d.Rounds)
	}
	if entity(a.Participants, "ghost") != nil || !a.Drafts["content/dialogues/d/c.md"] {
		t.Error("draft round leaked into the archive")
	}
	a, _ = Link(s, Options{Drafts: true})
	if len(a.Dialogues[0].Rounds) != 3 || entity(a.Participants, "ghost") == nil {
		t.Error("--drafts did not include the draft")
	}
}

func TestRelatedAndCounts(t *testing.T) {
	s := site(t, map[string]string{
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/e/_index.md": "---\ntitle: E\n---\n",
		"content/dialogues/d/a.md":      round("2020-01-01", 1, "[A, B]", "[T1, T2]"),
		"content/dialogues/d/b.md":      round("2020-02-01", 2, "[A, B]", "[T3]"),  // 2 shared people: 4
		"content/dialogues/e/c.md":      round("2020-03-01", 1, "[A]", "[T1, T2]"), // 1 person + 2 topics: 4
		"content/dialogues/e/d.md":      round("2020-04-01", 2, "[C]", "[T1]"),     // 1 topic: 1
		"content/dialogues/e/x.md":      round("2020-05-01", 3, "[Z]", "[Other]"),  // nothing shared
	})
	a, _ := Link(s, Options{})
	var ra *Round
	for _, r := range a.Rounds {
		if r.Slug == "a" {
			ra = r
		}
	}
	var got []string
	for _, r := range ra.Related {
		got = append(got, r.Slug)
	}
	// b and c tie at 4: the newer (c) first; then d.
	if strings.Join(got, ",") != "c,b,d" {
		t.Errorf("related = %v, want c,b,d", got)
	}
	pa := entity(a.Participants, "a")
	if len(pa.People) == 0 || pa.People[0].Entity.Slug != "b" || pa.People[0].N != 2 {
		t.Errorf("A met most: %+v", pa.People)
	}
	if pa.Topics[0].Entity.Slug != "t1" || pa.Topics[0].N != 2 {
		t.Errorf("A's topics: %+v", pa.Topics)
	}
	t1 := entity(a.Topics, "t1")
	if t1.Topics[0].Entity.Slug != "t2" || t1.Topics[0].N != 2 {
		t.Errorf("T1 related: %+v", t1.Topics)
	}
}

func TestAliasConflict(t *testing.T) {
	s := site(t, map[string]string{
		"content/participants/a.md": "---\nname: A\naliases: [Shared]\n---\n",
		"content/participants/b.md": "---\nname: B\naliases: [Shared, A]\n---\n",
	})
	_, ds := Link(s, Options{})
	text := fmt.Sprint(ds)
	if strings.Count(text, "is already a name or alias of content/participants/a.md") != 2 {
		t.Errorf("want two alias conflicts (Shared, A): %s", text)
	}
}

func TestNearDuplicateWarning(t *testing.T) {
	s := site(t, map[string]string{
		"content/dialogues/d/_index.md": "---\ntitle: D\n---\n",
		"content/dialogues/d/a.md":      round("2020-01-01", 1, "[José Núñez]", "[]"),
		"content/dialogues/d/b.md":      round("2021-01-01", 2, "[Jose Nunez]", "[]"),
	})
	_, ds := Link(s, Options{})
	if len(ds) != 1 || ds[0].Code != "near-duplicate-name" || ds[0].Pos.File != "content/dialogues/d/b.md" ||
		!strings.Contains(ds[0].Message, `"Jose Nunez" looks like "José Núñez" (content/dialogues/d/a.md:5:16)`) {
		t.Errorf("diagnostics = %v", ds)
	}
}

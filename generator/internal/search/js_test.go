package search

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The file every page of a site loads; its tokeniser and engine must agree
// with this package.
const searchJS = "../../../layouts/assets/search.js"

// node runs script with search.js's exports as `core` and the JSON of in
// as `input`, and decodes what the script prints (JSON) into out. Without
// node the test skips, unless BRIEFINGS_REQUIRE_BROWSER=1 (set by .ci/run,
// which installs node): then it fails, so CI cannot pass by skipping.
func node(t *testing.T, script string, in, out any) {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("BRIEFINGS_REQUIRE_BROWSER") == "1" {
			t.Fatal("node is not installed and BRIEFINGS_REQUIRE_BROWSER=1: install nodejs")
		}
		t.Skip("node is not installed (apt-get install nodejs); search.js's tokeniser and engine are not checked")
	}
	js, err := filepath.Abs(searchJS)
	if err != nil {
		t.Fatal(err)
	}
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	prog := "const core = require(" + jsString(js) + ");\n" +
		"const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" +
		"(async () => {\n" + script + "\n})().catch(e => { console.error(e); process.exit(1); });\n"
	cmd := exec.Command(bin, "-e", prog)
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("node printed %q: %v", b, err)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// tokenTable is the shared table of strings both tokenisers run over: the
// edges of normalisation and segmentation.
var tokenTable = []string{
	"Access to information", "ACCESS TO INFORMATION", "José Ñúñez", "Jose\u0301 Nu\u0303n\u0303ez",
	"Straße Søren Łukasz Ærø Œuvre þorn Đorđe ðað", "İstanbul ıi", "ΟΔΟΣ ΣΟΦΟΣ", "ｆｕｌｌ ｗｉｄｔｈ ﬁnal ①②",
	"전영희", "전", "정보 접근", "김민준은 말했다", "北朝鮮の人権", "KOREA한국", "ﾊﾝｶｸ カタカナ", "Seo-eun",
	"Korea's talks, 2024–25", "Round 2 of 3", "a b c", "e-mail@example.org", "zero\u200bwidth\u200djoin",
	"हिन्दी", "Ελληνικά", "Ukraine Україна", "x\u0301\u0302y", "\u0301lead mark", "مرحبا بالعالم",
	"Tiếng Việt", "Ağrı Dağı", "Œ", "ǅungla", "Ⅻ 10⁵", strings.Repeat("long", 15), "",
	"Chun Young-hee (전영희) met Julie Turner; 15 April 2024.",
	"ﾂֿシ", "か\u3099き", "漢\u0301字\u0302語", // marks inside CJK runs (found by FuzzTokens)
}

func TestTokensMatchJS(t *testing.T) {
	type row struct {
		Norm   string   `json:"norm"`
		Tokens []string `json:"tokens"`
	}
	var got []row
	node(t, `process.stdout.write(JSON.stringify(input.map(s => ({norm: core.normalize(s), tokens: core.tokens(s)}))));`, tokenTable, &got)
	if len(got) != len(tokenTable) {
		t.Fatalf("node returned %d rows for %d strings", len(got), len(tokenTable))
	}
	for i, s := range tokenTable {
		want := row{Normalize(s), Tokens(s)}
		if want.Tokens == nil {
			want.Tokens = []string{}
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("%q:\n  JS: %q %q\n  Go: %q %q", s, got[i].Norm, got[i].Tokens, want.Norm, want.Tokens)
		}
	}
}

func TestShardOfMatchesJS(t *testing.T) {
	terms := []string{"access", "information", "전영", "d:rok-us", "p:josé-núñez", "g:south-korea", "2024", ""}
	var got []int
	node(t, `process.stdout.write(JSON.stringify(input.map(t => core.shardOf(t, 1024))));`, terms, &got)
	for i, term := range terms {
		if want := shardOf(term, 1024); got[i] != want {
			t.Errorf("shard of %q: JS %d, Go %d", term, got[i], want)
		}
	}
}

// TestEngineMatchesJS builds an index, then runs the same queries through
// search.js's Engine (reading the files from disk, as fetch would) and
// through Search, and compares totals, pages and the files each read.
func TestEngineMatchesJS(t *testing.T) {
	ix := Build(sampleDocs())
	dir := t.TempDir()
	for _, f := range ix.Files() {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{
		"q=access+to+information", "q=Access&from=2021", "q=access&to=2020", "q=information&dialogue=alpha",
		"q=전영희", "q=jose+nunez", "q=JOSÉ", "participant=kim-min-jun", "delegation=south-korea&topic=trade",
		"from=2019&to=2021", "from=2022&to=2019", "q=talks&page=2", "q=nothingmatches", "q=the", "q=trade&dialogue=alpha&from=2020&to=2021",
	}
	type jsRes struct {
		Total   int      `json:"total"`
		IDs     []int    `json:"ids"`
		URLs    []string `json:"urls"`
		Fetched []string `json:"fetched"`
	}
	var got []jsRes
	node(t, `
const fs = require('fs'), path = require('path');
const out = [];
for (const q of input.queries) {
  const e = new core.Engine(p => Promise.resolve(JSON.parse(fs.readFileSync(path.join(input.dir, 'search', p), 'utf8'))));
  const p = Object.fromEntries(new URLSearchParams(q));
  const r = await e.search(p);
  out.push({total: r.total, ids: r.results.map(x => x.id), urls: r.results.map(x => x.url), fetched: e.fetched().map(f => 'search/' + f).sort()});
}
process.stdout.write(JSON.stringify(out));`, map[string]any{"dir": dir, "queries": queries}, &got)
	fsys := os.DirFS(dir)
	for i, q := range queries {
		res, err := Search(fsys, ParseParams(q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		want := jsRes{Total: res.Total, IDs: []int{}, URLs: []string{}, Fetched: append([]string{}, res.Fetched...)}
		for _, r := range res.Page {
			want.IDs = append(want.IDs, r.ID)
			want.URLs = append(want.URLs, r.URL)
		}
		sortStrings(want.Fetched)
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("%s:\n  JS: %+v\n  Go: %+v", q, got[i], want)
		}
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

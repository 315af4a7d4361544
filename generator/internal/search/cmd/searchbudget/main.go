// Command searchbudget measures what the static search costs a reader: for
// each query it replays search.js's fetch plan against a built site (the
// same files, through search.Search) and prints the bytes and files a
// first query transfers, and it counts the files the search output adds to
// the site.
//
//	go run ./generator/internal/search/cmd/searchbudget -site /tmp/c10k/public \
//	    [-q "access to information"] [-query "q=trade&from=2010&to=2015"] [-max 300000] [-max-files 3000]
//
// -q takes words (repeatable); -query a whole URL query as the search page
// carries it (repeatable). Without either it runs a set of typical queries:
// topic words, words with a date range, a facet, a second page, and the
// name of the participant seated at most rounds, as words and as a facet.
// Bytes are uncompressed. "index" is what the query fetches from search/
// (manifest, term shards, result shards); the page, search.js and
// search.css are listed separately (fetched once per visit, then cached).
// The exit status is 1 when a query's index bytes exceed -max or the
// search output exceeds -max-files.
package main

import (
	"flag"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"

	"briefings/generator/internal/search"
)

func main() {
	site := flag.String("site", "", "built site folder (the output of generator build)")
	maxBytes := flag.Int64("max", 300_000, "budget in bytes for one query's index files")
	maxFiles := flag.Int("max-files", 3000, "budget for the number of files of the search output")
	var queries []string
	flag.Func("q", "words to search for (repeatable)", func(s string) error {
		queries = append(queries, "q="+url.QueryEscape(s))
		return nil
	})
	flag.Func("query", "a URL query such as q=trade&dialogue=x&from=2010 (repeatable)", func(s string) error {
		queries = append(queries, strings.TrimPrefix(s, "?"))
		return nil
	})
	flag.Parse()
	if *site == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: searchbudget -site DIR [-q WORDS]... [-query QUERY]... [-max BYTES] [-max-files N]")
		os.Exit(2)
	}
	fsys := os.DirFS(*site)
	if len(queries) == 0 {
		queries = typical(fsys)
	}
	ok := true

	files, bytes := 0, int64(0)
	err := fs.WalkDir(fsys, "search", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += info.Size()
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbudget:", err)
		os.Exit(1)
	}
	shared := map[string]int64{}
	for _, p := range []string{"search/index.html", "assets/search.js", "assets/search.css"} {
		if b, err := fs.ReadFile(fsys, p); err == nil {
			shared[p] = int64(len(b))
		}
	}
	outFiles := files + 2 // search/… plus assets/search.js and search.css
	fmt.Printf("search output: %d files (%d under search/ + search.js + search.css), %s under search/ (budget %d files)\n",
		outFiles, files, kb(bytes), *maxFiles)
	fmt.Printf("once per visit: page %s, search.js %s, search.css %s\n",
		kb(shared["search/index.html"]), kb(shared["assets/search.js"]), kb(shared["assets/search.css"]))
	if outFiles > *maxFiles {
		ok = false
	}

	fmt.Printf("\n%-58s %8s %6s %10s  %s\n", "query", "results", "files", "index", "fetched")
	var worst int64
	for _, q := range queries {
		res, err := search.Search(fsys, search.ParseParams(q))
		if err != nil {
			fmt.Fprintf(os.Stderr, "searchbudget: %s: %v\n", q, err)
			os.Exit(1)
		}
		shown, _ := url.QueryUnescape(q)
		fmt.Printf("%-58s %8d %6d %10s  %s\n", shown, res.Total, len(res.Fetched), kb(res.Bytes), summary(res.Fetched))
		worst = max(worst, res.Bytes)
		if res.Bytes > *maxBytes {
			ok = false
		}
	}
	fmt.Printf("\nlargest query: %s of index files (budget %s); with the page and script on a first visit: %s\n",
		kb(worst), kb(*maxBytes), kb(worst+shared["search/index.html"]+shared["assets/search.js"]+shared["assets/search.css"]))
	if !ok {
		fmt.Println("OVER BUDGET")
		os.Exit(1)
	}
}

func kb(n int64) string { return strconv.FormatFloat(float64(n)/1000, 'f', 1, 64) + " KB" }

// summary shortens a fetch list: "index.json, 3 term shards, 5 result shards".
func summary(fetched []string) string {
	t, d := 0, 0
	for _, f := range fetched {
		switch {
		case strings.HasPrefix(f, "search/t/"):
			t++
		case strings.HasPrefix(f, "search/d/"):
			d++
		}
	}
	return fmt.Sprintf("index.json + %d term + %d result shards", t, d)
}

var (
	selectRE = regexp.MustCompile(`(?s)<select id="search-participant" name="participant">(.*?)</select>`)
	optionRE = regexp.MustCompile(`<option value="([^"]+)">(.*?) \((\d+)\)</option>`)
)

// typical returns the default queries: fixed words that a corpus from
// corpusgen (and a real archive of such dialogues) contains, and the
// participant seated at most rounds, read from the search page.
func typical(fsys fs.FS) []string {
	qs := []string{
		"q=access+to+information",
		"q=access+to+information&from=2010&to=2020",
		"q=arms+control&delegation=south-korea",
		"q=nuclear+non-proliferation&page=2",
		"q=humanitarian+access+fisheries",
		"q=agreed+to+continue+joint+efforts",
		"topic=export-controls&from=2020",
	}
	page, err := fs.ReadFile(fsys, "search/index.html")
	if err != nil {
		return qs
	}
	m := selectRE.FindSubmatch(page)
	if m == nil {
		return qs
	}
	best, name, n := "", "", -1
	for _, o := range optionRE.FindAllSubmatch(m[1], -1) {
		if c, _ := strconv.Atoi(string(o[3])); c > n {
			best, name, n = html.UnescapeString(string(o[1])), html.UnescapeString(string(o[2])), c
		}
	}
	if best != "" {
		qs = append(qs, "q="+url.QueryEscape(name), "participant="+url.QueryEscape(best)+"&q=trade")
	}
	return qs
}

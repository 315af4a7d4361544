// Command hugoconv turns a briefings corpus into the content/ of a Hugo
// site, for the Hugo comparison benchmark (scripts/hugo-compare.sh writes
// the Hugo config and templates).
//
// It reads the corpus folder as an fs.FS and writes, into the output
// folder (which must be empty or not exist):
//
//   - content/about.md, copied; content/archive.md, a page with layout
//     "archive";
//   - content/dialogues/<d>/_index.md, copied (parties and summary become
//     Hugo params);
//   - every round, with its front matter rewritten into Hugo form: the
//     taxonomies participants and topics as plain lists of canonical names
//     (ids, slugs, aliases and lower-case names resolved through the
//     profiles), weight = round number (Hugo orders prev/next by it), and
//     the rest as params (delegates with role/delegation/lead, outcomes,
//     side_meetings, next_round, sources);
//   - each profile as the term page content/participants/<slug>/_index.md
//     or content/topics/<slug>/_index.md, with aliases renamed other_names
//     (Hugo's aliases are redirects).
//
// It fails on the first file it cannot read or parse, naming the file.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("in", "", "corpus folder")
	out := flag.String("out", "", "Hugo site folder to write content/ into")
	flag.Parse()
	if *in == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: hugoconv -in CORPUS -out HUGOSITE")
		os.Exit(2)
	}
	n, err := convert(os.DirFS(*in), *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("hugoconv: wrote %d files\n", n)
}

package main

// `generator new` writes the starting point of a content file:
//
//	new round --dialogue <slug> [--date YYYY-MM-DD] [--title T] [--participant NAME]...
//	    content/dialogues/<slug>/round-<n>.md, n = the highest round number in
//	    the dialogue (drafts included) + 1; date defaults to today; title to
//	    "Round <n>"; participants are the leads of the latest round (all of its
//	    participants when it marks no lead) with their role and delegation,
//	    then any --participant; topics are the latest round's.
//	new dialogue <slug> --title T     content/dialogues/<slug>/_index.md
//	new participant "Name"            content/participants/<slug of Name>.md
//	new topic "Title"                 content/topics/<slug of Title>.md
//
// Every form takes --source DIR (default "."), which must hold config.yaml.
// It prints the path of the new file on stdout. It never overwrites: an
// existing file, or one whose name has the same slug, is refused. Files are
// created through an os.Root on the site folder and never through a
// symlink, so nothing is written outside content/. Optional fields are
// written as YAML comments for the editor to fill in. Exit status: 0
// created, 1 the dialogue's files have errors (they decide the round
// number) or the file could not be written, 2 usage errors (bad slug or
// name, unknown dialogue, refused overwrite).

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"briefings/generator/internal/config"
	"briefings/generator/internal/content"
	"briefings/generator/internal/diag"
	"briefings/generator/internal/frontmatter"
	"briefings/generator/internal/slug"
	"briefings/generator/internal/source"
)

const newUsage = `Usage:
  generator new round --dialogue <slug> [--date YYYY-MM-DD] [--title TITLE] [--participant NAME]... [--source DIR]
  generator new dialogue <slug> --title TITLE [--source DIR]
  generator new participant "Name" [--source DIR]
  generator new topic "Title" [--source DIR]

Writes the starting point of a content file and prints its path. A new round
is content/dialogues/<slug>/round-<n>.md with the next round number, the date
(default today), and the participants (the leads of the latest round, with
role and delegation) and topics of the dialogue's latest round. Existing files
are never overwritten.
`

// errUsage marks errors that exit with status 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usagef(format string, args ...any) error { return errUsage{fmt.Sprintf(format, args...)} }

// errContent carries the diagnostics that stopped `new round`.
type errContent struct{ diags []diag.Diagnostic }

func (e errContent) Error() string { return diag.Summary(e.diags) }

// newCmd runs `generator new`. now is the clock for the default date of a
// round; it is the only place the generator reads the time of day.
func newCmd(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, newUsage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, newUsage)
		return 0
	case "round", "dialogue", "participant", "topic":
	default:
		fmt.Fprintf(stderr, "generator new: unknown kind %q (want round, dialogue, participant or topic)\n\n%s", args[0], newUsage)
		return 2
	}
	kind := args[0]
	flags := flag.NewFlagSet("new "+kind, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprintf(stderr, "%s\nFlags of new %s:\n", newUsage, kind); flags.PrintDefaults() }
	var o newOptions
	flags.StringVar(&o.source, "source", ".", "site folder (holding config.yaml and content/)")
	switch kind {
	case "round":
		flags.StringVar(&o.dialogue, "dialogue", "", "slug of the dialogue (its folder name under content/dialogues/)")
		flags.StringVar(&o.date, "date", "", "date of the round, YYYY-MM-DD (default today)")
		flags.StringVar(&o.title, "title", "", `title of the round (default "Round <n>")`)
		flags.Func("participant", "a participant to add (repeatable)", func(s string) error {
			o.participants = append(o.participants, s)
			return nil
		})
	case "dialogue":
		flags.StringVar(&o.title, "title", "", "title of the dialogue (required)")
	}
	pos, err := parseInterspersed(flags, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	want := 1
	if kind == "round" {
		want = 0
	}
	if len(pos) != want {
		if want == 0 {
			fmt.Fprintf(stderr, "generator new round: unexpected argument %q (the dialogue is given with --dialogue)\n", pos[0])
		} else {
			fmt.Fprintf(stderr, "generator new %s: want exactly one %s, got %d arguments\n", kind, map[string]string{"dialogue": "slug", "participant": `"Name"`, "topic": `"Title"`}[kind], len(pos))
		}
		return 2
	}
	if want == 1 {
		o.arg = pos[0]
	}
	rel, err := newFile(kind, o, now)
	if err != nil {
		var ce errContent
		var ue errUsage
		switch {
		case errors.As(err, &ce):
			for _, d := range ce.diags {
				fmt.Fprintln(stderr, d)
			}
			fmt.Fprintf(stderr, "generator new round: fix the errors above first: the files of content/dialogues/%s decide the next round number\n", o.dialogue)
			return 1
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "generator new %s: %v\n", kind, err)
			return 2
		}
		fmt.Fprintf(stderr, "generator new %s: %v\n", kind, err)
		return 1
	}
	fmt.Fprintln(stdout, filepath.Join(o.source, filepath.FromSlash(rel)))
	return 0
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("new dialogue x --title T"), and returns the
// positional ones. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first non-flag, or after "--".
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

type newOptions struct {
	source       string
	arg          string // slug of a dialogue; name of a participant or topic
	dialogue     string
	date         string
	title        string
	participants []string
}

// site is the site folder opened for `new`.
type site struct {
	root   *os.Root
	fsys   fs.FS
	limits frontmatter.Limits
}

func openSite(source string) (*site, error) {
	root, err := os.OpenRoot(source)
	if err != nil {
		return nil, usagef("cannot open the site folder: %v", err)
	}
	data, err := fs.ReadFile(root.FS(), "config.yaml")
	if err != nil {
		root.Close()
		return nil, usagef("%s is not a site folder: cannot read config.yaml (%v)", source, unwrapPathErr(err))
	}
	s := &site{root: root, fsys: root.FS()}
	if cfg, ds := config.Parse("config.yaml", data); !diag.HasErrors(ds) {
		s.limits = cfg.Limits
	}
	s.limits = s.limits.WithDefaults()
	return s, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// newFile validates o, writes the new file of kind and returns its
// site-relative path.
func newFile(kind string, o newOptions, now func() time.Time) (string, error) {
	s, err := openSite(o.source)
	if err != nil {
		return "", err
	}
	defer s.root.Close()
	var rel string
	var text []byte
	switch kind {
	case "round":
		rel, text, err = s.newRound(o, now)
	case "dialogue":
		rel, text, err = newDialogue(o)
	case "participant":
		rel, text, err = s.newProfile(content.ParticipantProfile, o.arg)
	case "topic":
		rel, text, err = s.newProfile(content.TopicProfile, o.arg)
	}
	if err != nil {
		return "", err
	}
	if kind == "dialogue" {
		err = s.refuseCollision("content/dialogues", o.arg, true)
	} else {
		err = s.refuseCollision(path.Dir(rel), strings.TrimSuffix(path.Base(rel), ".md"), false)
	}
	if err != nil {
		return "", err
	}
	if err := s.create(rel, text); err != nil {
		return "", err
	}
	return rel, nil
}

// checkSlug refuses a slug that the slug rule would change.
func checkSlug(what, s string) error {
	switch want := slug.Make(s); {
	case s == "":
		return usagef("%s is empty", what)
	case want == "":
		return usagef("%s %q has no letter or digit", what, s)
	case want != s:
		return usagef("%s %q is not a slug (lower-case letters, digits and single hyphens); did you mean %q?", what, s, want)
	}
	return nil
}

// checkText refuses an empty value or one with control characters (which
// cannot be written on one line of front matter).
func checkText(what, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", usagef("%s is empty", what)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "", usagef("%s %q contains a control character (a line break or tab?)", what, s)
	}
	return s, nil
}

func newDialogue(o newOptions) (rel string, text []byte, err error) {
	if err := checkSlug("dialogue slug", o.arg); err != nil {
		return "", nil, err
	}
	title, err := checkText("--title", o.title)
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("---\n")
	field(&b, "", "title", title)
	b.WriteString("# parties: [South Korea, United States]\n")
	b.WriteString("# summary: One paragraph, shown in lists and as the page description.\n")
	b.WriteString("---\n")
	return "content/dialogues/" + o.arg + "/_index.md", []byte(b.String()), nil
}

func (s *site) newProfile(k content.ProfileKind, arg string) (rel string, text []byte, err error) {
	what, field0, dir := "participant name", "name", "content/participants"
	if k == content.TopicProfile {
		what, field0, dir = "topic title", "title", "content/topics"
	}
	v, err := checkText(what, arg)
	if err != nil {
		return "", nil, err
	}
	sl := slug.Make(v)
	if sl == "" {
		return "", nil, usagef("%s %q has no letter or digit, so it has no slug", what, v)
	}
	if err := s.refuseKnownName(k, dir, dir+"/"+sl+".md", v); err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("---\n")
	field(&b, "", field0, v)
	if k == content.ParticipantProfile {
		b.WriteString("# aliases: [other spellings, including other scripts]\n")
		b.WriteString("# affiliation: Ministry of Foreign Affairs\n")
		b.WriteString("# country: South Korea\n")
	} else {
		b.WriteString("# aliases: [other spellings]\n")
	}
	b.WriteString("---\n")
	return dir + "/" + sl + ".md", []byte(b.String()), nil
}

// refuseKnownName refuses a profile whose name is already the name or an
// alias of another profile: check would report the clash. The file the new
// profile would take (target) is left to create, which refuses to
// overwrite it.
func (s *site) refuseKnownName(k content.ProfileKind, dir, target, name string) error {
	ents, err := fs.ReadDir(s.fsys, dir)
	if err != nil {
		return nil // no folder yet: nothing to clash with
	}
	key := slug.Key(name)
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		p := path.Join(dir, e.Name())
		if p == target {
			continue
		}
		data, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			continue
		}
		v, _ := content.ParseFile(content.File{Path: p, Data: data}, content.Options{Limits: s.limits})
		prof, ok := v.(*content.Profile)
		if !ok || prof.Kind != k {
			continue
		}
		if slug.Key(prof.Name) == key {
			return usagef("%s already has the name %q", p, prof.Name)
		}
		for _, a := range prof.Aliases {
			if slug.Key(a) == key {
				return usagef("%s already lists %q as an alias of %q", p, a, prof.Name)
			}
		}
	}
	return nil
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (s *site) newRound(o newOptions, now func() time.Time) (rel string, text []byte, err error) {
	if err := checkSlug("--dialogue", o.dialogue); err != nil {
		return "", nil, err
	}
	dir := "content/dialogues/" + o.dialogue
	if fi, err := s.root.Lstat(dir + "/_index.md"); err != nil || !fi.Mode().IsRegular() {
		return "", nil, usagef("no dialogue %q: %s/_index.md does not exist (create it with: generator new dialogue %s --title \"...\")", o.dialogue, dir, o.dialogue)
	}
	date := o.date
	if date == "" {
		date = now().Format(time.DateOnly)
	} else if t, err := time.Parse(time.DateOnly, date); err != nil || !dateRE.MatchString(date) || t.Format(time.DateOnly) != date {
		return "", nil, usagef("--date %q is not a real date written YYYY-MM-DD", date)
	}

	rounds, err := s.dialogueRounds(dir)
	if err != nil {
		return "", nil, err
	}
	var latest *content.Round
	for _, r := range rounds {
		if latest == nil || r.Number > latest.Number {
			latest = r
		}
	}
	n := 1
	var people []content.Attendance
	var topics []content.Ref
	if latest != nil {
		n = latest.Number + 1
		for _, a := range latest.Participants {
			if a.Lead {
				people = append(people, a)
			}
		}
		if len(people) == 0 {
			people = latest.Participants
		}
		topics = latest.Topics
	}
	seen := map[string]bool{}
	for _, a := range people {
		seen[refKey(a.Ref)] = true
	}
	for _, p := range o.participants {
		v, err := checkText("--participant", p)
		if err != nil {
			return "", nil, err
		}
		if slug.Make(v) == "" {
			return "", nil, usagef("--participant %q has no letter or digit", v)
		}
		r := content.Ref{Name: v}
		if !seen[refKey(r)] {
			seen[refKey(r)] = true
			people = append(people, content.Attendance{Ref: r})
		}
	}
	if len(people) == 0 {
		return "", nil, usagef("dialogue %q has no round yet to take participants from; name at least one with --participant \"Name\"", o.dialogue)
	}
	title := fmt.Sprintf("Round %d", n)
	if o.title != "" {
		if title, err = checkText("--title", o.title); err != nil {
			return "", nil, err
		}
	}

	var b strings.Builder
	b.WriteString("---\n")
	field(&b, "", "title", title)
	b.WriteString("date: " + date + "\n")
	b.WriteString("round: " + strconv.Itoa(n) + "\n")
	b.WriteString("# location: City\n")
	b.WriteString("# summary: One paragraph, shown in lists, feeds and as the page description.\n")
	b.WriteString("participants:\n")
	for _, a := range people {
		if a.ID == "" && a.Role == "" && a.Delegation == "" && !a.Lead {
			b.WriteString("  - " + yamlScalar(a.Name) + "\n")
			continue
		}
		first := true
		item := func(k, v string) {
			if first {
				field(&b, "  - ", k, v)
				first = false
			} else {
				field(&b, "    ", k, v)
			}
		}
		if a.Name != "" {
			item("name", a.Name)
		}
		if a.ID != "" {
			item("id", a.ID)
		}
		if a.Role != "" {
			item("role", a.Role)
		}
		if a.Delegation != "" {
			item("delegation", a.Delegation)
		}
		if a.Lead {
			b.WriteString("    lead: true\n")
		}
	}
	if len(topics) > 0 {
		b.WriteString("topics:\n")
		for _, t := range topics {
			v := t.Name
			if v == "" {
				v = t.ID
			}
			b.WriteString("  - " + yamlScalar(v) + "\n")
		}
	} else {
		b.WriteString("# topics: [Access to information]\n")
	}
	b.WriteString("# outcomes:\n#   - What was agreed, in one line of Markdown.\n")
	b.WriteString("# next_round: second half of the year\n")
	b.WriteString("# sources:\n#   - title: Headline of the report\n#     publisher: News agency\n#     url: https://example.org/report\n#     date: " + date + "\n")
	b.WriteString("---\n")
	return dir + "/round-" + strconv.Itoa(n) + ".md", []byte(b.String()), nil
}

func refKey(r content.Ref) string {
	if r.ID != "" {
		return r.ID
	}
	return slug.Make(r.Name)
}

// dialogueRounds decodes every round of a dialogue folder, drafts
// included. Errors in any of its files stop `new round`: a file that does
// not decode might hold the highest round number.
func (s *site) dialogueRounds(dir string) ([]*content.Round, error) {
	ents, err := fs.ReadDir(s.fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, unwrapPathErr(err))
	}
	var files []content.File
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".md") || source.IsTemp(e.Name()) {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := fs.ReadFile(s.fsys, p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, unwrapPathErr(err))
		}
		files = append(files, content.File{Path: p, Data: data})
	}
	cs, ds := content.Parse(files, content.Options{Limits: s.limits})
	if diag.HasErrors(ds) {
		var errs []diag.Diagnostic
		for _, d := range ds {
			if d.Severity == diag.Error {
				errs = append(errs, d)
			}
		}
		diag.Sort(errs)
		return nil, errContent{errs}
	}
	return cs.Rounds, nil
}

// refuseCollision refuses a new file or folder (stem, in dir) when another
// entry of dir has the same slug: the two would write one URL. An entry of
// exactly that name is left to create, which never overwrites a file (so
// `new dialogue` can add the missing _index.md of an existing folder).
func (s *site) refuseCollision(dir, stem string, isDir bool) error {
	ents, err := fs.ReadDir(s.fsys, dir)
	if err != nil {
		return nil // the folder does not exist yet
	}
	want := slug.Make(stem)
	for _, e := range ents {
		n := e.Name()
		if !isDir {
			if !strings.HasSuffix(n, ".md") || n == "_index.md" {
				continue
			}
			n = strings.TrimSuffix(n, ".md")
		} else if !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		if n != stem && slug.Make(n) == want {
			return usagef("%s already exists; refusing to overwrite it", path.Join(dir, e.Name()))
		}
	}
	return nil
}

// create writes rel (site-relative) with O_EXCL, making its folders first.
// No existing component may be a symlink, so the file lands in the folder
// the generator reads, never elsewhere.
func (s *site) create(rel string, data []byte) error {
	parts := strings.Split(path.Dir(rel), "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		fi, err := s.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, unwrapPathErr(err))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return usagef("%s is a symlink; the generator never follows symlinks in a site, so a file there would not be read", p)
		}
		if !fi.IsDir() {
			return usagef("%s is not a folder", p)
		}
	}
	if err := s.root.MkdirAll(path.Dir(rel), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", path.Dir(rel), unwrapPathErr(err))
	}
	f, err := s.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return usagef("%s already exists; refusing to overwrite it", rel)
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", rel, unwrapPathErr(err))
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		s.root.Remove(rel)
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return nil
}

// field writes "<indent>key: value\n" with value as a YAML scalar.
func field(b *strings.Builder, indent, key, value string) {
	b.WriteString(indent + key + ": " + yamlScalar(value) + "\n")
}

// plainScalar matches text that YAML reads back as the same string when
// written plain: it starts with a letter and holds no indicator
// characters (": ", " #", quotes, brackets, braces…). Commas are plain
// text in block context, the only context written here.
var plainScalar = regexp.MustCompile(`^\p{L}[\p{L}\p{M}\p{N} .,()&/–—’'-]*$`)

// yamlScalar writes s plain when that is unambiguous, else double-quoted.
// Go's escapes (\", \\, \n, \t, \xNN, \uNNNN, \UNNNNNNNN) are all valid
// in YAML's double-quoted style.
func yamlScalar(s string) string {
	if plainScalar.MatchString(s) && !strings.HasSuffix(s, " ") && !yamlWord(s) {
		return s
	}
	return strconv.Quote(s)
}

// yamlWord reports words YAML 1.1 readers take for booleans or null.
func yamlWord(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf":
		return true
	}
	return false
}

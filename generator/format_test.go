package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"briefings/generator/internal/diag"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// writeTxtarSite writes the files of a txtar archive (its comment aside)
// into dir.
func writeTxtarSite(t *testing.T, archive, dir string) {
	t.Helper()
	a, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range a.Files {
		files[f.Name] = string(f.Data)
	}
	writeSite(t, dir, files)
}

// runSplit runs the command line and returns its exit code, stdout and
// stderr separately.
func runSplit(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestFormatGolden runs check on a site with several errors and warnings in
// each format and compares stdout and stderr with testdata/format/*.golden
// (go test ./generator -run TestFormatGolden -update rewrites them). The
// site is checked as "site" from its parent folder, as CI runs it from the
// repository root, so the github format's paths carry the "site/" prefix.
func TestFormatGolden(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test site has a file name with a colon")
	}
	parent := t.TempDir()
	writeTxtarSite(t, filepath.Join("testdata", "formats.txtar"), filepath.Join(parent, "site"))
	golden, err := filepath.Abs(filepath.Join("testdata", "format"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(parent)
	for _, f := range diagFormats {
		t.Run(string(f), func(t *testing.T) {
			code, stdout, stderr := runSplit("check", "--source", "site", "--format", string(f))
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			got := txtar.Format(&txtar.Archive{
				Comment: []byte("generator check --source site --format " + string(f) + "\n"),
				Files:   []txtar.File{{Name: "stdout", Data: []byte(stdout)}, {Name: "stderr", Data: []byte(stderr)}},
			})
			file := filepath.Join(golden, string(f)+".golden")
			if *updateGolden {
				if err := os.MkdirAll(golden, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./generator -run TestFormatGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test ./generator -run TestFormatGolden -update to accept):\n%s", file, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the lines of want and got that differ, by index.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + wl + "\n+ " + gl + "\n")
		}
	}
	return b.String()
}

// A workflow command as GitHub documents it: the command, optional
// comma-separated key=value properties, "::", the message. Values hold no
// raw ",", ":", CR or LF; the message no raw CR or LF, and a "%" only as
// the start of an escape.
var workflowCommand = regexp.MustCompile(`^::(error|warning)( file=[^,:\r\n]+(,line=[1-9][0-9]*(,col=[1-9][0-9]*)?)?,title=[a-z0-9-]+| title=[a-z0-9-]+)?::([^%\r\n]|%25|%0D|%0A)*$`)

// TestGitHubFormatSyntax checks every line of the github format against the
// workflow-command grammar, on the golden site and on synthetic
// diagnostics that need every escape.
func TestGitHubFormatSyntax(t *testing.T) {
	parent := t.TempDir()
	writeTxtarSite(t, filepath.Join("testdata", "formats.txtar"), filepath.Join(parent, "site"))
	_, stdout, _ := runSplit("check", "--source", filepath.Join(parent, "site"), "--format", "github")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) < 5 {
		t.Fatalf("only %d lines:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		if !workflowCommand.MatchString(l) {
			t.Errorf("not a workflow command: %q", l)
		}
	}
	if !strings.Contains(stdout, "::error file=") || !strings.Contains(stdout, "::warning file=") {
		t.Errorf("want errors and warnings:\n%s", stdout)
	}
}

func TestGitHubCommand(t *testing.T) {
	for _, c := range []struct {
		d      diag.Diagnostic
		prefix string
		want   string
	}{
		{diag.Diagnostic{Pos: diag.Pos{File: "content/a.md", Line: 5, Col: 1}, Severity: diag.Error, Code: "unknown-field",
			Message: `unknown field "particpants"`, Suggestion: `did you mean "participants"?`},
			"", `::error file=content/a.md,line=5,col=1,title=unknown-field::unknown field "particpants" (did you mean "participants"?)`},
		{diag.Diagnostic{Pos: diag.Pos{File: "content/a.md", Line: 3, Col: 7}, Severity: diag.Warning, Code: "round-order", Message: "round 3 is early"},
			"site", `::warning file=site/content/a.md,line=3,col=7,title=round-order::round 3 is early`},
		// Escapes: % CR LF in the message; also : and , in properties.
		{diag.Diagnostic{Pos: diag.Pos{File: "content/a,b:c%.md", Line: 2}, Severity: diag.Error, Code: "x",
			Message: "50% done\r\nnext: a, b"},
			"", `::error file=content/a%2Cb%3Ac%25.md,line=2,title=x::50%25 done%0D%0Anext: a, b`},
		// Unknown line: no line or col; unknown file: no file.
		{diag.Diagnostic{Pos: diag.Pos{File: "config.yaml"}, Severity: diag.Error, Code: "missing-config", Message: "m"},
			"", `::error file=config.yaml,title=missing-config::m`},
		{diag.Diagnostic{Severity: diag.Error, Code: "bad-base-url", Message: "--base-url: bad"},
			"site", `::error title=bad-base-url::--base-url: bad`},
		{diag.Diagnostic{Severity: diag.Warning, Message: "no code"}, "", `::warning::no code`},
	} {
		if got := githubCommand(c.d, c.prefix); got != c.want {
			t.Errorf("githubCommand(%+v)\n got %s\nwant %s", c.d, got, c.want)
		}
	}
}

// TestJSONFormat decodes every json line back: each is one object with
// exactly the documented keys and the diagnostic's values.
func TestJSONFormat(t *testing.T) {
	ds := []diag.Diagnostic{
		{Pos: diag.Pos{File: "content/a.md", Line: 5, Col: 1}, Severity: diag.Error, Code: "unknown-field", Message: "m \"q\"\n<>&", Suggestion: "s"},
		{Pos: diag.Pos{}, Severity: diag.Warning, Code: "c", Message: "no position"},
	}
	var b bytes.Buffer
	writeDiagnostics(&b, diagPrinter{Format: formatJSON}, ds)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(ds) {
		t.Fatalf("%d lines for %d diagnostics:\n%s", len(lines), len(ds), b.String())
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
		keys := []string{"file", "line", "column", "severity", "code", "message", "suggestion"}
		if len(m) != len(keys) {
			t.Errorf("line %d has keys %v, want exactly %v", i, m, keys)
		}
		d := ds[i]
		want := map[string]any{"file": d.Pos.File, "line": float64(d.Pos.Line), "column": float64(d.Pos.Col),
			"severity": d.Severity.String(), "code": d.Code, "message": d.Message, "suggestion": d.Suggestion}
		for _, k := range keys {
			if m[k] != want[k] {
				t.Errorf("line %d: %s = %#v, want %#v", i, k, m[k], want[k])
			}
		}
	}
}

func TestFormatFlag(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	if code, out := runCLI("check", "--source", dir, "--format", "xml"); code != 2 || !strings.Contains(out, `unknown format "xml"`) {
		t.Errorf("--format xml: exit %d\n%s", code, out)
	}
	// build takes --format too; a clean site prints nothing on stdout.
	code, stdout, stderr := runSplit("build", "--source", dir, "--format", "json")
	if code != 0 || stdout != "" || !strings.Contains(stderr, "built ") {
		t.Errorf("build --format json: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// A warning goes to stdout as JSON, the summary to stderr.
	writeSite(t, dir, map[string]string{"content/dialogues/d/r3.md": "---\ntitle: Third\ndate: 2024-02-01\nround: 3\nparticipants: [Ann Example]\n---\n"})
	code, stdout, stderr = runSplit("build", "--source", dir, "--format", "json")
	if code != 0 || !strings.HasPrefix(stdout, `{"file":"content/dialogues/d/r3.md","line":3,"column":7,"severity":"warning","code":"round-order",`) || !strings.Contains(stderr, "(1 warning)") {
		t.Errorf("build --format json with a warning: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

func TestGitHubPrefix(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"": "", ".": "", "./": "", "site": "site", "./site/": "site", "a/../b": "b",
		filepath.Join(wd, "site"): "site", wd: "",
	} {
		if got := githubPrefix(in); got != want {
			t.Errorf("githubPrefix(%q) = %q, want %q", in, got, want)
		}
	}
	// Outside the working directory: the absolute path, slash-separated.
	outside := filepath.Dir(wd)
	if got := githubPrefix(outside); got != filepath.ToSlash(outside) {
		t.Errorf("githubPrefix(%q) = %q", outside, got)
	}
}

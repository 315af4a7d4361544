package briefings

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// fence is one fenced code block of a Markdown file.
type fence struct {
	lang string
	line int // line of the opening ```
	body string
}

// fences returns the fenced code blocks of Markdown text, in order.
func fences(t *testing.T, name string, data []byte) []fence {
	t.Helper()
	var (
		out  []fence
		cur  *fence
		body strings.Builder
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &fence{lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```")), line: n}
			body.Reset()
		case cur != nil && trimmed == "```":
			cur.body = body.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line)
			body.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: code block is never closed", name, cur.line)
	}
	return out
}

// Small accessors over the generic YAML values; nil when absent.

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

func str(v any) string { s, _ := v.(string); return s }

// workflowSteps returns every step of every job of a GitHub workflow.
func workflowSteps(doc map[string]any) []map[string]any {
	var out []map[string]any
	jobs, _ := doc["jobs"].(map[string]any)
	names := make([]string, 0, len(jobs))
	for name := range jobs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, s := range list(get(jobs[name], "steps")) {
			if m, ok := s.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func TestDeployDocs(t *testing.T) {
	const name = "docs/deploy.md"
	data, err := os.ReadFile(filepath.FromSlash(name))
	if err != nil {
		t.Fatal(err)
	}
	var github, gitlab, scripts int
	for _, f := range fences(t, name, data) {
		where := fmt.Sprintf("%s:%d", name, f.line)
		switch f.lang {
		case "yaml", "yml":
			var doc map[string]any
			if err := yaml.Unmarshal([]byte(f.body), &doc); err != nil {
				t.Errorf("%s: yaml block does not parse: %v", where, err)
				continue
			}
			switch {
			case doc["jobs"] != nil:
				github++
				checkGitHubWorkflow(t, where, doc)
			case doc["pages"] != nil:
				gitlab++
				checkGitLabCI(t, where, doc)
			}
		case "sh", "bash", "shell":
			if strings.HasPrefix(f.body, "#!") {
				scripts++
				checkScript(t, where, f.body)
				runScript(t, where, f.body)
			}
			bashSyntax(t, where, f.body)
		case "":
			t.Errorf("%s: code block without a language", where)
		}
	}
	if github != 1 || gitlab != 1 || scripts != 1 {
		t.Errorf("found %d GitHub workflows, %d GitLab CI files and %d scripts; want one of each", github, gitlab, scripts)
	}
}

func checkGitHubWorkflow(t *testing.T, where string, doc map[string]any) {
	t.Helper()
	// yaml.v3 reads the key `on` as the string "on" (YAML 1.2), as GitHub does.
	on, ok := doc["on"].(map[string]any)
	if !ok {
		t.Fatalf("%s: workflow has no `on` mapping: %#v", where, doc["on"])
	}
	if _, ok := on["pull_request"]; !ok {
		t.Errorf("%s: workflow does not run on pull_request", where)
	}
	if !slices.Contains(list(get(on, "push", "branches")), any("main")) {
		t.Errorf("%s: workflow does not run on pushes to main: %v", where, on["push"])
	}

	var setupGo, check, build, upload, deploy int
	for _, s := range workflowSteps(doc) {
		uses, run := str(s["uses"]), str(s["run"])
		if uses != "" {
			action, version, ok := strings.Cut(uses, "@")
			if !ok || version == "" {
				t.Errorf("%s: action %q is not pinned to a version", where, uses)
			}
			switch action {
			case "actions/setup-go":
				setupGo++
				v, ok := get(s, "with", "go-version").(string)
				if !ok || !strings.HasPrefix(v, "1.26") {
					t.Errorf("%s: setup-go go-version = %#v, want a string starting with 1.26", where, get(s, "with", "go-version"))
				}
			case "actions/upload-pages-artifact":
				upload++
				if p := str(get(s, "with", "path")); p != "public" {
					t.Errorf("%s: upload-pages-artifact path = %q, want public", where, p)
				}
			case "actions/deploy-pages":
				deploy++
			}
		}
		if strings.Contains(run, "generator check") {
			check++
			if !strings.Contains(run, "--format github") {
				t.Errorf("%s: %q does not use --format github", where, run)
			}
		}
		if strings.Contains(run, "generator build") {
			build++
			if !strings.Contains(run, "--base-url") || !strings.Contains(run, "--out public") {
				t.Errorf("%s: %q does not set --base-url and --out public", where, run)
			}
		}
	}
	if setupGo == 0 || check != 1 || build != 1 || upload != 1 || deploy != 1 {
		t.Errorf("%s: steps: %d setup-go, %d check, %d build, %d upload-pages-artifact, %d deploy-pages", where, setupGo, check, build, upload, deploy)
	}
	var perms []string
	jobs, _ := doc["jobs"].(map[string]any)
	for _, job := range jobs {
		jp, _ := get(job, "permissions").(map[string]any)
		for k, v := range jp {
			perms = append(perms, fmt.Sprintf("%s: %v", k, v))
		}
	}
	for _, p := range []string{"pages: write", "id-token: write"} {
		if !slices.Contains(perms, p) {
			t.Errorf("%s: no job has permission %q (has %v)", where, p, perms)
		}
	}
}

func checkGitLabCI(t *testing.T, where string, doc map[string]any) {
	t.Helper()
	pages := doc["pages"]
	if !slices.Contains(list(get(pages, "artifacts", "paths")), any("public")) {
		t.Errorf("%s: pages job artifacts.paths = %v, want public", where, get(pages, "artifacts", "paths"))
	}
	if !scriptHas(pages, "generator build") {
		t.Errorf("%s: pages job does not run generator build", where)
	}
	if !strings.HasPrefix(str(doc["image"]), "golang:1.26") {
		t.Errorf("%s: image = %v, want golang:1.26…", where, doc["image"])
	}
	if len(list(get(doc, "cache", "paths"))) == 0 {
		t.Errorf("%s: no cache paths for the Go module cache", where)
	}
	// Some job runs the check on merge requests.
	found := false
	for name, job := range doc {
		if !scriptHas(job, "generator check") {
			continue
		}
		for _, r := range list(get(job, "rules")) {
			if strings.Contains(str(get(r, "if")), "merge_request_event") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: job %s runs generator check but not on merge requests", where, name)
		}
	}
	if !found {
		t.Errorf("%s: no job runs generator check on merge requests", where)
	}
}

func scriptHas(job any, s string) bool {
	for _, line := range list(get(job, "script")) {
		if strings.Contains(str(line), s) {
			return true
		}
	}
	return false
}

func checkScript(t *testing.T, where, body string) {
	t.Helper()
	for _, want := range []string{"set -euo pipefail", "generator build", "--base-url", "rsync ", "--delete", "aws s3 sync"} {
		if !strings.Contains(body, want) {
			t.Errorf("%s: deploy script lacks %q", where, want)
		}
	}
}

// bashSyntax runs `bash -n` on a shell block.
func bashSyntax(t *testing.T, where, body string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Logf("%s: bash not found, syntax not checked", where)
		return
	}
	path := filepath.Join(t.TempDir(), "block.sh")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
		t.Errorf("%s: bash -n (line 1 is the line after the fence): %v\n%s", where, err, out)
	}
}

// runScript runs the deploy script with go, git, rsync and aws replaced by
// stubs that log their arguments, and checks what it asked them to do.
func runScript(t *testing.T, where, body string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Logf("%s: bash not found, script not run", where)
		return
	}
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	bin := filepath.Join(dir, "bin")
	tmp := filepath.Join(dir, "tmp")
	log := filepath.Join(dir, "log")
	for _, d := range []string{filepath.Join(repo, "scripts"), bin, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(repo, "scripts", "deploy.sh")
	stubs := map[string]string{
		// go run ./generator build --out DIR …: make a one-page site in DIR.
		"go": `echo "go $*" >>"$LOG"
while [ $# -gt 0 ]; do
	if [ "$1" = --out ]; then mkdir -p "$2" && echo page >"$2/index.html"; fi
	shift
done`,
		"git":   `echo "$REPO"`,
		"rsync": `echo "rsync $*" >>"$LOG"`,
		"aws":   `echo "aws $*" >>"$LOG"`,
	}
	for name, text := range stubs {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+text+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TMPDIR=" + tmp, "LOG=" + log, "REPO=" + repo, "HOME=" + dir,
	}
	run := func(extra []string, args ...string) (string, error) {
		_ = os.Remove(log)
		cmd := exec.Command(bash, append([]string{script}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(env, extra...)
		out, err := cmd.CombinedOutput()
		logged, _ := os.ReadFile(log)
		return string(out) + string(logged), err
	}

	if out, err := run(nil, "rsync"); err == nil {
		t.Errorf("%s: script without BASE_URL succeeded:\n%s", where, out)
	}
	if out, err := run([]string{"BASE_URL=https://example.org/b/", "RSYNC_DEST=h:/srv/"}, "ftp"); err == nil {
		t.Errorf("%s: script with an unknown target succeeded:\n%s", where, out)
	}
	for _, tc := range []struct {
		target string
		env    string
		want   []string
	}{
		{"rsync", "RSYNC_DEST=deploy@host:/srv/www/b/", []string{"rsync ", "--delete", " deploy@host:/srv/www/b/"}},
		{"s3", "S3_URI=s3://bucket/b/", []string{"aws s3 sync ", "--delete", " s3://bucket/b/"}},
	} {
		out, err := run([]string{"BASE_URL=https://example.org/b/", tc.env}, tc.target)
		if err != nil {
			t.Errorf("%s: %s: %v\n%s", where, tc.target, err, out)
			continue
		}
		for _, w := range append(tc.want, "go run ./generator build --out ", "--base-url https://example.org/b/") {
			if !strings.Contains(out, w) {
				t.Errorf("%s: %s run does not show %q:\n%s", where, tc.target, w, out)
			}
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("%s: script left %d temporary files", where, len(left))
	}
}

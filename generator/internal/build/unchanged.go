package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"strconv"

	"briefings/generator/internal/diag"
	"briefings/generator/internal/publish"
	"briefings/generator/internal/source"
)

// buildMemo is what a build leaves in its output's manifest for the next
// build (publish.Stage.SetMemo): a digest of every input, the diagnostics
// it reported, its files by kind, and render's memo (render.Reuse).
type buildMemo struct {
	Inputs      string          `json:"inputs"`
	Diagnostics []storedDiag    `json:"diagnostics"`
	Kinds       map[string]int  `json:"kinds"`
	Render      json.RawMessage `json:"render,omitempty"`
}

type storedDiag struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Col        int    `json:"col"`
	Severity   int    `json:"severity"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion,omitempty"`
}

func storeDiags(ds []diag.Diagnostic) []storedDiag {
	out := make([]storedDiag, len(ds))
	for i, d := range ds {
		out[i] = storedDiag{d.Pos.File, d.Pos.Line, d.Pos.Col, int(d.Severity), d.Code, d.Message, d.Suggestion}
	}
	return out
}

func loadDiags(sd []storedDiag) []diag.Diagnostic {
	out := make([]diag.Diagnostic, len(sd))
	for i, d := range sd {
		out[i] = diag.Diagnostic{Pos: diag.Pos{File: d.File, Line: d.Line, Col: d.Col}, Severity: diag.Severity(d.Severity),
			Code: d.Code, Message: d.Message, Suggestion: d.Suggestion}
	}
	return out
}

func decodeMemo(b []byte) (buildMemo, bool) {
	var m buildMemo
	if len(b) == 0 || json.Unmarshal(b, &m) != nil || m.Inputs == "" {
		return buildMemo{}, false
	}
	return m, true
}

// inputsDigest is the SHA-256 of everything a build reads: the generator,
// the options, config.yaml, the layouts (salt), every content file's path
// and bytes, and the paths of the static files. Two builds with the same
// digest make the same files and report the same diagnostics. It returns
// "" when the site cannot be listed cleanly (the normal build reports why).
// The listing stays in p.site for keepUnchanged.
func (p *pipeline) inputsDigest() string {
	site, ds := source.List(p.opts.FS, 0)
	if len(ds) > 0 {
		return ""
	}
	cfg, err := fs.ReadFile(p.opts.FS, "config.yaml")
	if err != nil {
		return ""
	}
	site.Config = cfg
	p.site = site
	salt := p.salt()
	h := sha256.New()
	field := func(b []byte) {
		io.WriteString(h, strconv.Itoa(len(b))+":")
		h.Write(b)
	}
	field(salt)
	for _, f := range site.Content {
		// Streamed: a huge file is hashed, never held (the build refuses it).
		file, err := p.opts.FS.Open(f.Path)
		if err != nil {
			return ""
		}
		field([]byte(f.Path))
		n, err := io.Copy(h, file)
		file.Close()
		if err != nil {
			return ""
		}
		io.WriteString(h, ":"+strconv.FormatInt(n, 10)+";")
	}
	field([]byte("static"))
	for _, f := range site.StaticFiles {
		field([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keepUnchanged finishes a build whose inputs are exactly those of the
// build that made the output (same digest in its manifest): every file it
// made is kept as it is (each checked against its SHA-256), the static
// files are copied as always, and its diagnostics are reported again. ok
// is false when that cannot be done; the caller then builds normally.
func (p *pipeline) keepUnchanged(digest string) (res Result, ok bool) {
	raw := publish.ReadMemo(p.opts.Out)
	prev, found := decodeMemo(raw)
	if !found || digest == "" || prev.Inputs != digest || p.site == nil {
		return Result{}, false
	}
	stage, err := publish.Begin(publish.Options{Out: p.opts.Out, Source: p.opts.Source, WriteFile: p.opts.WriteFile, Reuse: true})
	if err != nil {
		return Result{}, false // the normal build reports it
	}
	defer stage.Abort() // a no-op after Commit
	if !bytes.Equal(stage.PreviousMemo(), raw) {
		return Result{}, false // another build replaced the output meanwhile
	}
	p.diags.Append(loadDiags(prev.Diagnostics)...)
	if p.failed() {
		return Result{}, false // e.g. --strict now: build normally, which fails
	}
	p.stage("read")
	files, n, ok := stage.KeepAll()
	if !ok {
		return Result{}, false
	}
	if p.site.Static != nil {
		if err := stage.CopyFS(p.site.Static, ""); err != nil {
			return Result{}, false
		}
	}
	stage.SetMemo(raw)
	p.stage("render")
	if err := stage.Commit(); err != nil {
		res := p.result()
		res.Err = err
		return res, true
	}
	p.stage("write")
	p.files.Store(int64(files))
	p.bytes.Store(n)
	p.kept.Store(int64(files))
	p.kinds = prev.Kinds
	res = p.result()
	res.Stats.Reused = stage.Reused()
	return res, true
}

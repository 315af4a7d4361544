// Package briefings holds the files the generator binary carries with it.
//
// The repository's layouts/ folder is the single copy of the built-in
// layouts: html/template files (base.html, partials.html and one file per
// page kind) and the default assets under layouts/assets/. The binary embeds
// that folder; a site's own layouts/ folder overrides any of these files by
// name (see generator/internal/render).
package briefings

import (
	"embed"
	"io/fs"
)

// Layouts is the embedded layouts/ folder, paths starting with "layouts/".
//
//go:embed layouts
var Layouts embed.FS

// DefaultLayouts returns the built-in layouts rooted at the layouts/ folder,
// so names are "base.html", "round.html", "assets/style.css", ….
func DefaultLayouts() fs.FS {
	sub, err := fs.Sub(Layouts, "layouts")
	if err != nil {
		// fs.Sub fails only for an invalid path; "layouts" is valid.
		panic(err)
	}
	return sub
}

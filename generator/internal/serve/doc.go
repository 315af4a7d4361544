// Package serve is the dev server behind `generator serve`: it builds the
// site in memory, serves it over HTTP, watches the site folder and rebuilds
// on every change, and tells open browser tabs to reload.
//
// # Input
//
// Options name the site folder on disk (or an fs.FS, for tests), the
// address to bind and the build options. Only config.yaml, content/,
// layouts/ and static/ are watched; editors' temporary and lock files
// (source.IsTemp) and dotfiles are never a reason to rebuild and never
// become pages.
//
// # What it promises
//
//   - Nothing is written to disk. Pages live in memory (build.Session);
//     public/ is never touched, and the live-reload script exists only in
//     responses.
//   - Watching: one fsnotify watch per folder, added for folders created
//     after start (and the folder itself is reported changed, so files
//     already inside it are read). A renamed or removed folder drops its
//     watches and is reported changed; a folder moved in is walked.
//     fsnotify.ErrEventOverflow leads to a rescan and a full rebuild. When
//     the OS limit on watches is hit (ENOSPC, EMFILE), the message names the
//     fix and the watcher falls back to polling (also forced by Poll).
//   - Coalescing: changes are collected until Quiet passes with no new one
//     (MaxWait after the first at most), then built as one batch. More than
//     FullAfter distinct paths make a full rebuild. Builds never overlap; a
//     change that arrives during a build is built right after it. So an
//     editor's atomic save (write temp, rename over) is one rebuild showing
//     the final content.
//   - Swapping: a successful build replaces the served site with one
//     atomic pointer store, and only then are browsers told to reload, so a
//     request sees the old site or the new one, never a mix. A CSS-only
//     change swaps stylesheets without a reload.
//   - Errors: a failed build keeps the last good site served, prints the
//     diagnostics to the terminal and shows them in an overlay on every
//     open page and on every HTML page served until a build succeeds; the
//     next good build reloads the tabs. Content, template and config errors
//     never stop the server; a panic inside a build or a handler is
//     recovered and reported.
//
// # HTTP
//
// The site is served under the path of the base URL (by default
// http://<bind>:<port>/, so local links work). Only GET and HEAD; only
// files of the last good build (generated files from memory, static files
// listed by that build, opened under static/ without following symlinks);
// "x/" serves "x/index.html", "x" redirects to "x/" when that exists;
// anything else is the site's 404.html with status 404. Paths with "." or
// ".." segments (however encoded), backslashes or NUL are answered 400,
// dotfiles 404; there are no directory listings. Responses carry a fixed
// Content-Type by extension (independent of the OS MIME registry),
// Cache-Control: no-store and an ETag from a SHA-256 of the bytes, through
// http.ServeContent (HEAD, Range, conditional requests). Requests whose
// Host is not the bound address, localhost, 127.0.0.1 or [::1] with the
// right port get 403 (DNS rebinding); on a wildcard bind any IP literal is
// accepted too. The live-reload stream (EventsPath, Server-Sent Events)
// refuses other origins; a client that does not keep up is dropped; the
// injected script reconnects with a backoff of 1 s doubling to 60 s and
// reloads when the build it shows is no longer current.
//
// # Failure
//
// Run returns an error only for problems that stop serving: the port is in
// use or cannot be bound, the site folder is missing. Ctrl-C (the context)
// shuts the server down within about two seconds, closing live-reload
// streams first.
package serve

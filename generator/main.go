// Command generator builds the dialogue briefings archive.
//
//	generator build [--source DIR] [--out DIR] [--base-url URL] [--drafts] [--strict] [--format F] [--stats]
//	generator check [same flags] [--external [--external-max-age 7d] [--external-cache FILE]]
//	generator new round|dialogue|participant|topic ...
//	generator help [contract]
//
// Diagnostics go to stderr as path:line:col: error|warning: message, sorted,
// with a summary line; --format json or github prints them to stdout for
// machines instead (format.go). Exit status: 0 success, 1 content errors, 2
// usage errors.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"briefings/generator/internal/build"
	"briefings/generator/internal/diag"
)

const usage = `generator builds the dialogue briefings archive.

Usage:
  generator build [flags]   build the site into the output folder (default <source>/public)
  generator check [flags]   validate, link and render in memory; write nothing
                            (--external also checks external links)
  generator new KIND ...    start a new round, dialogue, participant or topic file
  generator serve [flags]   preview: build in memory, serve, rebuild and reload on every save
  generator help            this text
  generator help contract   the editors' guide: every field and diagnostic code

Run "generator <command> --help" for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "build", "check":
		return buildCmd(args[0], args[1:], stdout, stderr)
	case "new":
		return newCmd(args[1:], stdout, stderr, time.Now)
	case "serve":
		return serveCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		return helpCmd(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "generator: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func buildCmd(name string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts build.Options
	fs.StringVar(&opts.Source, "source", ".", "site folder (holding config.yaml and content/)")
	if name == "build" {
		fs.StringVar(&opts.Out, "out", "", "output folder (default <source>/public)")
	}
	fs.StringVar(&opts.BaseURL, "base-url", "", "override config.yaml's base_url, e.g. https://example.org/briefings/")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include rounds marked draft: true")
	fs.BoolVar(&opts.Strict, "strict", false, "treat warnings as errors")
	format := addFormatFlag(fs)
	stats := fs.Bool("stats", false, "after the summary, print pages by type, time per stage and peak memory to stderr")
	var ext externalFlags
	if name == "check" {
		ext.register(fs)
	}
	fs.Usage = func() {
		what := "Build the site into the output folder."
		if name == "check" {
			what = "Validate, link and render the site in memory, writing nothing."
		}
		fmt.Fprintf(stderr, "Usage: generator %s [flags]\n\n%s\n\nFlags:\n", name, what)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "generator %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2
	}

	var res build.Result
	switch {
	case ext.enabled:
		lopts, err := ext.options()
		if err != nil {
			fmt.Fprintf(stderr, "generator %s: %v\n", name, err)
			return 2
		}
		res = checkExternal(context.Background(), opts, lopts)
	case name == "check":
		res = build.Check(opts)
	default:
		res = build.Build(opts)
	}
	code := report(name, res, diagPrinter{Format: *format, Prefix: githubPrefix(opts.Source)}, stdout, stderr)
	if *stats {
		peak, known := peakMemory()
		printStats(stderr, res.Stats, peak, known)
	}
	return code
}

// report prints a run's diagnostics in the chosen format and its summary
// line (always text, on stderr), and returns the exit status.
func report(name string, res build.Result, p diagPrinter, stdout, stderr io.Writer) int {
	p.printDiagnostics(stdout, stderr, res.Diagnostics)
	if res.Err != nil {
		fmt.Fprintf(stderr, "generator %s: %v\n", name, res.Err)
		if res.UsageErr {
			return 2
		}
		return 1
	}
	errs, warns := diag.Count(res.Diagnostics, false)
	if errs > 0 {
		fmt.Fprintln(stderr, diag.Summary(res.Diagnostics))
		return 1
	}
	verb := "built"
	if name == "check" {
		verb = "checked"
	}
	line := fmt.Sprintf("%s %d pages in %s", verb, res.Stats.Files, res.Stats.Duration.Round(time.Millisecond))
	if warns > 0 {
		line += fmt.Sprintf(" (%s)", diag.Summary(res.Diagnostics)[len("0 errors, "):])
	}
	fmt.Fprintln(stderr, line)
	return 0
}

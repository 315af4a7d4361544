package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"briefings/generator/internal/serve"
)

// serveCmd runs the dev server until Ctrl-C. Exit status: 0 after a clean
// shutdown, 1 when serving cannot start (port in use, no site folder),
// 2 for usage errors. Content errors never end it.
func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := serve.Options{Log: stderr}
	fs.StringVar(&opts.Source, "source", ".", "site folder (holding config.yaml and content/)")
	fs.IntVar(&opts.Port, "port", 1313, "port to listen on (0 picks a free one)")
	fs.StringVar(&opts.Bind, "bind", "127.0.0.1", "address to listen on; 0.0.0.0 exposes the preview to the network")
	fs.StringVar(&opts.BaseURL, "base-url", "", "base URL of the preview; its path is where the site is served (default http://<bind>:<port>/)")
	fs.BoolVar(&opts.Drafts, "drafts", false, "include rounds marked draft: true")
	fs.BoolVar(&opts.Poll, "poll", false, "poll for changes instead of using OS file events (network or container volumes)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: generator serve [flags]\n\nBuild the site in memory, serve it, rebuild on every change and reload open pages.\nNothing is written to disk.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "generator serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if opts.Port < 0 || opts.Port > 65535 {
		fmt.Fprintf(stderr, "generator serve: --port %d is out of range 0–65535\n", opts.Port)
		return 2
	}
	opts.Ready = func(url string) { fmt.Fprintln(stdout, url) }

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve.Run(ctx, opts); err != nil {
		fmt.Fprintf(stderr, "generator serve: %v\n", err)
		return 1
	}
	return 0
}

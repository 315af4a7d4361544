package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"
	"time"
)

// ShutdownTimeout bounds how long Run takes to stop once its context is
// done.
const ShutdownTimeout = 2 * time.Second

// Run builds the site, serves it and rebuilds on every change until ctx is
// done. It returns an error only when serving cannot start (see the
// package doc); content errors are shown, never returned.
func Run(ctx context.Context, opts Options) error {
	if opts.FS == nil {
		info, err := os.Stat(opts.Source)
		if err != nil {
			return fmt.Errorf("site folder %q: %w", opts.Source, errors.Unwrap(err))
		}
		if !info.IsDir() {
			return fmt.Errorf("site folder %q is not a folder", opts.Source)
		}
	}
	if opts.Bind == "" {
		opts.Bind = "127.0.0.1"
	}
	ln, err := listen(opts.Bind, opts.Port)
	if err != nil {
		return err
	}
	defer ln.Close()
	opts.Port = ln.Addr().(*net.TCPAddr).Port
	s, err := New(opts)
	if err != nil {
		return err
	}
	return s.serve(ctx, ln)
}

// serve runs the server on ln until ctx is done.
func (s *Server) serve(ctx context.Context, ln net.Listener) error {
	opts := s.opts
	if s.wildcard {
		fmt.Fprintf(opts.Log, "serve: warning: --bind %s makes this preview reachable from other machines on the network\n", opts.Bind)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	built := make(chan struct{})
	watched := make(chan error, 1)
	go func() { watched <- s.Watch(watchCtx, func() { close(built) }) }()
	select {
	case <-built:
	case err := <-watched:
		return err
	}

	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      time.Minute, // the event stream extends its own deadline
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    256 << 10,
	}
	srv.RegisterOnShutdown(s.hub.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(opts.Log, "serving %s (press Ctrl-C to stop)\n", s.URL())
	if opts.Ready != nil {
		opts.Ready(s.URL())
	}

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	case err = <-watched:
	}
	stopWatch()
	deadline, cancel := context.WithTimeout(context.Background(), ShutdownTimeout-200*time.Millisecond)
	defer cancel()
	s.hub.close()
	if srv.Shutdown(deadline) != nil {
		srv.Close()
	}
	select {
	case <-watched: // Watch waits for a build in flight, within ShutdownTimeout
	case <-deadline.Done():
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Watch watches the site folder (Options.Source; a site read from
// Options.FS is not watched), builds it once, calls built (when not nil),
// and then rebuilds on every change until ctx is done. It returns nil then,
// after waiting up to ShutdownTimeout for a build in flight, or an error
// when the folder cannot be watched at all.
func (s *Server) Watch(ctx context.Context, built func()) error {
	opts := s.opts
	// Watch before the first build, so nothing saved during it is lost.
	var changes <-chan Change
	if opts.FS == nil {
		w, err := NewWatcher(opts.Source, WatchOptions{Poll: opts.Poll, Interval: opts.PollInterval, Log: opts.Log, addWatch: opts.addWatch})
		if err != nil {
			return err
		}
		defer w.Close()
		s.watcher = w
		changes = w.Changes()
	}
	s.Rebuild(nil)
	if built != nil {
		built()
	}
	b := &batcher{quiet: opts.Quiet, maxWait: opts.MaxWait, fullAfter: opts.FullAfter, build: func(c []string) { s.Rebuild(c) }}
	b.run(ctx, changes)
	deadline, cancel := context.WithTimeout(context.Background(), ShutdownTimeout-300*time.Millisecond)
	defer cancel()
	b.wait(deadline) // a build in flight writes nothing; do not wait long
	return nil
}

// listen opens the port, with a clear message when it is taken.
func listen(bind string, port int) (net.Listener, error) {
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("port %d is out of range 0–65535", port)
	}
	addr := net.JoinHostPort(bind, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("port %d on %s is already in use (another `generator serve`?); choose another with --port", port, bind)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

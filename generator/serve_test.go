package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--no-such-flag"},
		{"serve", "--port", "70000"},
		{"serve", "extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-poll") {
		t.Errorf("serve --help: exit %d\n%s", code, stderr.String())
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"serve", "--source", dir, "--port", port}, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "already in use") {
		t.Errorf("message: %s", stderr.String())
	}
}

// TestServeCtrlC runs the command, fetches a page, sends SIGINT to the
// process and expects a clean exit with nothing written to public/.
func TestServeCtrlC(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, baseSite)
	pr, pw := io.Pipe()
	var stderr serveLog
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--source", dir, "--port", "0"}, pw, &stderr)
		pw.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case urls <- sc.Text():
			default:
			}
		}
	}()
	var url string
	select {
	case url = <-urls:
	case code := <-done:
		t.Fatalf("serve exited with %d before serving:\n%s", code, stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	res, err := http.Get(url + "dialogues/d/r1/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(body, []byte("First round")) {
		t.Errorf("GET: %s", res.Status)
	}
	// The signal handler is installed before the URL is printed.
	syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after Ctrl-C\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after Ctrl-C")
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, "*public*")); len(entries) > 0 {
		t.Errorf("serve wrote %v", entries)
	}
}

// serveLog is a goroutine-safe buffer for the server's stderr.
type serveLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *serveLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Command iofloor reads a corpus and writes a site-shaped tree of a given
// size, reporting the wall time: the I/O floor a generator is compared to.
//
//	go run ./generator/internal/bench/iofloor/cmd/iofloor -corpus /tmp/corpus -out /tmp/floor -files 30000 -bytes 500000000
package main

import (
	"flag"
	"fmt"
	"os"

	"briefings/generator/internal/bench/iofloor"
)

func main() {
	corpus := flag.String("corpus", "", "corpus folder to read")
	out := flag.String("out", "", "output folder (must be empty or not exist)")
	files := flag.Int("files", 0, "files to write")
	size := flag.Int64("bytes", 0, "total bytes to write")
	workers := flag.Int("workers", 0, "goroutines (0: GOMAXPROCS)")
	flag.Parse()
	if *corpus == "" || *out == "" || *files < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: iofloor -corpus DIR -out DIR -files F -bytes B [-workers N]")
		os.Exit(2)
	}
	r, err := iofloor.Run(os.DirFS(*corpus), *out, iofloor.Options{Files: *files, Bytes: *size, Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("read files=%d bytes=%d time=%s\n", r.ReadFiles, r.ReadBytes, r.Read)
	fmt.Printf("write files=%d bytes=%d dirs=%d time=%s\n", r.Files, r.Bytes, r.Dirs, r.Write)
	fmt.Printf("total wall=%s\n", r.Total)
}

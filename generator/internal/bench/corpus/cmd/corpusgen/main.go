// Command corpusgen writes a synthetic briefings corpus for benchmarks.
//
//	go run ./generator/internal/bench/corpus/cmd/corpusgen -rounds 10000 -seed 1 -out /tmp/corpus
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"briefings/generator/internal/bench/corpus"
)

func main() {
	rounds := flag.Int("rounds", 1000, "number of rounds")
	seed := flag.Int64("seed", 1, "random seed; the same seed gives the same tree")
	out := flag.String("out", "", "output folder (must be empty or not exist)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: corpusgen -rounds N -seed S -out DIR")
		os.Exit(2)
	}
	start := time.Now()
	st, err := corpus.Generate(*out, corpus.Options{Rounds: *rounds, Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("dialogues=%d rounds=%d participants=%d topics=%d profiles=%d files=%d bytes=%d elapsed=%s\n",
		st.Dialogues, st.Rounds, st.Participants, st.Topics, st.Profiles, st.Files, st.Bytes, time.Since(start).Round(time.Millisecond))
}

package main

import (
	"fmt"
	"io"

	"briefings"
)

// helpCmd prints the usage, or with "contract" the editors' guide
// (docs/editors.md, embedded in the binary: one source for the web and the
// terminal).
func helpCmd(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) == 1 && args[0] == "contract":
		io.WriteString(stdout, briefings.EditorsGuide)
		return 0
	case len(args) == 1 && args[0] == "new":
		fmt.Fprint(stdout, newUsage)
		return 0
	}
	fmt.Fprintf(stderr, "generator help: unknown topic %q (want contract, or nothing)\n", args[0])
	return 2
}

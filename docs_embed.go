package briefings

import _ "embed"

// EditorsGuide is docs/editors.md: the content contract, every field with
// examples, and every diagnostic code with how to fix it. `generator help
// contract` prints it, so the terminal and the web show one text.
//
//go:embed docs/editors.md
var EditorsGuide string

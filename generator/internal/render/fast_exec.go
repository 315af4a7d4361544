package render

// The fast executor: a second interpreter for the escaped templates of a
// page kind, which writes exactly the bytes html/template writes, at a
// fraction of the cost.
//
// Why: html/template escapes a template by appending escaper functions to
// the pipeline of every {{action}}, and text/template calls every function
// through reflect.Value.Call and looks every field up by name. At 10,000
// rounds that was 4.2 s of an 18.7 s build, most of it in those calls.
//
// Input: the parse trees html/template leaves after escaping a kind's set
// (Load escapes every set; see warmUp), including the trees it derives
// for templates called outside HTML text, such as "title" inside <title>.
// compileFast turns them into a small program, or returns an error naming
// the first construct it does not support; that kind is then always
// rendered by html/template. Supported: text, actions, if, with (and
// else-with), range over slices and arrays (with break and continue),
// template calls, variables, fields of structs, the literals, the
// built-in functions and, or, not, eq, ne, lt, le, gt, ge and len, and
// the escapers of fast_escape.go (which hands values other than plain
// strings and ints to html/template's own escapers). Not supported:
// methods, maps, other functions (print, printf, index, html, …) and the
// escapers for CSS, JavaScript strings and comments.
//
// Execution: run follows text/template's rules (truth, variable scopes,
// pointer indirection, the comparison of mixed integer kinds). Anything
// text/template would treat as an error, and anything outside the
// supported set that only shows at run time (a method, a nil pointer, a
// map), stops the run with errFastBail;
// Templates.Render then discards the partial output and renders the page
// with html/template, so errors, panics and their diagnostics are exactly
// html/template's. A page is thus either the fast executor's bytes, equal
// to html/template's (TestFastExecutorMatchesHTMLTemplate and its fuzz
// test), or html/template's own.

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/template/parse"
	"unsafe"
)

// errFastBail reports that the fast executor left a page to html/template.
var errFastBail = errors.New("render: fast executor bailed out")

// fastProgram is one page kind's escaped templates, compiled.
type fastProgram struct {
	entry *fastTemplate
}

// fastTemplate is one compiled template.
type fastTemplate struct {
	name string
	body []fastNode
}

// fastNode is one node of a compiled template.
type fastNode struct {
	op       fastOp
	text     []byte        // opText
	pipe     *fastPipe     // opAction, opIf, opWith, opRange, opTemplate
	chain    *escapeChain  // opAction: the pipeline's escapers (nil: a declaration)
	list     []fastNode    // opIf, opWith, opRange
	elseList []fastNode    // opIf, opWith, opRange
	callee   *fastTemplate // opTemplate
	declN    int           // opRange: number of declared variables
	assign   bool          // opRange: the variables are assigned (=), not declared
	declName [2]string     // opRange: the variables' names
}

type fastOp uint8

const (
	opText fastOp = iota + 1
	opAction
	opIf
	opWith
	opRange
	opTemplate
	opBreak
	opContinue
)

// fastPipe is a pipeline without its escapers.
type fastPipe struct {
	decl   []string // declared or assigned variables
	assign bool
	cmds   []fastCmd
}

// fastCmd is one command of a pipeline, or an argument of a function.
type fastCmd struct {
	op    cmdOp
	steps []*fieldStep  // cmdField, cmdVar: the field chain
	name  string        // cmdVar: the variable
	value reflect.Value // cmdConst
	pipe  *fastPipe     // cmdPipe
	fn    builtin       // cmdFunc
	args  []fastCmd     // cmdFunc
}

type cmdOp uint8

const (
	cmdField cmdOp = iota + 1
	cmdVar
	cmdDot
	cmdConst
	cmdPipe
	cmdFunc
)

type builtin uint8

const (
	fnAnd builtin = iota + 1
	fnOr
	fnNot
	fnEq
	fnNe
	fnLt
	fnLe
	fnGt
	fnGe
	fnLen
)

var builtinNames = map[string]builtin{
	"and": fnAnd, "or": fnOr, "not": fnNot, "eq": fnEq, "ne": fnNe,
	"lt": fnLt, "le": fnLe, "gt": fnGt, "ge": fnGe, "len": fnLen,
}

// fieldStep is one name of a field chain, with a cache of how the name
// resolves on the receiver type seen last (page views reach each step with
// one or two types, so one entry is enough).
type fieldStep struct {
	name  string
	cache atomic.Pointer[fieldLookup]
}

// fieldLookup is how a field name resolves on one struct type.
type fieldLookup struct {
	typ   reflect.Type // the struct type T
	index []int        // nil: not an exported field of T
	// Methods of that name on T and on *T: text/template calls them
	// instead (on *T when the receiver is addressable); the fast
	// executor bails.
	method, ptrMethod bool
}

// compileFast compiles the escaped template entry and every template it
// calls. lookup returns a template's escaped tree by name (nil when there
// is none).
func compileFast(entry string, lookup func(string) *parse.Tree, probes map[string]*escapeProbe) (*fastProgram, error) {
	c := fastCompiler{lookup: lookup, probes: probes, done: map[string]*fastTemplate{}, chains: map[string]*escapeChain{}}
	t, err := c.template(entry)
	if err != nil {
		return nil, err
	}
	return &fastProgram{entry: t}, nil
}

type fastCompiler struct {
	lookup func(string) *parse.Tree
	probes map[string]*escapeProbe // by chainKey
	done   map[string]*fastTemplate
	chains map[string]*escapeChain // by chainKey, shared by the actions
}

func (c *fastCompiler) template(name string) (*fastTemplate, error) {
	if t, ok := c.done[name]; ok {
		return t, nil
	}
	tree := c.lookup(name)
	if tree == nil || tree.Root == nil {
		return nil, fmt.Errorf("template %q not found", name)
	}
	t := &fastTemplate{name: name}
	c.done[name] = t // before the body: templates may recurse
	body, err := c.list(tree.Root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.body = body
	return t, nil
}

func (c *fastCompiler) list(l *parse.ListNode) ([]fastNode, error) {
	if l == nil {
		return nil, nil
	}
	var out []fastNode
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			if k := len(out); k > 0 && out[k-1].op == opText {
				out[k-1].text = append(out[k-1].text[:len(out[k-1].text):len(out[k-1].text)], n.Text...)
				continue
			}
			out = append(out, fastNode{op: opText, text: n.Text})
		case *parse.CommentNode:
		case *parse.ActionNode:
			node, err := c.action(n)
			if err != nil {
				return nil, err
			}
			out = append(out, node)
		case *parse.IfNode:
			node, err := c.branch(opIf, n.Pipe, n.List, n.ElseList)
			if err != nil {
				return nil, err
			}
			out = append(out, node)
		case *parse.WithNode:
			node, err := c.branch(opWith, n.Pipe, n.List, n.ElseList)
			if err != nil {
				return nil, err
			}
			out = append(out, node)
		case *parse.RangeNode:
			node, err := c.branch(opRange, n.Pipe, n.List, n.ElseList)
			if err != nil {
				return nil, err
			}
			if len(n.Pipe.Decl) > 2 {
				return nil, fmt.Errorf("range with %d variables", len(n.Pipe.Decl))
			}
			node.declN, node.assign = len(n.Pipe.Decl), n.Pipe.IsAssign
			for i, v := range n.Pipe.Decl {
				node.declName[i] = v.Ident[0]
			}
			out = append(out, node)
		case *parse.TemplateNode:
			callee, err := c.template(n.Name)
			if err != nil {
				return nil, err
			}
			p, err := c.pipe(n.Pipe)
			if err != nil {
				return nil, err
			}
			out = append(out, fastNode{op: opTemplate, pipe: p, callee: callee})
		case *parse.BreakNode:
			out = append(out, fastNode{op: opBreak})
		case *parse.ContinueNode:
			out = append(out, fastNode{op: opContinue})
		default:
			return nil, fmt.Errorf("unsupported node %s", n)
		}
	}
	return out, nil
}

func (c *fastCompiler) branch(op fastOp, pipe *parse.PipeNode, list, elseList *parse.ListNode) (fastNode, error) {
	p, err := c.pipe(pipe)
	if err != nil {
		return fastNode{}, err
	}
	if p == nil {
		return fastNode{}, errors.New("if, with or range without a pipeline")
	}
	l, err := c.list(list)
	if err != nil {
		return fastNode{}, err
	}
	el, err := c.list(elseList)
	if err != nil {
		return fastNode{}, err
	}
	return fastNode{op: op, pipe: p, list: l, elseList: el}, nil
}

// action compiles an {{action}}: a pipeline whose value is written, after
// html/template's escapers, or a variable declaration, which writes
// nothing.
func (c *fastCompiler) action(n *parse.ActionNode) (fastNode, error) {
	cmds := n.Pipe.Cmds
	var escs []fastEscaper
	var names []string
	for len(cmds) > 0 {
		last := cmds[len(cmds)-1]
		id, ok := last.Args[0].(*parse.IdentifierNode)
		if !ok || !strings.HasPrefix(id.Ident, "_html_template_") {
			break
		}
		e, ok := fastEscaperNames[id.Ident]
		if !ok {
			return fastNode{}, fmt.Errorf("escaper %s", id.Ident)
		}
		if len(last.Args) != 1 {
			return fastNode{}, fmt.Errorf("escaper %s with arguments", id.Ident)
		}
		escs = append([]fastEscaper{e}, escs...)
		names = append([]string{id.Ident}, names...)
		cmds = cmds[:len(cmds)-1]
	}
	if len(n.Pipe.Decl) == 0 && len(escs) == 0 {
		return fastNode{}, fmt.Errorf("action %s without an escaper", n)
	}
	if len(n.Pipe.Decl) > 0 && len(escs) > 0 {
		return fastNode{}, fmt.Errorf("declaration %s with an escaper", n)
	}
	if len(cmds) == 0 {
		return fastNode{}, fmt.Errorf("action %s has only escapers", n)
	}
	p, err := c.pipe(&parse.PipeNode{Decl: n.Pipe.Decl, IsAssign: n.Pipe.IsAssign, Cmds: cmds})
	if err != nil {
		return fastNode{}, err
	}
	if len(escs) == 0 {
		return fastNode{op: opAction, pipe: p}, nil
	}
	key := strings.Join(names, "|")
	chain := c.chains[key]
	if chain == nil {
		chain = &escapeChain{escapers: escs, probe: c.probes[key], plain: !slices.Contains(escs, escJSVal)}
		if !chain.plain && chain.probe == nil {
			return fastNode{}, fmt.Errorf("escapers %s", key)
		}
		c.chains[key] = chain
	}
	return fastNode{op: opAction, pipe: p, chain: chain}, nil
}

func (c *fastCompiler) pipe(p *parse.PipeNode) (*fastPipe, error) {
	if p == nil {
		return nil, nil
	}
	out := &fastPipe{assign: p.IsAssign}
	for _, v := range p.Decl {
		if len(v.Ident) != 1 {
			return nil, fmt.Errorf("declaration of %s", v)
		}
		out.decl = append(out.decl, v.Ident[0])
	}
	for i, cmd := range p.Cmds {
		fc, err := c.command(cmd, i > 0)
		if err != nil {
			return nil, err
		}
		out.cmds = append(out.cmds, fc)
	}
	if len(out.cmds) == 0 {
		return nil, errors.New("empty pipeline")
	}
	return out, nil
}

// command compiles one command; final reports whether the previous
// command's value is passed to it as its last argument.
func (c *fastCompiler) command(cmd *parse.CommandNode, final bool) (fastCmd, error) {
	if id, ok := cmd.Args[0].(*parse.IdentifierNode); ok {
		fn, ok := builtinNames[id.Ident]
		if !ok {
			return fastCmd{}, fmt.Errorf("function %s", id.Ident)
		}
		out := fastCmd{op: cmdFunc, fn: fn}
		for _, a := range cmd.Args[1:] {
			arg, err := c.operand(a)
			if err != nil {
				return fastCmd{}, err
			}
			out.args = append(out.args, arg)
		}
		n := len(out.args)
		if final {
			n++
		}
		if !builtinArity(fn, n) {
			return fastCmd{}, fmt.Errorf("%s with %d arguments", id.Ident, n)
		}
		return out, nil
	}
	// Not a function: text/template refuses arguments and a final value
	// (or calls a method, which the fast executor does not).
	if len(cmd.Args) != 1 || final {
		return fastCmd{}, fmt.Errorf("arguments to %s", cmd.Args[0])
	}
	return c.operand(cmd.Args[0])
}

func builtinArity(fn builtin, n int) bool {
	switch fn {
	case fnAnd, fnOr:
		return n >= 1
	case fnEq:
		return n >= 2
	case fnNot, fnLen:
		return n == 1
	}
	return n == 2
}

// operand compiles a value: a field chain, a variable, dot, a literal or
// a parenthesized pipeline.
func (c *fastCompiler) operand(n parse.Node) (fastCmd, error) {
	switch n := n.(type) {
	case *parse.FieldNode:
		return fastCmd{op: cmdField, steps: steps(n.Ident)}, nil
	case *parse.VariableNode:
		return fastCmd{op: cmdVar, name: n.Ident[0], steps: steps(n.Ident[1:])}, nil
	case *parse.DotNode:
		return fastCmd{op: cmdDot}, nil
	case *parse.StringNode:
		return fastCmd{op: cmdConst, value: reflect.ValueOf(n.Text)}, nil
	case *parse.BoolNode:
		return fastCmd{op: cmdConst, value: reflect.ValueOf(n.True)}, nil
	case *parse.NumberNode:
		// text/template's idealConstant, for the ints and floats.
		switch {
		case n.IsComplex:
		case n.IsFloat && !isHexInt(n.Text) && !isRuneInt(n.Text) && strings.ContainsAny(n.Text, ".eEpP"):
			return fastCmd{op: cmdConst, value: reflect.ValueOf(n.Float64)}, nil
		case n.IsInt:
			if v := int(n.Int64); int64(v) == n.Int64 {
				return fastCmd{op: cmdConst, value: reflect.ValueOf(v)}, nil
			}
		}
		return fastCmd{}, fmt.Errorf("number %s", n.Text)
	case *parse.PipeNode:
		p, err := c.pipe(n)
		if err != nil {
			return fastCmd{}, err
		}
		return fastCmd{op: cmdPipe, pipe: p}, nil
	}
	return fastCmd{}, fmt.Errorf("operand %s", n)
}

func steps(names []string) []*fieldStep {
	out := make([]*fieldStep, len(names))
	for i, n := range names {
		out[i] = &fieldStep{name: n}
	}
	return out
}

func isRuneInt(s string) bool { return len(s) > 0 && s[0] == '\'' }

func isHexInt(s string) bool {
	return len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strings.ContainsAny(s, "pP")
}

// maxFastDepth bounds template recursion; deeper pages are left to
// html/template, which reports its own limit.
const maxFastDepth = 1000

// fastState is one execution.
type fastState struct {
	buf   *bytes.Buffer
	vars  []fastVar
	base  int // vars[base] is $ of the running template
	depth int
}

type fastVar struct {
	name  string
	value reflect.Value
}

// bail stops the run; Templates.Render then uses html/template.
func bail() { panic(errFastBail) }

// run executes the program with data, writing to buf. It returns
// errFastBail when the page must be rendered by html/template instead;
// buf then holds partial output.
func (p *fastProgram) run(buf *bytes.Buffer, data any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// A bail, or a panic inside reflect (a nil embedded pointer, …)
			// or a view: html/template reproduces and reports it.
			err = errFastBail
		}
	}()
	dot := reflect.ValueOf(data)
	s := fastState{buf: buf, vars: make([]fastVar, 1, 16)}
	s.vars[0] = fastVar{"$", dot}
	s.walk(dot, p.entry.body)
	return nil
}

// control is how a list ended: normally, or at {{break}} or {{continue}}.
type control uint8

const (
	ctlNone control = iota
	ctlBreak
	ctlContinue
)

func (s *fastState) walk(dot reflect.Value, nodes []fastNode) control {
	for i := range nodes {
		n := &nodes[i]
		switch n.op {
		case opText:
			s.buf.Write(n.text)
		case opAction:
			if n.chain == nil {
				s.pipe(dot, n.pipe) // a declaration: the variables persist
				continue
			}
			s.print(s.pipe(dot, n.pipe), n.chain)
		case opIf, opWith:
			mark := len(s.vars)
			val := s.pipe(dot, n.pipe)
			truth, ok := isTrue(indirectInterface(val))
			if !ok {
				bail()
			}
			var ctl control
			switch {
			case truth && n.op == opWith:
				ctl = s.walk(val, n.list)
			case truth:
				ctl = s.walk(dot, n.list)
			case n.elseList != nil:
				ctl = s.walk(dot, n.elseList)
			}
			s.vars = s.vars[:mark]
			if ctl != ctlNone {
				return ctl
			}
		case opRange:
			s.rangeNode(dot, n)
		case opTemplate:
			s.call(dot, n)
		case opBreak:
			return ctlBreak
		case opContinue:
			return ctlContinue
		}
	}
	return ctlNone
}

// print writes v through the action's escapers: plain strings and ints
// (and trusted HTML in HTML text, which the escaper leaves alone) here,
// anything else through the chain's probe.
func (s *fastState) print(v reflect.Value, c *escapeChain) {
	if c.plain {
		switch {
		case !v.IsValid():
			c.writePlain(s.buf, "") // html/template skips an untyped nil
			return
		case !v.CanInterface():
			bail() // reflect.Value.Call refuses it: an error
		case v.Type() == stringType:
			c.writePlain(s.buf, v.String())
			return
		case v.Type() == intType:
			c.writePlain(s.buf, strconv.FormatInt(v.Int(), 10))
			return
		case v.Type() == trustedHTMLType && len(c.escapers) == 1 && c.escapers[0] == escHTML:
			s.buf.WriteString(v.String())
			return
		}
	}
	if c.probe == nil {
		bail()
	}
	var data any
	if v.IsValid() {
		if !v.CanInterface() {
			bail()
		}
		data = v.Interface()
	}
	if !c.probe.write(s.buf, data) {
		bail()
	}
}

var (
	stringType      = reflect.TypeFor[string]()
	intType         = reflect.TypeFor[int]()
	trustedHTMLType = reflect.TypeFor[template.HTML]()
)

func (s *fastState) rangeNode(dot reflect.Value, n *fastNode) {
	outer := len(s.vars)
	val, _ := indirect(s.pipe(dot, n.pipe))
	mark := len(s.vars)
	switch val.Kind() {
	case reflect.Array, reflect.Slice:
		if val.Len() == 0 {
			break
		}
		for i := 0; i < val.Len(); i++ {
			elem := val.Index(i)
			switch {
			case n.declN == 0:
			case n.assign && n.declN == 2:
				s.setVar(n.declName[0], reflect.ValueOf(i))
				s.setVar(n.declName[1], elem)
			case n.assign:
				s.setVar(n.declName[0], elem)
			case n.declN == 2:
				s.vars[len(s.vars)-1].value = elem
				s.vars[len(s.vars)-2].value = reflect.ValueOf(i)
			default:
				s.vars[len(s.vars)-1].value = elem
			}
			ctl := s.walk(elem, n.list)
			s.vars = s.vars[:mark]
			if ctl == ctlBreak {
				break
			}
		}
		s.vars = s.vars[:outer]
		return
	case reflect.Invalid:
		// Like an empty list.
	default:
		bail() // maps, channels, functions, integers, or an error
	}
	if n.elseList != nil {
		// {{break}} and {{continue}} in the else branch belong to an
		// enclosing range: text/template lets them through.
		if ctl := s.walk(dot, n.elseList); ctl != ctlNone {
			bail()
		}
	}
	s.vars = s.vars[:outer]
}

func (s *fastState) call(dot reflect.Value, n *fastNode) {
	if s.depth >= maxFastDepth {
		bail()
	}
	if n.pipe != nil {
		dot = s.pipe(dot, n.pipe) // its variables persist in the caller
	} else {
		dot = reflect.Value{}
	}
	outerBase, top := s.base, len(s.vars)
	s.vars = append(s.vars, fastVar{"$", dot})
	s.base = top
	s.depth++
	s.walk(dot, n.callee.body)
	s.depth--
	s.base = outerBase
	s.vars = s.vars[:top]
}

// pipe evaluates a pipeline (without its escapers) and declares or assigns
// its variables.
func (s *fastState) pipe(dot reflect.Value, p *fastPipe) reflect.Value {
	var value reflect.Value
	for i := range p.cmds {
		value = s.command(dot, &p.cmds[i], value, i > 0)
		// An interface{} value is replaced by what it holds.
		if value.Kind() == reflect.Interface && value.Type().NumMethod() == 0 {
			if value.IsNil() {
				value = reflect.Value{}
			} else {
				value = value.Elem()
			}
		}
	}
	for _, name := range p.decl {
		if p.assign {
			s.setVar(name, value)
		} else {
			s.vars = append(s.vars, fastVar{name, value})
		}
	}
	return value
}

func (s *fastState) setVar(name string, v reflect.Value) {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			s.vars[i].value = v
			return
		}
	}
	bail()
}

func (s *fastState) varValue(name string) reflect.Value {
	for i := len(s.vars) - 1; i >= s.base; i-- {
		if s.vars[i].name == name {
			return s.vars[i].value
		}
	}
	bail()
	return reflect.Value{}
}

// command evaluates one command; final is the previous command's value
// when hasFinal.
func (s *fastState) command(dot reflect.Value, c *fastCmd, final reflect.Value, hasFinal bool) reflect.Value {
	switch c.op {
	case cmdField:
		return fieldChain(dot, c.steps)
	case cmdVar:
		return fieldChain(s.varValue(c.name), c.steps)
	case cmdDot:
		return dot
	case cmdConst:
		return c.value
	case cmdPipe:
		return s.pipe(dot, c.pipe)
	case cmdFunc:
		return s.function(dot, c, final, hasFinal)
	}
	bail()
	return reflect.Value{}
}

// arg evaluates the i-th argument of a function, or its final value; a
// function's arguments must be valid values (text/template: "invalid
// value; expected reflect.Value").
func (s *fastState) arg(dot reflect.Value, c *fastCmd, i int, final reflect.Value) reflect.Value {
	var v reflect.Value
	if i < len(c.args) {
		v = s.command(dot, &c.args[i], reflect.Value{}, false)
	} else {
		v = final
	}
	if !v.IsValid() {
		bail()
	}
	return v
}

func (s *fastState) function(dot reflect.Value, c *fastCmd, final reflect.Value, hasFinal bool) reflect.Value {
	n := len(c.args)
	if hasFinal {
		n++
	}
	switch c.fn {
	case fnAnd, fnOr:
		var v reflect.Value
		for i := range n {
			v = s.arg(dot, c, i, final)
			if truth(v) == (c.fn == fnOr) {
				return v
			}
		}
		return v
	case fnNot:
		return reflect.ValueOf(!truth(s.arg(dot, c, 0, final)))
	case fnLen:
		item, isNil := indirect(s.arg(dot, c, 0, final))
		if isNil {
			bail()
		}
		switch item.Kind() {
		case reflect.Array, reflect.Chan, reflect.Map, reflect.Slice, reflect.String:
			return reflect.ValueOf(item.Len())
		}
		bail()
	case fnEq:
		// Every argument is evaluated before the comparisons, as for
		// any function call.
		var small [4]reflect.Value
		args := small[:0]
		for i := range n {
			args = append(args, s.arg(dot, c, i, final))
		}
		for _, b := range args[1:] {
			if eq(args[0], b) {
				return reflect.ValueOf(true)
			}
		}
		return reflect.ValueOf(false)
	case fnNe:
		return reflect.ValueOf(!eq(s.arg(dot, c, 0, final), s.arg(dot, c, 1, final)))
	case fnLt, fnLe, fnGt, fnGe:
		a, b := s.arg(dot, c, 0, final), s.arg(dot, c, 1, final)
		var r bool
		switch c.fn {
		case fnLt:
			r = lt(a, b)
		case fnLe:
			r = lt(a, b) || eq(a, b)
		case fnGt:
			r = !(lt(a, b) || eq(a, b))
		case fnGe:
			r = !lt(a, b)
		}
		return reflect.ValueOf(r)
	}
	bail()
	return reflect.Value{}
}

// basic kinds, as text/template's comparisons classify values.
type basic uint8

const (
	basicInvalid basic = iota
	basicBool
	basicInt
	basicUint
	basicFloat
	basicString
)

func basicKind(v reflect.Value) basic {
	switch v.Kind() {
	case reflect.Bool:
		return basicBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return basicInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return basicUint
	case reflect.Float32, reflect.Float64:
		return basicFloat
	case reflect.String:
		return basicString
	}
	return basicInvalid
}

// eq is text/template's eq for two values of basic kinds; anything else
// (an error there, or a comparison of other kinds) bails.
func eq(a, b reflect.Value) bool {
	a, b = indirectInterface(a), indirectInterface(b)
	ka, kb := basicKind(a), basicKind(b)
	if ka == basicInvalid || kb == basicInvalid {
		bail()
	}
	if ka != kb {
		switch {
		case ka == basicInt && kb == basicUint:
			return a.Int() >= 0 && uint64(a.Int()) == b.Uint()
		case ka == basicUint && kb == basicInt:
			return b.Int() >= 0 && a.Uint() == uint64(b.Int())
		}
		bail()
	}
	switch ka {
	case basicBool:
		return a.Bool() == b.Bool()
	case basicFloat:
		return a.Float() == b.Float()
	case basicInt:
		return a.Int() == b.Int()
	case basicString:
		return a.String() == b.String()
	case basicUint:
		return a.Uint() == b.Uint()
	}
	bail()
	return false
}

// lt is text/template's lt; errors bail.
func lt(a, b reflect.Value) bool {
	a, b = indirectInterface(a), indirectInterface(b)
	ka, kb := basicKind(a), basicKind(b)
	if ka == basicInvalid || kb == basicInvalid {
		bail()
	}
	if ka != kb {
		switch {
		case ka == basicInt && kb == basicUint:
			return a.Int() < 0 || uint64(a.Int()) < b.Uint()
		case ka == basicUint && kb == basicInt:
			return b.Int() >= 0 && a.Uint() < uint64(b.Int())
		}
		bail()
	}
	switch ka {
	case basicFloat:
		return a.Float() < b.Float()
	case basicInt:
		return a.Int() < b.Int()
	case basicString:
		return a.String() < b.String()
	case basicUint:
		return a.Uint() < b.Uint()
	}
	bail() // bool
	return false
}

// fieldChain evaluates .A.B.C from receiver, as text/template's
// evalFieldChain does for fields; methods, maps and errors bail.
func fieldChain(receiver reflect.Value, steps []*fieldStep) reflect.Value {
	for _, st := range steps {
		receiver = st.eval(receiver)
	}
	return receiver
}

func (st *fieldStep) eval(receiver reflect.Value) reflect.Value {
	if !receiver.IsValid() {
		return reflect.Value{} // text/template: the zero value, no error
	}
	receiver, isNil := indirect(receiver)
	if isNil || receiver.Kind() != reflect.Struct {
		bail() // a nil pointer or interface, a map, or no fields at all
	}
	typ := receiver.Type()
	l := st.cache.Load()
	if l == nil || l.typ != typ {
		l = lookupField(typ, st.name)
		st.cache.Store(l)
	}
	if l.index == nil || l.method || (l.ptrMethod && receiver.CanAddr()) {
		bail()
	}
	if len(l.index) == 1 {
		return receiver.Field(l.index[0])
	}
	v, err := receiver.FieldByIndexErr(l.index)
	if err != nil {
		bail() // a nil embedded pointer
	}
	return v
}

// lookupField resolves name on the struct type typ as text/template
// does: a method of that name first (of *T when the receiver is
// addressable), else an exported field.
func lookupField(typ reflect.Type, name string) *fieldLookup {
	l := &fieldLookup{typ: typ}
	_, l.method = typ.MethodByName(name)
	_, l.ptrMethod = reflect.PointerTo(typ).MethodByName(name)
	if f, ok := typ.FieldByName(name); ok && f.IsExported() {
		l.index = f.Index
	}
	return l
}

// indirect is text/template's: the value at the end of pointers and
// interfaces, and whether it is nil.
func indirect(v reflect.Value) (rv reflect.Value, isNil bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

// indirectInterface returns the concrete value in an interface value, or
// else the zero reflect.Value.
func indirectInterface(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Interface {
		return v
	}
	if v.IsNil() {
		return reflect.Value{}
	}
	return v.Elem()
}

// isTrue is text/template's truth of a value; ok is false for a value that
// has none.
func isTrue(val reflect.Value) (truth, ok bool) {
	if !val.IsValid() {
		return false, true
	}
	switch val.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		truth = val.Len() > 0
	case reflect.Bool:
		truth = val.Bool()
	case reflect.Complex64, reflect.Complex128:
		truth = val.Complex() != 0
	case reflect.Chan, reflect.Func, reflect.Pointer, reflect.UnsafePointer, reflect.Interface:
		truth = !val.IsNil()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		truth = val.Int() != 0
	case reflect.Float32, reflect.Float64:
		truth = val.Float() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		truth = val.Uint() != 0
	case reflect.Struct:
		truth = true
	default:
		return
	}
	return truth, true
}

func truth(v reflect.Value) bool {
	t, _ := isTrue(indirectInterface(v))
	return t
}

// escapedTrees returns a lookup of the escaped parse trees of an escaped
// html/template set by template name, including the trees html/template
// derives for templates called outside HTML text (for "title" inside
// <title>, "title$htmltemplate_stateRCDATA_elementTitle"). html/template
// keeps those only in the text/template it wraps and executes, which it
// does not export; the lookup reaches it through html/template's
// unexported field "text" and calls its Lookup by reflection (the
// generator never imports text/template: it only reads the parse trees).
// Should a future Go change that field, the lookup finds no trees, and
// every page is rendered by html/template
// (TestFastExecutorCoversDefaultLayouts fails to say so).
func escapedTrees(set *template.Template) func(string) *parse.Tree {
	none := func(string) *parse.Tree { return nil }
	f := reflect.ValueOf(set).Elem().FieldByName("text")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem().PkgPath() != "text/template" || f.IsNil() {
		return none
	}
	text := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem() // readable
	lookup := text.MethodByName("Lookup")
	if !lookup.IsValid() || lookup.Type() != reflect.FuncOf([]reflect.Type{stringType}, []reflect.Type{f.Type()}, false) {
		return none
	}
	treeType := reflect.TypeFor[*parse.Tree]()
	return func(name string) *parse.Tree {
		t := lookup.Call([]reflect.Value{reflect.ValueOf(name)})[0]
		if t.IsNil() {
			return nil
		}
		tree := t.Elem().FieldByName("Tree")
		if !tree.IsValid() || tree.Type() != treeType || !tree.CanInterface() {
			return nil
		}
		return tree.Interface().(*parse.Tree)
	}
}

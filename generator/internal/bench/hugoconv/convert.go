package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"briefings/generator/internal/slug"
	"gopkg.in/yaml.v3"
)

type profile struct {
	Name        string   `yaml:"name,omitempty"`
	Title       string   `yaml:"title,omitempty"`
	Aliases     []string `yaml:"aliases,omitempty"`
	Affiliation string   `yaml:"affiliation,omitempty"`
	Country     string   `yaml:"country,omitempty"`
}

type hugoTerm struct {
	Title       string   `yaml:"title"`
	OtherNames  []string `yaml:"other_names,omitempty"`
	Affiliation string   `yaml:"affiliation,omitempty"`
	Country     string   `yaml:"country,omitempty"`
}

type sideMeeting struct {
	With []string `yaml:"with"`
	Note string   `yaml:"note,omitempty"`
}

type source struct {
	Title     string `yaml:"title"`
	Publisher string `yaml:"publisher,omitempty"`
	URL       string `yaml:"url"`
	Date      string `yaml:"date,omitempty"`
}

type round struct {
	Title        string        `yaml:"title"`
	Date         string        `yaml:"date"`
	Round        int           `yaml:"round"`
	Location     string        `yaml:"location"`
	Summary      string        `yaml:"summary"`
	Participants []yaml.Node   `yaml:"participants"`
	Topics       []string      `yaml:"topics"`
	Outcomes     []string      `yaml:"outcomes"`
	SideMeetings []sideMeeting `yaml:"side_meetings"`
	NextRound    string        `yaml:"next_round"`
	Sources      []source      `yaml:"sources"`
	Draft        bool          `yaml:"draft"`
}

type delegate struct {
	Name       string `yaml:"name"`
	Role       string `yaml:"role,omitempty"`
	Delegation string `yaml:"delegation,omitempty"`
	Lead       bool   `yaml:"lead,omitempty"`
}

type hugoRound struct {
	Title        string        `yaml:"title"`
	Date         string        `yaml:"date"`
	Weight       int           `yaml:"weight"`
	Draft        bool          `yaml:"draft,omitempty"`
	Participants []string      `yaml:"participants"`
	Topics       []string      `yaml:"topics"`
	Round        int           `yaml:"round"`
	Location     string        `yaml:"location,omitempty"`
	Summary      string        `yaml:"summary,omitempty"`
	Delegates    []delegate    `yaml:"delegates"`
	Outcomes     []string      `yaml:"outcomes,omitempty"`
	SideMeetings []sideMeeting `yaml:"side_meetings,omitempty"`
	NextRound    string        `yaml:"next_round,omitempty"`
	Sources      []source      `yaml:"sources,omitempty"`
}

// names resolves references (name, alias, slug; any case) to the canonical
// name of a profile.
type names map[string]string

func (n names) add(canon string, aliases []string) {
	n[slug.Key(canon)] = canon
	n["slug:"+slug.Make(canon)] = canon
	for _, a := range aliases {
		n[slug.Key(a)] = canon
	}
}

func (n names) resolve(ref string) string {
	if c, ok := n[slug.Key(ref)]; ok {
		return c
	}
	if c, ok := n["slug:"+ref]; ok {
		return c
	}
	return ref
}

func (n names) id(id string) string {
	if c, ok := n["slug:"+id]; ok {
		return c
	}
	return id
}

func split(name string, data []byte) (fm, body []byte, err error) {
	rest, ok := bytes.CutPrefix(data, []byte("---\n"))
	if !ok {
		return nil, nil, fmt.Errorf("%s: no front matter", name)
	}
	fm, body, ok = bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return nil, nil, fmt.Errorf("%s: front matter not closed", name)
	}
	return fm, body, nil
}

// convert writes the Hugo content for corpus into out and returns the
// number of files written.
func convert(corpus fs.FS, out string) (int, error) {
	if ents, err := os.ReadDir(out); err == nil && len(ents) > 0 {
		return 0, fmt.Errorf("hugoconv: %s is not empty", out)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("hugoconv: %w", err)
	}
	written := 0
	put := func(rel string, data []byte) error {
		p := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		written++
		return os.WriteFile(p, data, 0o644)
	}
	people, topics := names{}, names{}
	// Profiles first: rounds are resolved against them.
	for _, kind := range []string{"participants", "topics"} {
		ents, err := fs.ReadDir(corpus, "content/"+kind)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return written, fmt.Errorf("hugoconv: %w", err)
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			name := "content/" + kind + "/" + e.Name()
			data, err := fs.ReadFile(corpus, name)
			if err != nil {
				return written, fmt.Errorf("hugoconv: %w", err)
			}
			fm, body, err := split(name, data)
			if err != nil {
				return written, fmt.Errorf("hugoconv: %w", err)
			}
			var p profile
			if err := yaml.Unmarshal(fm, &p); err != nil {
				return written, fmt.Errorf("hugoconv: %s: %w", name, err)
			}
			canon := p.Name
			if kind == "topics" {
				canon = p.Title
				topics.add(canon, p.Aliases)
			} else {
				people.add(canon, p.Aliases)
			}
			t := hugoTerm{Title: canon, OtherNames: p.Aliases, Affiliation: p.Affiliation, Country: p.Country}
			if err := put("content/"+kind+"/"+slug.Make(canon)+"/_index.md", page(t, body)); err != nil {
				return written, fmt.Errorf("hugoconv: %w", err)
			}
		}
	}
	if err := put("content/archive.md", []byte("---\ntitle: Archive\nlayout: archive\n---\n")); err != nil {
		return written, fmt.Errorf("hugoconv: %w", err)
	}
	err := fs.WalkDir(corpus, "content", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dir, base := path.Split(name)
		switch {
		case strings.HasPrefix(name, "content/participants/"), strings.HasPrefix(name, "content/topics/"):
			return nil
		case !strings.HasPrefix(name, "content/dialogues/") || base == "_index.md":
			data, err := fs.ReadFile(corpus, name)
			if err != nil {
				return err
			}
			return put(name, data)
		}
		data, err := fs.ReadFile(corpus, name)
		if err != nil {
			return err
		}
		fm, body, err := split(name, data)
		if err != nil {
			return err
		}
		var r round
		if err := yaml.Unmarshal(fm, &r); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		h := hugoRound{
			Title: r.Title, Date: r.Date, Weight: r.Round, Draft: r.Draft, Round: r.Round,
			Location: r.Location, Summary: r.Summary, Outcomes: r.Outcomes, NextRound: r.NextRound, Sources: r.Sources,
		}
		for _, n := range r.Participants {
			var d delegate
			switch n.Kind {
			case yaml.ScalarNode:
				d.Name = people.resolve(n.Value)
			case yaml.MappingNode:
				var m struct {
					Name, ID, Role, Delegation string
					Lead                       bool
				}
				if err := n.Decode(&m); err != nil {
					return fmt.Errorf("%s:%d: %w", name, n.Line, err)
				}
				d = delegate{Name: people.resolve(m.Name), Role: m.Role, Delegation: m.Delegation, Lead: m.Lead}
				if m.Name == "" {
					d.Name = people.id(m.ID)
				}
			default:
				return fmt.Errorf("%s:%d: participant is neither a name nor a mapping", name, n.Line)
			}
			h.Delegates = append(h.Delegates, d)
			h.Participants = append(h.Participants, d.Name)
		}
		for _, t := range r.Topics {
			h.Topics = append(h.Topics, topics.resolve(t))
		}
		for _, s := range r.SideMeetings {
			m := sideMeeting{Note: s.Note}
			for _, w := range s.With {
				m.With = append(m.With, people.resolve(w))
			}
			h.SideMeetings = append(h.SideMeetings, m)
		}
		return put(dir+base, page(h, body))
	})
	if err != nil {
		return written, fmt.Errorf("hugoconv: %w", err)
	}
	return written, nil
}

func page(fm any, body []byte) []byte {
	y, err := yaml.Marshal(fm)
	if err != nil {
		panic(err) // only plain structs of strings, ints and bools are marshalled
	}
	var b bytes.Buffer
	b.Grow(len(y) + len(body) + 8)
	b.WriteString("---\n")
	b.Write(y)
	b.WriteString("---\n")
	b.Write(body)
	return b.Bytes()
}

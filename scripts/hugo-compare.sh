#!/usr/bin/env bash
# hugo-compare.sh: build a generated briefings corpus with Hugo and time it,
# then measure the I/O floor for Hugo's output size.
#
#   scripts/hugo-compare.sh [ROUNDS]        (default 10000; SEED=1, WORK=<temp dir>)
#
# CORPUS=<dir> converts an existing corpus instead of generating one, and
# PREPARE_ONLY=1 stops once the Hugo site is written to $WORK/hugo (the
# benchmark command, go run ./generator/internal/bench, uses both and times
# hugo itself, side by side with the generator).
#
# Needs hugo (Debian: apt-get install -y hugo, 0.111.x) and GNU time at
# /usr/bin/time. Installing Debian's hugo also installs Go 1.19 as
# /usr/bin/go, so this script puts /usr/local/go/bin first on PATH.
# No Hugo files are kept in the repository: the site config and templates
# are written here, into the work folder.
set -euo pipefail

ROUNDS=${1:-10000}
SEED=${SEED:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/hugo-compare.XXXXXX)}
export PATH=/usr/local/go/bin:$PATH

command -v hugo >/dev/null || { echo "hugo not found: apt-get update && apt-get install -y hugo" >&2; exit 1; }
[ -n "${PREPARE_ONLY:-}" ] || [ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 1; }
case "$(go version)" in
*go1.26*) ;;
*) echo "warning: $(command -v go) is $(go version); the module wants go1.26" >&2 ;;
esac

echo "work folder: $WORK"
mkdir -p "$WORK/bin"
(cd "$ROOT" && go build -o "$WORK/bin/" \
	./generator/internal/bench/corpus/cmd/corpusgen \
	./generator/internal/bench/hugoconv \
	./generator/internal/bench/iofloor/cmd/iofloor)

rm -rf "$WORK/hugo" "$WORK/public" "$WORK/floor" "$WORK/hugocache"
if [ -n "${CORPUS:-}" ]; then
	CORPUS=$(cd "$CORPUS" && pwd)
else
	CORPUS=$WORK/corpus
	rm -rf "$CORPUS"
	"$WORK/bin/corpusgen" -rounds "$ROUNDS" -seed "$SEED" -out "$CORPUS"
fi
"$WORK/bin/hugoconv" -in "$CORPUS" -out "$WORK/hugo"

S=$WORK/hugo
BASE_URL=$(sed -n 's/^base_url: *//p' "$CORPUS/config.yaml")
TITLE=$(sed -n 's/^title: *//p' "$CORPUS/config.yaml")
cat >"$S/hugo.toml" <<EOF
baseURL = "$BASE_URL"
title = "$TITLE"
languageCode = "en"
enableRobotsTXT = false
disableKinds = []

[taxonomies]
  participant = "participants"
  topic = "topics"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
  page = ["HTML"]

[services.rss]
  limit = 50

[markup.highlight]
  codeFences = true
  noClasses = false
  guessSyntax = false

[markup.goldmark.renderer]
  unsafe = false
EOF

mkdir -p "$S/layouts/_default" "$S/layouts/dialogues"
cat >"$S/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<nav><a href="{{ "" | relURL }}">Home</a> <a href="{{ "dialogues/" | relURL }}">Dialogues</a> <a href="{{ "participants/" | relURL }}">Participants</a> <a href="{{ "topics/" | relURL }}">Topics</a> <a href="{{ "archive/" | relURL }}">Archive</a></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
EOF
cat >"$S/layouts/index.html" <<'EOF'
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>Latest rounds</h2>
<ul>{{ range first 20 (where site.RegularPages "Section" "dialogues").ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .CurrentSection.Title }}, <time>{{ .Date.Format "2 January 2006" }}</time></li>{{ end }}</ul>
<h2>Dialogues</h2>
<ul>{{ with site.GetPage "/dialogues" }}{{ range .Sections }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPages }} rounds)</li>{{ end }}{{ end }}</ul>
{{ end }}
EOF
cat >"$S/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}
EOF
cat >"$S/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF
cat >"$S/layouts/_default/archive.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range (where site.RegularPages "Section" "dialogues").GroupByDate "2006" }}
<h2>{{ .Key }}</h2>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .CurrentSection.Title }}, <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>
{{ end }}{{ end }}
EOF
cat >"$S/layouts/_default/taxonomy.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}
EOF
cat >"$S/layouts/_default/term.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Params.other_names }}<p>Also: {{ delimit . ", " }}</p>{{ end }}
{{ with .Params.affiliation }}<p>{{ . }}{{ with $.Params.country }}, {{ . }}{{ end }}</p>{{ end }}
{{ .Content }}
<h2>Rounds</h2>
<ul>{{ range .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .CurrentSection.Title }}, <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>{{ end }}
EOF
cat >"$S/layouts/dialogues/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ with .Params.parties }}<p>Parties: {{ delimit . ", " }}</p>{{ end }}
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .Sections }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPages }} rounds)</li>{{ end }}</ul>{{ end }}
{{ with .RegularPages }}<ol>{{ range .ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>, round {{ .Params.round }}, <time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ol>{{ end }}
{{ end }}
EOF
cat >"$S/layouts/dialogues/single.html" <<'EOF'
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a> · round {{ .Params.round }} · <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.location }} · {{ . }}{{ end }}</p>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
<h2>Participants</h2>
<ul>{{ range .Params.delegates }}<li><a href="{{ printf "participants/%s/" (urlize .name) | relURL }}">{{ .name }}</a>{{ with .role }}, {{ . }}{{ end }}{{ with .delegation }} ({{ . }}){{ end }}{{ if .lead }}, head of delegation{{ end }}</li>{{ end }}</ul>
<h2>Topics</h2>
<ul>{{ range .GetTerms "topics" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ with .Params.outcomes }}<h2>Outcomes</h2><ul>{{ range . }}<li>{{ . | markdownify }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.side_meetings }}<h2>Side meetings</h2><ul>{{ range . }}<li>With {{ delimit .with ", " }}{{ with .note }}: {{ . }}{{ end }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ with .Params.next_round }}<p>Next round: {{ . }}</p>{{ end }}
{{ with .Params.sources }}<h2>Sources</h2><ul>{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a>{{ with .publisher }}, {{ . }}{{ end }}{{ with .date }}, {{ . }}{{ end }}</li>{{ end }}</ul>{{ end }}
<nav>{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</article>{{ end }}
EOF

if [ -n "${PREPARE_ONLY:-}" ]; then
	echo "hugo site ready: $S"
	exit 0
fi

echo "hugo $(hugo version | awk '{print $2}') building $ROUNDS rounds…"
/usr/bin/time -v -o "$WORK/hugo-time.txt" \
	hugo --quiet --source "$S" --destination "$WORK/public" --cacheDir "$WORK/hugocache" >"$WORK/hugo-log.txt" 2>&1 ||
	{ cat "$WORK/hugo-log.txt" >&2; exit 1; }
[ -s "$WORK/hugo-log.txt" ] && head -20 "$WORK/hugo-log.txt"

WALL=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/hugo-time.txt")
RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/hugo-time.txt")
FILES=$(find "$WORK/public" -type f | wc -l)
BYTES=$(find "$WORK/public" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
HTML=$(find "$WORK/public" -type f -name '*.html' | wc -l)
USER_S=$(sed -n 's/.*User time (seconds): //p' "$WORK/hugo-time.txt")
SYS_S=$(sed -n 's/.*System time (seconds): //p' "$WORK/hugo-time.txt")
CPU=$(sed -n 's/.*Percent of CPU this job got: //p' "$WORK/hugo-time.txt")

echo "== hugo: wall $WALL, peak RSS $((RSS_KB / 1024)) MiB ($RSS_KB KB), output $FILES files ($HTML html), $BYTES bytes"
echo "== hugo: cpu user ${USER_S}s sys ${SYS_S}s ($CPU of one core); load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== I/O floor for $FILES files, $BYTES bytes:"
"$WORK/bin/iofloor" -corpus "$CORPUS" -out "$WORK/floor" -files "$FILES" -bytes "$BYTES"

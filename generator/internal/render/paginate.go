package render

import (
	"fmt"

	"briefings/generator/internal/link"
)

// Long lists (a topic's or a participant's rounds, the archive, the list of
// dialogues) are split into pages of PerPage items, so that no page grows
// with the archive: at 10,000 rounds the largest page stays far below
// 200 KB of HTML. Page 1 keeps the list's canonical URL; page n > 1 is
// <url>page/<n>/. A list that fits on one page has no page/ URLs at all.
// Lists are newest first (dialogues: by title), so a page's URL is stable
// while its contents move down as rounds are added, as in any archive.

// PerPage is how many rounds (or dialogues) one page of a long list shows.
const PerPage = 100

// pagedList is a list that may span pages: its URL and its length.
type pagedList struct {
	rel   string
	items int
}

// pagedLists are every list that is paginated, for pageURLs and the sitemap.
func pagedLists(a *link.Archive) []pagedList {
	ls := []pagedList{{"dialogues/", len(a.Dialogues)}, {"archive/", len(a.Rounds)}}
	for _, e := range a.Participants {
		ls = append(ls, pagedList{e.URL(), len(e.Rounds)})
	}
	for _, e := range a.Topics {
		ls = append(ls, pagedList{e.URL(), len(e.Rounds)})
	}
	return ls
}

// pageCount is the number of pages n items need (at least 1).
func pageCount(n int) int {
	if n <= PerPage {
		return 1
	}
	return (n + PerPage - 1) / PerPage
}

// pageRel is the site-relative URL of page n of the list at rel.
func pageRel(rel string, n int) string {
	if n <= 1 {
		return rel
	}
	return fmt.Sprintf("%spage/%d/", rel, n)
}

// pageOf returns the items of page n (1-based).
func pageOf[T any](items []T, n int) []T {
	lo := min((n-1)*PerPage, len(items))
	hi := min(lo+PerPage, len(items))
	return items[lo:hi]
}

// pagedTitle is the title of page n: the list's title, and from page 2 on
// which page it is, so every page has a title of its own.
func pagedTitle(title string, n, total int) string {
	if n <= 1 {
		return title
	}
	return fmt.Sprintf("%s, page %d of %d", title, n, total)
}

// pagination builds the navigation of page n of total pages of the list
// at rel. label names the navigation landmark ("Pages of the archive").
// It links the first and last pages and up to two on each side of the
// current one; GapBefore marks where numbers are left out.
func (r *renderer) pagination(rel string, n, total int, label string) Pagination {
	p := Pagination{Page: n, Total: total, Label: label, Later: n > 1}
	if total <= 1 {
		return p
	}
	if n > 1 {
		p.Prev = r.u.path(pageRel(rel, n-1))
	}
	if n < total {
		p.Next = r.u.path(pageRel(rel, n+1))
	}
	last := 0
	for i := 1; i <= total; i++ {
		if i != 1 && i != total && (i < n-2 || i > n+2) {
			continue
		}
		p.Pages = append(p.Pages, PageLink{Number: i, URL: r.u.path(pageRel(rel, i)), Current: i == n, GapBefore: last != 0 && i != last+1})
		last = i
	}
	return p
}

// paged adjusts the Page of page n > 1 of a list: its own title and
// canonical URL, and a breadcrumb trail ending "… › <list> › Page n of m"
// whose second-to-last crumb leads back to page 1.
func (r *renderer) paged(p Page, rel, title string, n, total int) Page {
	if n <= 1 {
		return p
	}
	if k := len(p.Breadcrumbs); k > 0 {
		p.Breadcrumbs[k-1] = Crumb{Title: title, URL: r.u.path(rel)}
		p.Breadcrumbs = append(p.Breadcrumbs, Crumb{Title: fmt.Sprintf("Page %d of %d", n, total)})
	}
	return p
}

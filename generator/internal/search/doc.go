// Package search builds the static, sharded full-text index behind /search/
// and evaluates queries against it exactly as layouts/assets/search.js does.
//
// Input: a []Doc, one per published round, in any order (Build sorts them
// by Date, then Key, so document numbers ascend with time). Each Doc carries
// the text of its fields (title, people, topics, dialogue, location,
// summary, body), its facet values (dialogue, participant, delegation,
// topic, as stable keys) and what a result shows (title, URL, date, dialogue
// title, snippet). A Builder takes the same documents one at a time, from
// any number of goroutines, and keeps only a few hundred bytes of each, so
// a caller never needs the text of every round at once.
//
// Output: Files, a sorted list of site-relative paths under search/ and
// their bytes:
//
//	search/index.json      the manifest: document count, shard counts,
//	                       the first document of each year, the stop
//	                       words, the ranking constants
//	search/t/<hex>.json    term shards: {"term": "<postings>", …}; a term
//	                       lives in shard FNV-1a(term) mod Shards
//	search/d/<n>.json      result shards: documents n*PerShard …, each
//	                       [title, url, date, dialogue title, snippet]
//
// A term is a token (see Tokens) or a facet term "<kind>:<key>" with kind
// d (dialogue), p (participant), g (delegation) or t (topic); ":" never
// occurs in a token. Postings are (document-number delta, weight) pairs,
// each number written as a base-64 VLQ (see encodeVLQ): a dense list costs
// two bytes per document. The weight (1–31) is the document's BM25F term
// saturation, quantised; a query's score is Σ idf(term) × weight, where
// idf comes from the list's length, so nothing depends on the query being
// known at build time. A date range is a range of document numbers (the
// manifest's year table), so it costs no fetch.
//
// A query (see Search) fetches index.json, one term shard per distinct
// token and facet (often fewer: tokens share shards), and one result shard
// per distinct shard among the results on the page shown: a typical query
// reads 3–6 small files. Shard counts grow with the archive (ShardCounts)
// so shards stay small; at 10,000 rounds the search output is about 2,000
// files.
//
// Tokens is the one definition of a token; search.js implements the same
// steps and a test runs both over the same strings. Build never fails: it
// has no I/O and every input is valid.
package search

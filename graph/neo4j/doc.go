// Package neo4j is a graph.Store kept in Neo4j 5 (Community or Enterprise), reached over
// Bolt with the official Go driver.
//
// The graph model is meant to read naturally in Neo4j Browser:
//
//	(:Entity:Person {id, kind, name, aliases, description, country, role, search})
//	    labels per kind: Person, Government, Agency, Outlet, Group
//	(:Article {id, title, url, published, authors})
//	(:Entity:Outlet)-[:PUBLISHED]->(:Article)
//	(:Entity)-[:WARNED {id, negated, date, dateStart, dateEnd, dateText, summary, quantity,
//	                    sourceCount, about, evidenceArticles, evidenceExcerpts}]->(:Entity)
//
// Each Dossier relationship is one Neo4j relationship whose type is the relation type, so
// neighbourhoods and paths are plain graph walks. A relationship without a To points at its
// own (:Unnamed) node, which has no id: walks can end there but never pass through, and
// reads report To as "". About is a list of entity ids; evidence is two parallel lists
// (article ids and excerpts) in evidence order. dateStart and dateEnd are the first and
// last day of the partial date (YYYY-MM-DD), which the interval filters compare. Empty
// strings and lists are not stored. "search" holds the folded name and aliases for the
// full-text index.
//
// Schema (created by Migrate, idempotent): unique ids on Entity and Article nodes and per
// relationship type (ids are also checked across types by the writers, since Neo4j has no
// constraint spanning types), an index on Entity.kind and on each type's dateStart, and a
// full-text index "entity_search" over Entity.search with the whitespace analyzer, and one,
// "rel_evidence", over the relationships' evidenceArticles, which answers the relationships of
// an article.
// SearchEntities takes candidates from entity_search and ranks them with graph.MatchScore, so results
// equal the embedded store's.
//
// Every statement is parameterised. Labels and relationship types cannot be parameters:
// those written into statements come only from fixed tables (kindLabels) or from
// graph.RelationTypes, checked. Reads run in managed read transactions and writes in one
// managed write transaction per call (Apply included), so the driver retries transient
// failures and a failed call changes nothing. Finding relationships by About scans
// relationships, since Neo4j does not index list elements; only deletes, merges, article
// moves and ListArticles by entity do that.
package neo4j

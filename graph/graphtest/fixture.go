package graphtest

import "github.com/dossiergraph/dossier/graph"

// The fixture is a small story modelled on the seed: the United States warned Mexico about
// Russian intelligence officers under diplomatic cover and asked it to expel them; Mexico
// denied the request and did not expel anyone.
const (
	usGov      = "us-government"
	mexicoGov  = "mexico-government"
	russiaGov  = "russia-government"
	amlo       = "andres-manuel-lopez-obrador"
	ebrard     = "marcelo-ebrard"
	sherwood   = "liz-sherwood-randall"
	gru        = "gru"
	diplomats  = "russian-diplomats"
	nyt        = "new-york-times"
	elPais     = "el-pais"
	reuters    = "reuters"
	nyt1       = "nyt-2022-03-warning"
	nyt2       = "nyt-2022-05-accusation"
	pais1      = "el-pais-2022-03-spies"
	reuters1   = "reuters-2022-04-refusal"
	reuters2   = "reuters-2022-04-followup"
	rWarned    = "r-warned"
	rRequested = "r-requested"
	rDenied    = "r-denied"
	rExpelled  = "r-expelled"
	rAccused   = "r-accused"
	rLeads     = "r-leads"
	rEbrard    = "r-ebrard-member"
	rGRU       = "r-gru-member"
	rDiplomats = "r-diplomats-member"
	rBriefing  = "r-briefing" // no counterpart named
)

// Fixture returns the story as a batch. Every call returns fresh slices.
func Fixture() graph.Batch {
	return graph.Batch{
		Entities: []graph.Entity{
			{ID: usGov, Kind: graph.Government, Name: "United States Government", Aliases: []string{"United States", "US", "Washington"}, Country: "US"},
			{ID: mexicoGov, Kind: graph.Government, Name: "Gobierno de México", Aliases: []string{"Mexico", "Mexican government"}, Country: "MX"},
			{ID: russiaGov, Kind: graph.Government, Name: "Russian Government", Aliases: []string{"Russia", "Kremlin"}, Country: "RU"},
			{ID: amlo, Kind: graph.Person, Name: "Andrés Manuel López Obrador", Aliases: []string{"AMLO", "López Obrador"}, Country: "MX", Role: "President of Mexico (2018–2024)"},
			{ID: ebrard, Kind: graph.Person, Name: "Marcelo Ebrard", Country: "MX", Role: "Foreign minister (2018–2023)"},
			{ID: sherwood, Kind: graph.Person, Name: "Liz Sherwood-Randall", Country: "US", Role: "Homeland security adviser"},
			{ID: gru, Kind: graph.Agency, Name: "GRU", Aliases: []string{"Main Intelligence Directorate"}, Country: "RU", Description: "Russian military intelligence"},
			{ID: diplomats, Kind: graph.Group, Name: "Russian diplomats in Mexico", Description: "Staff of the Russian embassy, some said to be intelligence officers"},
			{ID: nyt, Kind: graph.Outlet, Name: "The New York Times", Aliases: []string{"NYT"}},
			{ID: elPais, Kind: graph.Outlet, Name: "El País"},
			{ID: reuters, Kind: graph.Outlet, Name: "Reuters"},
		},
		Articles: []graph.Article{
			{ID: nyt1, Title: "U.S. warned Mexico about Russian spies", Outlet: nyt, URL: "https://example.com/nyt1", Published: "2022-03-17", Authors: []string{"A. Reporter"}},
			{ID: nyt2, Title: "Mexican president accuses Washington", Outlet: nyt, Published: "2022-05"},
			{ID: pais1, Title: "Los espías rusos en México", Outlet: elPais, Published: "2022-03-20"},
			{ID: reuters1, Title: "Mexico rejects U.S. request", Outlet: reuters, Published: "2022-04-02"},
			{ID: reuters2, Title: "Mexico will not expel Russians", Outlet: reuters, Published: "2022-04-09"},
		},
		Relationships: []graph.Relationship{
			{ID: rWarned, Type: graph.Warned, From: usGov, To: mexicoGov, About: []string{gru}, Date: "2022-03", DateText: "March 2022",
				Summary:  "US officials warned Mexico that GRU officers worked under diplomatic cover",
				Evidence: []graph.Evidence{{Article: nyt1, Excerpt: "reports the warning"}, {Article: pais1}}},
			{ID: rRequested, Type: graph.Requested, From: usGov, To: mexicoGov, About: []string{diplomats}, Date: "2022-03-01",
				Summary: "asked Mexico to expel suspected officers", Evidence: []graph.Evidence{{Article: nyt1}}},
			{ID: rDenied, Type: graph.Denied, From: mexicoGov, To: usGov, About: []string{diplomats}, Date: "2022-04",
				Evidence: []graph.Evidence{{Article: reuters1}, {Article: reuters2}}},
			{ID: rExpelled, Type: graph.Expelled, From: mexicoGov, To: diplomats, Negated: true, Date: "2022-04", Quantity: "more than 40",
				Evidence: []graph.Evidence{{Article: pais1}, {Article: reuters2}}},
			{ID: rAccused, Type: graph.Accused, From: amlo, To: usGov, Date: "2022-05-02", Evidence: []graph.Evidence{{Article: nyt2}}},
			{ID: rLeads, Type: graph.Leads, From: amlo, To: mexicoGov},
			{ID: rEbrard, Type: graph.MemberOf, From: ebrard, To: mexicoGov, Date: "2018-12"},
			{ID: rGRU, Type: graph.MemberOf, From: gru, To: russiaGov, Date: "2020"},
			{ID: rDiplomats, Type: graph.MemberOf, From: diplomats, To: russiaGov},
			{ID: rBriefing, Type: graph.Warned, From: sherwood, About: []string{gru}, Date: "2022-03-10", Evidence: []graph.Evidence{{Article: nyt2}}},
		},
	}
}

// fixtureSources is the source count each fixture relationship must get: distinct outlets,
// so two Reuters articles count once.
var fixtureSources = map[string]int{
	rWarned: 2, rRequested: 1, rDenied: 1, rExpelled: 2, rAccused: 1,
	rLeads: 0, rEbrard: 0, rGRU: 0, rDiplomats: 0, rBriefing: 1,
}

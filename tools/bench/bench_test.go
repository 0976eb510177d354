package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestFloorServesCapturedBytes(t *testing.T) {
	body := requestBody(dossierQ1, map[string]any{"id": "mexico"})
	answer := `{"data":{"entity":{"id":"mexico","name":"Mexico","relationships":{"edges":[]}}}}`
	srv := httptest.NewServer(floorHandler(map[string][]byte{body: []byte(answer)}))
	defer srv.Close()
	c := newClient(1)
	got, err := post(t.Context(), c, srv.URL+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != answer {
		t.Errorf("floor answered %s, want the captured %s", got, answer)
	}
	if _, err := post(t.Context(), c, srv.URL+"/graphql", requestBody(dossierQ1, map[string]any{"id": "russia"})); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("an unknown body got %v, want a 404", err)
	}
}

func TestAnswersCompareAcrossAPIs(t *testing.T) {
	dossier := []byte(`{"data":{"entity":{"id":"mx","name":"Mexico","relationships":{"edges":[
		{"node":{"sourceCount":2,"summary":null,"to":{"name":"Russia"},"type":"DENIED"}},
		{"node":{"sourceCount":1,"summary":"s","to":null,"type":"WARNED"}}]}}}}`)
	same := []byte(`{"data":{"entities":[{"id":"mx","name":"Mexico","outgoing":[
		{"type":"DENIED","summary":null,"sourceCount":2,"to":{"name":"Russia"}},
		{"type":"WARNED","summary":"s","sourceCount":1,"to":null}]}]}}`)
	other := []byte(`{"data":{"entities":[{"id":"mx","name":"Mexico","outgoing":[
		{"type":"DENIED","summary":null,"sourceCount":2,"to":{"name":"Russia"}},
		{"type":"WARNED","summary":"s","sourceCount":2,"to":null}]}]}}`)
	a, err := parseDossierQ1(dossier)
	if err != nil {
		t.Fatal(err)
	}
	b, err := parseNeo4jGraphQLQ1(same)
	if err != nil {
		t.Fatal(err)
	}
	if d := firstDifference(a.Acts, b.Acts); d != "" || len(a.Acts) != 2 {
		t.Errorf("equal answers compare as different (%d acts): %s", len(a.Acts), d)
	}
	c, err := parseNeo4jGraphQLQ1(other)
	if err != nil {
		t.Fatal(err)
	}
	if d := firstDifference(a.Acts, c.Acts); !strings.HasPrefix(d, "item 1:") {
		t.Errorf("a different sourceCount was reported as %q, want a difference at item 1", d)
	}
	if _, err := parseNeo4jGraphQLQ1([]byte(`{"data":{"entities":[]}}`)); err == nil {
		t.Error("an answer without the entity parsed")
	}
}

func TestHammerCountsAnswersAndFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.Write([]byte(`{"errors":[{"message":"no"}]}`))
			return
		}
		w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ok := hammer(ctx, newClient(4), srv.URL+"/", []string{"{}"}, 4, 200*time.Millisecond)
	if ok.requests == 0 || ok.errors != 0 || ok.p50 <= 0 || ok.p99 < ok.p50 || ok.rate() <= 0 {
		t.Errorf("good answers: %+v", ok)
	}
	bad := hammer(ctx, newClient(2), srv.URL+"/bad", []string{"{}"}, 2, 100*time.Millisecond)
	if bad.requests != 0 || bad.errors == 0 || !strings.Contains(bad.firstErr, "GraphQL errors") {
		t.Errorf("GraphQL errors were not counted as failures: %+v", bad)
	}
}

// askEach reads every system's answer with the parser for its schema and keeps only the
// embedded store's raw answer.
func TestAskEachParsesEverySystem(t *testing.T) {
	dossier := `{"data":{"entity":{"id":"mx","name":"Mexico","relationships":{"edges":[]}}}}`
	neo4jGraphQL := `{"data":{"entities":[{"id":"mx","name":"Mexico","outgoing":[]}]}}`
	w := workload{ids: []string{"mx"}, bodies: map[string]map[string][]string{}}
	procs := map[string]*process{}
	for _, sys := range []string{sysEmbedded, sysDossierNeo4j, sysNeo4jGraphQL} {
		answer := dossier
		if sys == sysNeo4jGraphQL {
			answer = neo4jGraphQL
		}
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			rw.Write([]byte(answer))
		}))
		defer srv.Close()
		procs[sys] = &process{url: srv.URL}
		w.bodies[sys] = map[string][]string{"Q1": {`{"query":"` + sys + `"}`}}
	}
	kept := map[string]string{}
	got, err := askEach(t.Context(), newClient(1), w, procs, "Q1", 0, "id mx", parseDossierQ1, parseNeo4jGraphQLQ1,
		func(body string, answer []byte) { kept[body] = string(answer) })
	if err != nil {
		t.Fatal(err)
	}
	for j, a := range got {
		if a.ID != "mx" || a.Name != "Mexico" {
			t.Errorf("answer %d = %+v, want mx Mexico", j, a)
		}
	}
	if len(kept) != 1 || kept[w.bodies[sysEmbedded]["Q1"][0]] != dossier {
		t.Errorf("kept %v, want only the embedded store's answer", kept)
	}
	procs[sysNeo4jGraphQL].url = "http://127.0.0.1:1"
	if _, err := askEach(t.Context(), newClient(1), w, procs, "Q1", 0, "id mx", parseDossierQ1, parseNeo4jGraphQLQ1,
		func(string, []byte) {}); err == nil || !strings.Contains(err.Error(), "check Q1 on "+sysNeo4jGraphQL+", id mx") {
		t.Errorf("an unreachable system gave %v, want an error naming it and the sample", err)
	}
}

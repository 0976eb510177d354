package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// FuzzGraphQLHandler sends any body (POST, with any Content-Type) or any query string
// (GET) to /graphql without a token: the answer is always a JSON object in the server's
// error shape or with data, never a 5xx, and the store never changes.
func FuzzGraphQLHandler(f *testing.F) {
	store, h := fixtureHandler(f)
	before, err := store.Stats(f.Context())
	if err != nil {
		f.Fatal(err)
	}
	allowed := []int{http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusMethodNotAllowed,
		http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusServiceUnavailable}
	f.Fuzz(func(t *testing.T, get bool, contentType string, body []byte) {
		var req *http.Request
		if get {
			req = httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/graphql", nil)
			req.URL.RawQuery = string(body)
		} else {
			req = httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !slices.Contains(allowed, w.Code) {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var answer struct {
			Data   *json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil {
			t.Fatalf("answer is not a JSON object: %v: %s", err, w.Body)
		}
		if w.Code != http.StatusOK && len(answer.Errors) == 0 {
			t.Fatalf("status %d without errors: %s", w.Code, w.Body)
		}
		for _, e := range answer.Errors {
			if e.Message == "" || e.Extensions["code"] == nil || e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("error without message or code, or internal: %s", w.Body)
			}
		}
		after, err := store.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if after.Entities != before.Entities || after.Relationships != before.Relationships || after.Articles != before.Articles {
			t.Fatalf("the store changed: %+v, was %+v", after, before)
		}
	})
}

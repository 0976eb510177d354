package main

import (
	"strings"
	"testing"
)

// TestServeRefusesBadLimits checks that serve's limits and timeouts, from flags or the
// environment, are refused with a message naming them before anything starts.
func TestServeRefusesBadLimits(t *testing.T) {
	data := t.TempDir()
	for _, c := range []struct {
		env, value string
		args       []string
		want       string
	}{
		{args: []string{"--max-selections", "0"}, want: "--max-selections"},
		{args: []string{"--max-response", "-1"}, want: "--max-response"},
		{args: []string{"--request-timeout", "0s"}, want: "--request-timeout"},
		{env: "DOSSIER_MAX_ALIASES", value: "many", want: "DOSSIER_MAX_ALIASES"},
		{env: "DOSSIER_REQUEST_TIMEOUT", value: "10", want: "DOSSIER_REQUEST_TIMEOUT"},
		{env: "DOSSIER_MAX_SAME_NAME", value: "0", want: "--max-same-name"},
	} {
		if c.env != "" {
			t.Setenv(c.env, c.value)
		}
		args := append([]string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, c.args...)
		_, _, err := run(t, args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s %v: error %v, want one naming %s", c.env, c.value, c.args, err, c.want)
		}
		if c.env != "" {
			t.Setenv(c.env, "")
		}
	}
}

package main

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"
)

// result is one cell of the table: a system answering one question at one client count.
type result struct {
	requests int
	errors   int
	elapsed  time.Duration
	p50, p99 time.Duration
	firstErr string
}

func (r result) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// newClient returns a keep-alive client with one connection per load client.
func newClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        clients,
			MaxIdleConnsPerHost: clients,
			MaxConnsPerHost:     clients,
			DisableCompression:  true,
			IdleConnTimeout:     time.Minute,
		},
	}
}

// hammer sends bodies to url from clients concurrent loops for d, each loop starting at its
// own place in bodies and taking them in turn, and measures every answer. An answer counts
// only when it is a 200 without GraphQL errors.
func hammer(ctx context.Context, c *http.Client, url string, bodies []string, clients int, d time.Duration) result {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		latencies []time.Duration
		res       result
	)
	start := time.Now()
	deadline := start.Add(d)
	for w := range clients {
		wg.Go(func() {
			var mine []time.Duration
			var errs int
			var firstErr string
			for i := w * len(bodies) / clients; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				t := time.Now()
				_, err := post(ctx, c, url, bodies[i%len(bodies)])
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = len(latencies)
	if len(latencies) > 0 {
		slices.Sort(latencies)
		res.p50 = latencies[len(latencies)*50/100]
		res.p99 = latencies[min(len(latencies)-1, len(latencies)*99/100)]
	}
	return res
}

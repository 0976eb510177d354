package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"
)

// maxFloorBody bounds what the floor reads of a request; the benchmark's bodies are far smaller.
const maxFloorBody = 64 << 10

// floor serves the answers captured from Dossier: POST /graphql with a body seen at capture
// time gets the bytes Dossier answered, anything else 404. It is the least a gin handler can do
// per request (read the body, look it up, write the bytes), the ceiling for Dossier's HTTP layer.
func floor(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	answersFile := fs.String("answers", "", "JSON file: request body → answer body")
	addr := fs.String("addr", "127.0.0.1:0", "listen address (127.0.0.1 only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loopbackOnly(*addr); err != nil {
		return err
	}
	raw, err := os.ReadFile(*answersFile)
	if err != nil {
		return fmt.Errorf("floor: read answers: %w", err)
	}
	var captured map[string]string
	if err := json.Unmarshal(raw, &captured); err != nil {
		return fmt.Errorf("floor: parse answers %s: %w", *answersFile, err)
	}
	answers := make(map[string][]byte, len(captured))
	for req, ans := range captured {
		answers[req] = []byte(ans)
	}

	gin.SetMode(gin.ReleaseMode) // no per-request debug output: the floor does the least it can
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("floor: listen: %w", err)
	}
	srv := &http.Server{Handler: floorHandler(answers), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	fmt.Printf("listening http://%s/\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("floor: serve: %w", err)
	}
	return nil
}

// floorHandler answers POST /graphql with the captured answer to its exact body, or 404.
func floorHandler(answers map[string][]byte) http.Handler {
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.POST("/graphql", func(c *gin.Context) {
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxFloorBody))
		if err != nil {
			c.Status(http.StatusBadRequest)
			return
		}
		ans, ok := answers[string(body)]
		if !ok {
			c.Status(http.StatusNotFound)
			return
		}
		c.Data(http.StatusOK, "application/json; charset=utf-8", ans)
	})
	return r
}

// loopbackOnly refuses listen addresses other than 127.0.0.1: the benchmark stays on the machine.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		return fmt.Errorf("address %q: want 127.0.0.1:PORT", addr)
	}
	return nil
}

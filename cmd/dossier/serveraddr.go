package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"

	"github.com/dossiergraph/dossier/server"
)

// serverAddressFile, in the data directory, holds the URL of the server that has the
// embedded store open, so that a command finding the store locked can say where the server
// is and how to reach it.
const serverAddressFile = "server-address"

// serveRecordingAddress runs serve (srv's serving loop) until ctx ends and, while it serves
// the embedded store in dataDir, keeps srv's URL in dataDir/server-address.
func serveRecordingAddress(ctx context.Context, srv *server.Server, serve func(context.Context) error, dataDir string, log *slog.Logger) error {
	path := filepath.Join(dataDir, serverAddressFile)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-srv.Ready():
		case <-stop:
			return
		}
		if err := renameio.WriteFile(path, []byte(serverURL(srv.Addr())+"\n"), 0o644); err != nil {
			log.Warn("could not record the server address", "file", path, "err", err)
		}
	})
	err := serve(ctx)
	close(stop)
	wg.Wait()
	if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
		log.Warn("could not remove the server address file", "file", path, "err", rmErr)
	}
	return err
}

// serverURL turns a listen address into a URL a client on this machine can use: a wildcard
// host (":8080", "0.0.0.0:8080", "[::]:8080") is reached on the loopback address.
func serverURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// runningServer returns the URL recorded by the server that has the store in dataDir open,
// or "" when none is recorded.
func runningServer(dataDir string) string {
	data, err := os.ReadFile(filepath.Join(dataDir, serverAddressFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// lockedError explains a locked embedded store: which server holds it and how to work
// beside it. A recorded server that does not answer is left by one that crashed; the lock
// then belongs to some other process.
func lockedError(ctx context.Context, dataDir string, err error) error {
	url := runningServer(dataDir)
	if url == "" || !serverAnswers(ctx, url) {
		return fmt.Errorf("%w (stop the other dossier process, or, if it is a server, pass --server with its URL to ingest, export, extract, import or dump)", err)
	}
	return fmt.Errorf("the store in %s is locked by the dossier server running at %s: pass --server %s to ingest, export, extract, import or dump (they then go through its API), or stop the server first: %w",
		dataDir, url, url, err)
}

// serverAnswers reports whether a Dossier server answers its health check at url.
func serverAnswers(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusServiceUnavailable
}

// Command bench measures Dossier side by side with @neo4j/graphql on the same Neo4j and with
// a floor (a plain gin handler answering pre-captured bytes). scripts/bench builds and runs it;
// see README.md, "Benchmarks".
//
//	bench run   loads one synthetic graph (graph/synth) into an embedded store and into Neo4j,
//	            starts the four systems on 127.0.0.1, checks that they give the same answers on
//	            a sample of ids, then times Q1 and Q2 at each client count and prints the table
//	bench floor serves the captured answers (run by bench run, as its own process)
//
// Q1 is an entity with its first 50 outgoing relationships (type, summary, sourceCount, the
// other end's name); Q2 is a page of 20 entities (id, name, kind).
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench run [flags] | bench floor --answers FILE --addr 127.0.0.1:PORT")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(ctx, log, os.Args[2:])
	case "floor":
		err = floor(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want run or floor", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

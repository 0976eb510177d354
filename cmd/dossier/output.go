package main

import (
	"io"

	"github.com/dossiergraph/dossier/server/atomicfile"
)

// writeOutput lets fn write the command's output: to stdout when path is "" or "-", else to
// path atomically, so that a failure half-way leaves no empty or partial file and keeps an
// older one intact.
func (a *app) writeOutput(path string, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fn(a.stdout)
	}
	return atomicfile.Write(path, 0o644, fn)
}

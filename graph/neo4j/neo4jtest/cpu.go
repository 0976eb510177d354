package neo4jtest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// CPUMeter measures the CPU time a benchmark's loop costs this process and, when
// DOSSIER_NEO4J_PID names it, the Neo4j server's process (scripts/neo4j-test-server keeps
// its pid in .neo4j-test/pid). On a shared machine, CPU time per operation varies far less
// with the other load than wall time does, and on a saturated machine it is what bounds
// throughput.
type CPUMeter struct {
	pid           int
	client, serve time.Duration
}

// StartCPU starts a meter.
func StartCPU(b *testing.B) *CPUMeter {
	b.Helper()
	m := &CPUMeter{}
	if v := os.Getenv("DOSSIER_NEO4J_PID"); v != "" {
		pid, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("DOSSIER_NEO4J_PID=%q: %v", v, err)
		}
		m.pid = pid
	}
	m.client, m.serve = m.read(b)
	return m
}

// Report adds the CPU time per operation since StartCPU to b's metrics.
func (m *CPUMeter) Report(b *testing.B) {
	b.Helper()
	client, serve := m.read(b)
	n := float64(b.N)
	b.ReportMetric(float64((client-m.client).Microseconds())/n, "client-cpu-µs/op")
	if m.pid != 0 {
		b.ReportMetric(float64((serve-m.serve).Microseconds())/n, "neo4j-cpu-µs/op")
	}
}

func (m *CPUMeter) read(b *testing.B) (client, serve time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if m.pid == 0 {
		return client, 0
	}
	serve, err := processCPU(m.pid)
	if err != nil {
		b.Fatal(err)
	}
	return client, serve
}

// processCPU reads a process's user and system time from /proc, in clock ticks of 10 ms
// (USER_HZ, 100 on every Linux the tests run on).
func processCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read the Neo4j server's CPU time: %w", err)
	}
	// The command name, in parentheses, may hold spaces: fields count from after it.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("read the Neo4j server's CPU time: short /proc/%d/stat", pid)
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime and stime, fields 14 and 15 of stat
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read the Neo4j server's CPU time: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

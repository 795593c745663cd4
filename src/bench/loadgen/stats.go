package main

import (
	"encoding/json"
	"os"
	"sort"
	"sync"
	"syscall"
	"time"
)

var outMu sync.Mutex

// emit writes one JSON line on stdout: the orchestrator (src/bench) reads events as they happen.
func emit(v map[string]any) {
	outMu.Lock()
	defer outMu.Unlock()
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

// cpuNow is this process's user+system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Window is the measured phase after the warm-up: only replies received inside it count.
type Window struct {
	Start, End time.Time
}

func (w Window) In(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// Tally is what one worker (stream or unary caller) saw inside the window.
type Tally struct {
	Messages, Items, Errors, Unscored int
	Latencies                         []time.Duration
}

func (t *Tally) add(o *Tally) {
	t.Messages += o.Messages
	t.Items += o.Items
	t.Errors += o.Errors
	t.Unscored += o.Unscored
	t.Latencies = append(t.Latencies, o.Latencies...)
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return float64(sorted[i].Microseconds())
}

// result prints the final event with throughput, latency percentiles (us) and client CPU.
func result(total *Tally, w Window, clientCPU time.Duration, extra map[string]any) {
	lat := total.Latencies
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	secs := w.End.Sub(w.Start).Seconds()
	ev := map[string]any{
		"event":              "result",
		"seconds":            secs,
		"messages":           total.Messages,
		"items":              total.Items,
		"itemErrors":         total.Errors,
		"itemsUnscored":      total.Unscored,
		"itemsPerSec":        float64(total.Items) / secs,
		"messagesPerSec":     float64(total.Messages) / secs,
		"p50us":              percentile(lat, 0.50),
		"p90us":              percentile(lat, 0.90),
		"p99us":              percentile(lat, 0.99),
		"maxus":              percentile(lat, 1),
		"clientCpuSec":       clientCPU.Seconds(),
		"clientCpuUsPerItem": clientCPU.Seconds() * 1e6 / max(1, float64(total.Items)),
	}
	for k, v := range extra {
		ev[k] = v
	}
	emit(ev)
}

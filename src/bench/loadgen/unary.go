package main

// Unary Predict{Domains,Urls,Ips} (-kind) at a fixed concurrency: each caller sends its next call when the last returns.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

func runUnary(o options, names *Names, values Values) {
	conns := dial(o)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var next atomic.Uint64
	w := window(o)
	tallies := make([]*Tally, o.workers)
	var wg sync.WaitGroup
	for i := 0; i < o.workers; i++ {
		tallies[i] = &Tally{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cc := conns[i%len(conns)]
			reqs := newRequests(o, names, values, int64(o.offset)*1000+int64(i), &next)
			t := tallies[i]
			first := true
			for ctx.Err() == nil && time.Now().Before(w.End) {
				req := reqs.build()
				res := &rawMsg{keep: first}
				at := time.Now()
				if err := cc.Invoke(ctx, o.kind.unary, req, res); err != nil {
					if ctx.Err() == nil {
						fail("call: " + err.Error())
					}
					return
				}
				now := time.Now()
				if first {
					check(res.b, o.batch, o.kind)
					first = false
				}
				if w.In(now) {
					t.Messages++
					t.Items += res.results
					t.Errors += res.errors
					t.Unscored += res.results - res.scored
					t.Latencies = append(t.Latencies, now.Sub(at))
				}
			}
		}(i)
	}
	time.Sleep(time.Until(w.Start))
	cpu0 := cpuNow()
	phases(ctx, o, w, nil)
	cpu := cpuNow() - cpu0
	cancel()
	wg.Wait()
	total := &Tally{}
	for _, t := range tallies {
		total.add(t)
	}
	result(total, w, cpu, map[string]any{"mode": "unary", "batch": o.batch, "concurrency": o.workers, "conns": o.conns, "names": o.names, "view": o.view, "kind": o.kind.name})
}

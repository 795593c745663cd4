package main

// Closed-loop bidi streams: each stream keeps `window` request messages in flight; replies come back
// in order (the server's contract), so a FIFO of send times gives each message's latency.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
)

func runStream(o options, names *Names, values Values) {
	conns := dial(o)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var next atomic.Uint64
	var items atomic.Int64
	w := window(o)
	tallies := make([]*Tally, o.workers)
	var wg sync.WaitGroup
	for i := 0; i < o.workers; i++ {
		tallies[i] = &Tally{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			streamWorker(ctx, conns[i%len(conns)], o, newRequests(o, names, values, int64(o.offset)*1000+int64(i), &next), w, tallies[i], &items)
		}(i)
	}
	time.Sleep(time.Until(w.Start))
	cpu0 := cpuNow()
	phases(ctx, o, w, func(el time.Duration) {
		emit(map[string]any{"event": "progress", "seconds": el.Seconds(), "items": items.Load()})
	})
	cpu := cpuNow() - cpu0
	cancel()
	wg.Wait()
	total := &Tally{}
	for _, t := range tallies {
		total.add(t)
	}
	result(total, w, cpu, map[string]any{"mode": "stream", "batch": o.batch, "streams": o.workers, "window": o.window, "conns": o.conns, "names": o.names, "view": o.view, "kind": o.kind.name})
}

func streamWorker(ctx context.Context, cc *grpc.ClientConn, o options, reqs *requests, w Window, t *Tally, items *atomic.Int64) {
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	st, err := cc.NewStream(sctx, &o.kind.streamDesc, o.kind.stream)
	if err != nil {
		fail("open stream: " + err.Error())
	}
	sent := make(chan time.Time, o.window) // the in-flight FIFO; its capacity is the window
	done := make(chan struct{})
	go func() {
		defer close(done)
		first := true
		for {
			m := &rawMsg{keep: first}
			if err := st.RecvMsg(m); err != nil {
				if sctx.Err() == nil {
					fail("recv: " + err.Error())
				}
				return
			}
			now := time.Now()
			at := <-sent
			if first {
				check(m.b, o.batch, o.kind)
				first = false
			}
			if m.results != o.batch {
				fail("reply has a different number of results than the request had items")
			}
			items.Add(int64(m.results))
			if w.In(now) {
				t.Messages++
				t.Items += m.results
				t.Errors += m.errors
				t.Unscored += m.results - m.scored
				t.Latencies = append(t.Latencies, now.Sub(at))
			}
		}
	}()
	for ctx.Err() == nil && time.Now().Before(w.End) {
		m := reqs.build()
		select {
		case sent <- time.Now():
		case <-ctx.Done():
			continue
		}
		if err := st.SendMsg(m); err != nil {
			break
		}
	}
	stop()
	<-done
}

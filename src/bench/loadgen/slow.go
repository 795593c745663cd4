package main

// A sensor that reads slowly: the sender writes as fast as gRPC lets it, the reader takes one reply
// every read-every. If the server stops reading when it cannot write (as it should), the sender is
// held back by HTTP/2 flow control and the messages in flight stop growing; if the server buffered,
// they would grow with every message the sender manages to push.

import (
	"context"
	"sync/atomic"
	"time"
)

func runSlow(o options, names *Names, values Values) {
	conns := dial(o)
	ctx, cancel := context.WithTimeout(context.Background(), o.duration+5*time.Second)
	defer cancel()
	st, err := conns[0].NewStream(ctx, &o.kind.streamDesc, o.kind.stream)
	if err != nil {
		fail("open stream: " + err.Error())
	}
	var sent, recv atomic.Int64
	var counter atomic.Uint64
	reqs := newRequests(o, names, values, int64(o.offset)*1000, &counter)
	go func() {
		for ctx.Err() == nil {
			if err := st.SendMsg(reqs.build()); err != nil {
				return
			}
			sent.Add(1)
		}
	}()
	go func() {
		for ctx.Err() == nil {
			time.Sleep(o.readEvery)
			if err := st.RecvMsg(&rawMsg{}); err != nil {
				return
			}
			recv.Add(1)
		}
	}()
	emit(map[string]any{"event": "measuring"})
	start := time.Now()
	var samples []map[string]any
	tick := time.NewTicker(o.duration / 10)
	for time.Since(start) < o.duration {
		<-tick.C
		s, r := sent.Load(), recv.Load()
		sample := map[string]any{"seconds": time.Since(start).Seconds(), "sent": s, "received": r, "inFlight": s - r}
		samples = append(samples, sample)
		emit(map[string]any{"event": "progress", "sample": sample})
	}
	tick.Stop()
	emit(map[string]any{"event": "measured"})
	s, r := sent.Load(), recv.Load()
	mid := samples[len(samples)/2-1]["inFlight"].(int64)
	emit(map[string]any{"event": "result", "mode": "slow", "batch": o.batch, "sent": s, "received": r,
		"inFlightMid": mid, "inFlightEnd": s - r, "samples": samples, "readEveryMs": o.readEvery.Milliseconds()})
	cancel()
}

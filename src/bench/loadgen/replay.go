package main

// replay sends a file of indicators once through StreamPredict (the generic, mixed-type stream), in
// file order, with a window of request messages in flight on one stream: the baseline that
// `threatpredict watch` is compared with on the same data (src/bench/watch-ratio.ts). Each line is
// "TYPE<TAB>VALUE" (TYPE domain|url|ip|email_address|file_hash, or empty to let the server detect).
// Requests are encoded before the clock starts, so the time is the server's and the wire's.

import (
	"bufio"
	"context"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"

	pb "github.com/threatpredict/threatpredict/clients/go/threatpredict/v1"
)

var replayTypes = map[string]uint64{
	"":              0,
	"domain":        uint64(pb.IndicatorType_INDICATOR_TYPE_DOMAIN),
	"url":           uint64(pb.IndicatorType_INDICATOR_TYPE_URL),
	"ip":            uint64(pb.IndicatorType_INDICATOR_TYPE_IP),
	"email_address": uint64(pb.IndicatorType_INDICATOR_TYPE_EMAIL_ADDRESS),
	"file_hash":     uint64(pb.IndicatorType_INDICATOR_TYPE_FILE_HASH),
}

// appendIndicatorItem appends one IndicatorItem {id=1, value=2, type=3} as field 1 of a StreamPredictRequest.
func appendIndicatorItem(buf, id, value []byte, typ uint64) []byte {
	size := protowire.SizeTag(1) + protowire.SizeBytes(len(id)) + protowire.SizeTag(2) + protowire.SizeBytes(len(value))
	if typ != 0 {
		size += protowire.SizeTag(3) + protowire.SizeVarint(typ)
	}
	buf = protowire.AppendTag(buf, 1, protowire.BytesType)
	buf = protowire.AppendVarint(buf, uint64(size))
	buf = protowire.AppendTag(buf, 1, protowire.BytesType)
	buf = protowire.AppendBytes(buf, id)
	buf = protowire.AppendTag(buf, 2, protowire.BytesType)
	buf = protowire.AppendBytes(buf, value)
	if typ != 0 {
		buf = protowire.AppendTag(buf, 3, protowire.VarintType)
		buf = protowire.AppendVarint(buf, typ)
	}
	return buf
}

func runReplay(o options, file string) {
	f, err := os.Open(file)
	if err != nil {
		fail("replay: " + err.Error())
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var reqs []*rawMsg
	var sizes []int
	var buf []byte
	n, total := 0, 0
	var id []byte
	flush := func() {
		if n == 0 {
			return
		}
		reqs = append(reqs, &rawMsg{b: appendView(buf, o.view)})
		sizes = append(sizes, n)
		buf, n = nil, 0
	}
	for sc.Scan() {
		typ, value, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			typ, value = "", typ
		}
		t, known := replayTypes[typ]
		if !known {
			fail("replay: unknown type " + typ)
		}
		id = appendBase36(id[:0], uint64(n))
		buf = appendIndicatorItem(buf, id, []byte(value), t)
		n++
		total++
		if n == o.batch {
			flush()
		}
	}
	flush()
	_ = f.Close()
	if err := sc.Err(); err != nil {
		fail("replay: " + err.Error())
	}
	conns := dial(o)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	desc := grpc.StreamDesc{StreamName: "StreamPredict", ServerStreams: true, ClientStreams: true}
	st, err := conns[0].NewStream(ctx, &desc, pb.PredictionService_StreamPredict_FullMethodName)
	if err != nil {
		fail("open stream: " + err.Error())
	}
	inflight := make(chan int, o.window)
	done := make(chan struct{})
	errs, scored := 0, 0
	cpu0 := cpuNow()
	start := time.Now()
	go func() {
		defer close(done)
		for range reqs {
			m := &rawMsg{}
			if err := st.RecvMsg(m); err != nil {
				fail("recv: " + err.Error())
			}
			if m.results != <-inflight {
				fail("reply has a different number of results than the request had items")
			}
			errs += m.errors
			scored += m.scored
		}
	}()
	for i, m := range reqs {
		inflight <- sizes[i]
		if err := st.SendMsg(m); err != nil {
			fail("send: " + err.Error())
		}
	}
	<-done
	secs := time.Since(start).Seconds()
	cpu := cpuNow() - cpu0
	_ = st.CloseSend()
	emit(map[string]any{
		"event": "result", "mode": "replay", "seconds": secs, "items": total, "messages": len(reqs),
		"itemsPerSec": float64(total) / secs, "messagesPerSec": float64(len(reqs)) / secs,
		"itemErrors": errs, "itemsUnscored": total - scored, "batch": o.batch, "window": o.window,
		"clientCpuSec": cpu.Seconds(), "clientCpuUsPerItem": float64(cpu.Microseconds()) / float64(total),
	})
}

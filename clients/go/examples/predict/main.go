// Command predict scores a few indicators with the Go client: a unary call with a deadline, per-item
// errors, and a stream.
//
//	go run ./examples/predict 127.0.0.1:50051
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	tpv1 "github.com/threatpredict/threatpredict/clients/go/threatpredict/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

func main() {
	// Plain text until the server has TLS; then use credentials.NewClientTLSFromFile instead.
	conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := tpv1.NewPredictionServiceClient(conn)

	// Always set a deadline: a call that runs out fails with codes.DeadlineExceeded.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// The batch limit is the server's to choose: ask it, and split bigger batches.
	info, err := tpv1.NewModelServiceClient(conn).GetServerInfo(ctx, &tpv1.GetServerInfoRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("batches of at most %d items\n", info.GetMaxBatchItems())

	resp, err := client.Predict(ctx, &tpv1.PredictRequest{Items: []*tpv1.IndicatorItem{
		{Id: "1", Value: "paypal-login-secure.xyz"},
		{Id: "2", Value: "http://example.com/login"},
		{Id: "3", Value: "???"},
	}})
	if err != nil {
		log.Fatal(err) // the whole call failed (deadline, BATCH_TOO_LARGE, server down, ...)
	}
	// One result per item, in request order; a bad item has `error` instead of a score.
	for _, r := range resp.GetResults() {
		if r.GetError() != nil {
			for _, d := range r.GetError().GetDetails() {
				info := &errdetails.ErrorInfo{}
				if d.UnmarshalTo(info) == nil && info.GetReason() == tpv1.ErrorReason_INDICATOR_TYPE_UNKNOWN.String() {
					fmt.Printf("%s: not an indicator: %s\n", r.GetId(), r.GetError().GetMessage())
				}
			}
			continue
		}
		fmt.Printf("%s: %s %s score=%.3f\n", r.GetId(), r.GetIndicator(), r.GetVerdict(), r.GetScore())
		for _, reason := range r.GetReasons() {
			fmt.Printf("    %s: %s\n", reason.GetCode(), reason.GetMessage())
		}
	}

	// A stream: send batches as they come, receive one response per request, in order.
	stream, err := client.StreamPredictDomains(ctx)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for _, batch := range [][]string{{"example.com", "example.org"}, {"login-paypal.example.net"}} {
			req := &tpv1.StreamPredictDomainsRequest{}
			for _, d := range batch {
				req.Items = append(req.Items, &tpv1.DomainItem{Id: d, Value: d})
			}
			if err := stream.Send(req); err != nil {
				log.Fatal(err)
			}
		}
		stream.CloseSend()
	}()
	for {
		r, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		for _, p := range r.GetResults() {
			fmt.Printf("%s: %s\n", p.GetId(), p.GetVerdict())
		}
	}
}

// Command contractcheck exercises the Go client against a running server and prints what came back as
// one JSON document; test/clients/go.test.ts starts the server, runs this, and checks the document
// (the same checks for every language, test/clients/contract.ts).
//
//	go run ./internal/contractcheck 127.0.0.1:50051
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	tpv1 "github.com/threatpredict/threatpredict/clients/go/threatpredict/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

type item struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	HasScore bool   `json:"has_score"`
	Reason   string `json:"reason"`
}

type email struct {
	ID          string   `json:"id"`
	HasScore    bool     `json:"has_score"`
	From        string   `json:"from"`
	Subject     string   `json:"subject"`
	AuthMethods []string `json:"auth_methods"`
	Indicators  []string `json:"indicators"`
}

type report struct {
	Unary          []item     `json:"unary"`
	Stream         [][]string `json:"stream"`
	Generic        []item     `json:"generic"`
	Email          email      `json:"email"`
	MaxBatchItems  uint32     `json:"max_batch_items"`
	ErrorReasonFor string     `json:"error_reason_enum"`
}

// reason is the ErrorInfo.reason of a per-item error, "" when the item has none.
func reason(s *status.Status) string {
	for _, d := range s.GetDetails() {
		info := &errdetails.ErrorInfo{}
		if d.UnmarshalTo(info) == nil {
			return info.GetReason()
		}
	}
	return ""
}

func items(results []*tpv1.Prediction) []item {
	out := make([]item, 0, len(results))
	for _, r := range results {
		out = append(out, item{ID: r.GetId(), Type: r.GetType().String(), HasScore: r.Score != nil, Reason: reason(r.GetError())})
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	conn, err := grpc.NewClient(os.Args[1], grpc.WithTransportCredentials(insecure.NewCredentials()))
	check(err)
	defer conn.Close()
	client := tpv1.NewPredictionServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out report

	unary, err := client.PredictDomains(ctx, &tpv1.PredictDomainsRequest{Items: []*tpv1.DomainItem{
		{Id: "a", Value: "paypal-login-secure.xyz"}, {Id: "b", Value: "a..b"}, {Id: "c", Value: "example.com"},
	}})
	check(err)
	out.Unary = items(unary.GetResults())

	stream, err := client.StreamPredictDomains(ctx)
	check(err)
	go func() {
		for n := 0; n < 4; n++ {
			req := &tpv1.StreamPredictDomainsRequest{}
			for i := 0; i < 25; i++ {
				req.Items = append(req.Items, &tpv1.DomainItem{Id: fmt.Sprintf("%d:%d", n, i), Value: fmt.Sprintf("host%d.example%d.com", i, n)})
			}
			check(stream.Send(req))
		}
		check(stream.CloseSend())
	}()
	for {
		resp, err := stream.Recv()
		if err == io.EOF {
			break
		}
		check(err)
		ids := []string{}
		for _, r := range resp.GetResults() {
			ids = append(ids, r.GetId())
		}
		out.Stream = append(out.Stream, ids)
	}

	generic, err := client.Predict(ctx, &tpv1.PredictRequest{Items: []*tpv1.IndicatorItem{
		{Id: "domain", Value: "example.org"},
		{Id: "url", Value: "http://paypal-login-secure.xyz/signin"},
		{Id: "ip", Value: "8.8.8.8"},
		{Id: "address", Value: "alice@example.com"},
		{Id: "hash", Value: "d41d8cd98f00b204e9800998ecf8427e"},
		{Id: "unknown", Value: "???"},
	}})
	check(err)
	out.Generic = items(generic.GetResults())

	raw, err := os.ReadFile(os.Args[2])
	check(err)
	emails, err := client.PredictEmails(ctx, &tpv1.PredictEmailsRequest{Items: []*tpv1.EmailItem{{Id: "mail", Value: raw}}})
	check(err)
	e := emails.GetResults()[0]
	out.Email = email{ID: e.GetId(), HasScore: e.Score != nil, AuthMethods: []string{}, Indicators: []string{}}
	if len(e.GetMessages()) > 0 {
		m := e.GetMessages()[0]
		out.Email.From = m.GetFrom().GetAddress()
		out.Email.Subject = m.GetSubject()
		for _, a := range m.GetAuthenticationResults() {
			out.Email.AuthMethods = append(out.Email.AuthMethods, a.GetMethod())
		}
	}
	for _, ind := range e.GetIndicators() {
		out.Email.Indicators = append(out.Email.Indicators, ind.GetPrediction().GetIndicator())
	}

	info, err := tpv1.NewModelServiceClient(conn).GetServerInfo(ctx, &tpv1.GetServerInfoRequest{})
	check(err)
	out.MaxBatchItems = info.GetMaxBatchItems()
	out.ErrorReasonFor = tpv1.ErrorReason_INDICATOR_TYPE_UNKNOWN.String()

	check(json.NewEncoder(os.Stdout).Encode(out))
}

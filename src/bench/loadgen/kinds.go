package main

// The indicator kinds the load generator drives. DomainItem, UrlItem, IpItem and IndicatorItem share their wire
// layout (id = 1, value = 2; IpItem's observed_at = 3 is left out) and every Predict*/StreamPredict*
// request has items in field 1 and the view in field 2, every response its Predictions in field 1:
// so the raw codec (codec.go) builds and scans every kind alike, and only the method differs.

import (
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	pb "github.com/threatpredict/threatpredict/clients/go/threatpredict/v1"
)

type kind struct {
	name       string
	unary      string // full method name
	stream     string // full method name
	streamDesc grpc.StreamDesc
	typ        pb.IndicatorType
	// response decodes a reply with the generated types (check); the unary and stream responses of a
	// kind have the same fields, so one type serves both.
	response func() resultsMessage
}

type resultsMessage interface {
	proto.Message
	GetResults() []*pb.Prediction
}

var kinds = map[string]kind{
	"domain": {
		name:       "domain",
		unary:      pb.PredictionService_PredictDomains_FullMethodName,
		stream:     pb.PredictionService_StreamPredictDomains_FullMethodName,
		streamDesc: grpc.StreamDesc{StreamName: "StreamPredictDomains", ServerStreams: true, ClientStreams: true},
		typ:        pb.IndicatorType_INDICATOR_TYPE_DOMAIN,
		response:   func() resultsMessage { return &pb.StreamPredictDomainsResponse{} },
	},
	"url": {
		name:       "url",
		unary:      pb.PredictionService_PredictUrls_FullMethodName,
		stream:     pb.PredictionService_StreamPredictUrls_FullMethodName,
		streamDesc: grpc.StreamDesc{StreamName: "StreamPredictUrls", ServerStreams: true, ClientStreams: true},
		typ:        pb.IndicatorType_INDICATOR_TYPE_URL,
		response:   func() resultsMessage { return &pb.StreamPredictUrlsResponse{} },
	},
	// The generic Predict: IndicatorItem {id = 1, value = 2, type = 3} with the type left out
	// (detected by the server), the same wire layout again.
	"mixed": {
		name:       "mixed",
		unary:      pb.PredictionService_Predict_FullMethodName,
		stream:     pb.PredictionService_StreamPredict_FullMethodName,
		streamDesc: grpc.StreamDesc{StreamName: "StreamPredict", ServerStreams: true, ClientStreams: true},
		typ:        pb.IndicatorType_INDICATOR_TYPE_UNSPECIFIED, // any
		response:   func() resultsMessage { return &pb.StreamPredictResponse{} },
	},
	"ip": {
		name:       "ip",
		unary:      pb.PredictionService_PredictIps_FullMethodName,
		stream:     pb.PredictionService_StreamPredictIps_FullMethodName,
		streamDesc: grpc.StreamDesc{StreamName: "StreamPredictIps", ServerStreams: true, ClientStreams: true},
		typ:        pb.IndicatorType_INDICATOR_TYPE_IP,
		response:   func() resultsMessage { return &pb.StreamPredictIpsResponse{} },
	},
}

// check decodes one reply with the generated types: one result per item, ids present, and every
// result that is not an error of the kind asked for (a reply from the wrong RPC would not be).
func check(b []byte, batch int, k kind) {
	res := k.response()
	if err := proto.Unmarshal(b, res); err != nil {
		fail("reply does not decode: " + err.Error())
	}
	if len(res.GetResults()) != batch {
		fail("first reply has the wrong number of results")
	}
	for _, r := range res.GetResults() {
		if r.Id == "" {
			fail("a result has no id")
		}
		if r.Error == nil && k.typ != pb.IndicatorType_INDICATOR_TYPE_UNSPECIFIED && r.Type != k.typ {
			fail("a result has type " + r.Type.String() + ", not " + k.typ.String())
		}
	}
}

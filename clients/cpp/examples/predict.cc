// Scores a few indicators with the C++ client: a unary call with a deadline, per-item errors, a stream.
//
//   cmake -S clients/cpp -B build -DTHREATPREDICT_BUILD_EXAMPLES=ON && cmake --build build -j
//   build/threatpredict_example 127.0.0.1:50051
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "google/rpc/error_details.pb.h"
#include "threatpredict/v1/error_reason.pb.h"
#include "threatpredict/v1/model_service.grpc.pb.h"
#include "threatpredict/v1/prediction_service.grpc.pb.h"

namespace tp = threatpredict::v1;

// The ErrorInfo.reason of a per-item error: the name of an ErrorReason value.
static std::string ReasonOf(const google::rpc::Status& status) {
  for (const auto& detail : status.details()) {
    google::rpc::ErrorInfo info;
    if (detail.UnpackTo(&info)) return info.reason();
  }
  return "";
}

static std::chrono::system_clock::time_point In(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " HOST:PORT\n";
    return 2;
  }
  // Plain text until the server has TLS; then grpc::SslCredentials(grpc::SslCredentialsOptions{...}).
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto stub = tp::PredictionService::NewStub(channel);

  {
    grpc::ClientContext ctx;
    ctx.set_deadline(In(5));
    tp::GetServerInfoResponse info;
    grpc::Status s = tp::ModelService::NewStub(channel)->GetServerInfo(&ctx, tp::GetServerInfoRequest(), &info);
    if (!s.ok()) {
      std::cerr << s.error_code() << ": " << s.error_message() << "\n";
      return 1;
    }
    std::cout << "batches of at most " << info.max_batch_items() << " items\n";
  }

  // Always set a deadline: a call that runs out ends with grpc::StatusCode::DEADLINE_EXCEEDED.
  grpc::ClientContext ctx;
  ctx.set_deadline(In(5));
  tp::PredictRequest request;
  for (const char* value : {"paypal-login-secure.xyz", "http://example.com/login", "???"}) {
    auto* item = request.add_items();
    item->set_id(std::to_string(request.items_size()));
    item->set_value(value);
  }
  tp::PredictResponse response;
  grpc::Status status = stub->Predict(&ctx, request, &response);
  if (!status.ok()) {  // the whole call failed
    std::cerr << status.error_code() << ": " << status.error_message() << "\n";
    return 1;
  }
  // One result per item, in request order; a bad item has `error` instead of a score.
  for (const auto& r : response.results()) {
    if (r.has_error()) {
      const bool unknown = ReasonOf(r.error()) == tp::ErrorReason_Name(tp::INDICATOR_TYPE_UNKNOWN);
      std::cout << r.id() << ": " << (unknown ? "not an indicator" : ReasonOf(r.error())) << ": "
                << r.error().message() << "\n";
      continue;
    }
    std::cout << r.id() << ": " << r.indicator() << " " << tp::Verdict_Name(r.verdict()) << " score=" << r.score()
              << "\n";
    for (const auto& reason : r.reasons()) std::cout << "    " << reason.code() << ": " << reason.message() << "\n";
  }

  // A stream: write the batches, then read one response per request, in order.
  grpc::ClientContext stream_ctx;
  stream_ctx.set_deadline(In(10));
  auto stream = stub->StreamPredictDomains(&stream_ctx);
  for (const auto& batch : {std::vector<std::string>{"example.com", "example.org"},
                            std::vector<std::string>{"login-paypal.example.net"}}) {
    tp::StreamPredictDomainsRequest req;
    for (const auto& d : batch) {
      auto* item = req.add_items();
      item->set_id(d);
      item->set_value(d);
    }
    stream->Write(req);
  }
  stream->WritesDone();
  tp::StreamPredictDomainsResponse resp;
  while (stream->Read(&resp)) {
    for (const auto& r : resp.results()) std::cout << r.id() << ": " << tp::Verdict_Name(r.verdict()) << "\n";
  }
  status = stream->Finish();
  if (!status.ok()) {
    std::cerr << status.error_code() << ": " << status.error_message() << "\n";
    return 1;
  }
  return 0;
}

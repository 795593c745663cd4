// The C++ client's contract program: the same calls for every language (test/clients/contract.ts).
//
//   contractcheck 127.0.0.1:50051 mail.eml
//
// Prints one JSON document with what came back.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "google/rpc/error_details.pb.h"
#include "threatpredict/v1/error_reason.pb.h"
#include "threatpredict/v1/model_service.grpc.pb.h"
#include "threatpredict/v1/prediction_service.grpc.pb.h"

namespace tp = threatpredict::v1;

static std::string Json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

static std::string Reason(const google::rpc::Status& status) {
  for (const auto& d : status.details()) {
    google::rpc::ErrorInfo info;
    if (d.UnpackTo(&info)) return info.reason();
  }
  return "";
}

template <typename Results>
static std::string Items(const Results& results) {
  std::string out = "[";
  for (const auto& r : results) {
    if (out.size() > 1) out += ",";
    out += "{\"id\":" + Json(r.id()) + ",\"type\":" + Json(tp::IndicatorType_Name(r.type())) +
           ",\"has_score\":" + (r.has_score() ? "true" : "false") + ",\"reason\":" + Json(Reason(r.error())) + "}";
  }
  return out + "]";
}

static void Check(const grpc::Status& s) {
  if (!s.ok()) {
    std::cerr << s.error_code() << ": " << s.error_message() << "\n";
    std::exit(1);
  }
}

static void Deadline(grpc::ClientContext* ctx) {
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

int main(int argc, char** argv) {
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto stub = tp::PredictionService::NewStub(channel);

  tp::PredictDomainsRequest unary_req;
  for (auto [id, value] : std::vector<std::pair<std::string, std::string>>{
           {"a", "paypal-login-secure.xyz"}, {"b", "a..b"}, {"c", "example.com"}}) {
    auto* item = unary_req.add_items();
    item->set_id(id);
    item->set_value(value);
  }
  tp::PredictDomainsResponse unary;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    Check(stub->PredictDomains(&ctx, unary_req, &unary));
  }

  std::string stream_json = "[";
  {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    auto stream = stub->StreamPredictDomains(&ctx);
    for (int n = 0; n < 4; n++) {
      tp::StreamPredictDomainsRequest req;
      for (int i = 0; i < 25; i++) {
        auto* item = req.add_items();
        item->set_id(std::to_string(n) + ":" + std::to_string(i));
        item->set_value("host" + std::to_string(i) + ".example" + std::to_string(n) + ".com");
      }
      stream->Write(req);
    }
    stream->WritesDone();
    tp::StreamPredictDomainsResponse resp;
    while (stream->Read(&resp)) {
      if (stream_json.size() > 1) stream_json += ",";
      std::string ids = "[";
      for (const auto& r : resp.results()) ids += (ids.size() > 1 ? "," : "") + Json(r.id());
      stream_json += ids + "]";
    }
    Check(stream->Finish());
  }
  stream_json += "]";

  tp::PredictRequest generic_req;
  for (auto [id, value] : std::vector<std::pair<std::string, std::string>>{
           {"domain", "example.org"},
           {"url", "http://paypal-login-secure.xyz/signin"},
           {"ip", "8.8.8.8"},
           {"address", "alice@example.com"},
           {"hash", "d41d8cd98f00b204e9800998ecf8427e"},
           {"unknown", "???"}}) {
    auto* item = generic_req.add_items();
    item->set_id(id);
    item->set_value(value);
  }
  tp::PredictResponse generic;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    Check(stub->Predict(&ctx, generic_req, &generic));
  }

  std::ifstream file(argv[2], std::ios::binary);
  std::stringstream raw;
  raw << file.rdbuf();
  tp::PredictEmailsRequest email_req;
  auto* mail = email_req.add_items();
  mail->set_id("mail");
  mail->set_value(raw.str());
  tp::PredictEmailsResponse emails;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    Check(stub->PredictEmails(&ctx, email_req, &emails));
  }

  tp::GetServerInfoResponse info;
  {
    grpc::ClientContext ctx;
    Deadline(&ctx);
    Check(tp::ModelService::NewStub(channel)->GetServerInfo(&ctx, tp::GetServerInfoRequest(), &info));
  }

  const auto& e = emails.results(0);
  std::string from, subject, methods = "[", indicators = "[";
  if (e.messages_size() > 0) {
    const auto& top = e.messages(0);
    from = top.from().address();  // `from` is no keyword in C++: the accessor is plain from()
    subject = top.subject();
    for (const auto& a : top.authentication_results()) methods += (methods.size() > 1 ? "," : "") + Json(a.method());
  }
  for (const auto& i : e.indicators()) indicators += (indicators.size() > 1 ? "," : "") + Json(i.prediction().indicator());
  methods += "]";
  indicators += "]";

  std::cout << "{\"unary\":" << Items(unary.results()) << ",\"stream\":" << stream_json
            << ",\"generic\":" << Items(generic.results()) << ",\"email\":{\"id\":" << Json(e.id())
            << ",\"has_score\":" << (e.has_score() ? "true" : "false") << ",\"from\":" << Json(from)
            << ",\"subject\":" << Json(subject) << ",\"auth_methods\":" << methods << ",\"indicators\":" << indicators
            << "},\"max_batch_items\":" << info.max_batch_items()
            << ",\"error_reason_enum\":" << Json(tp::ErrorReason_Name(tp::INDICATOR_TYPE_UNKNOWN)) << "}\n";
  return 0;
}

# The Ruby client's contract program: the same calls for every language (test/clients/contract.ts).
#
#   ruby contractcheck.rb 127.0.0.1:50051 mail.eml
#
# Loads the installed threatpredict-client gem and prints one JSON document with what came back.
require 'json'
gem 'threatpredict-client' # activates the installed gem and its declared dependencies, or fails
require 'threatpredict'

TP = Threatpredict::V1
address, mail = ARGV

def reason(status)
  (status&.details || []).each do |any|
    info = any.unpack(Google::Rpc::ErrorInfo)
    return info.reason if info
  end
  ''
end

def items(results)
  results.map { |r| { id: r.id, type: r.type.to_s, has_score: !!r.has_score?, reason: reason(r.error) } }
end

deadline = -> { Time.now + 60 }
stub = TP::PredictionService::Stub.new(address, :this_channel_is_insecure)
unary = stub.predict_domains(
  TP::PredictDomainsRequest.new(items: [
    TP::DomainItem.new(id: 'a', value: 'paypal-login-secure.xyz'),
    TP::DomainItem.new(id: 'b', value: 'a..b'),
    TP::DomainItem.new(id: 'c', value: 'example.com')
  ]),
  deadline: deadline.call
)
batches = (0...4).map do |n|
  TP::StreamPredictDomainsRequest.new(
    items: (0...25).map { |i| TP::DomainItem.new(id: "#{n}:#{i}", value: "host#{i}.example#{n}.com") }
  )
end
stream = stub.stream_predict_domains(batches.each, deadline: deadline.call).map { |resp| resp.results.map(&:id) }
generic = stub.predict(
  TP::PredictRequest.new(items: [
    TP::IndicatorItem.new(id: 'domain', value: 'example.org'),
    TP::IndicatorItem.new(id: 'url', value: 'http://paypal-login-secure.xyz/signin'),
    TP::IndicatorItem.new(id: 'ip', value: '8.8.8.8'),
    TP::IndicatorItem.new(id: 'address', value: 'alice@example.com'),
    TP::IndicatorItem.new(id: 'hash', value: 'd41d8cd98f00b204e9800998ecf8427e'),
    TP::IndicatorItem.new(id: 'unknown', value: '???')
  ]),
  deadline: deadline.call
)
emails = stub.predict_emails(
  TP::PredictEmailsRequest.new(items: [TP::EmailItem.new(id: 'mail', value: File.binread(mail))]),
  deadline: deadline.call
)
info = TP::ModelService::Stub.new(address, :this_channel_is_insecure)
                             .get_server_info(TP::GetServerInfoRequest.new, deadline: deadline.call)

e = emails.results.first
top = e.messages.first
puts JSON.generate(
  unary: items(unary.results),
  stream: stream,
  generic: items(generic.results),
  email: {
    id: e.id,
    has_score: !!e.has_score?,
    from: top ? top.from.address : '',
    subject: top ? top.subject : '',
    # `method` is Object#method in Ruby: the documented workaround.
    auth_methods: top ? top.authentication_results.map { |a| a['method'] } : [],
    indicators: e.indicators.map { |i| i.prediction.indicator }
  },
  max_batch_items: info.max_batch_items,
  error_reason_enum: TP::ErrorReason.lookup(TP::ErrorReason::INDICATOR_TYPE_UNKNOWN).to_s
)

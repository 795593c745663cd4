# Scores a few indicators with the Ruby client: a unary call with a deadline, per-item errors, a stream.
#
#   ruby -Ilib examples/predict.rb 127.0.0.1:50051
require 'threatpredict'

TP = Threatpredict::V1

# The ErrorInfo.reason of a per-item error: the name of an ErrorReason value.
def reason_of(status)
  status.details.each do |any|
    info = any.unpack(Google::Rpc::ErrorInfo)
    return info.reason if info
  end
  ''
end

address = ARGV.fetch(0)
# Plain text until the server has TLS; then GRPC::Core::ChannelCredentials.new(File.read('ca.pem')).
stub = TP::PredictionService::Stub.new(address, :this_channel_is_insecure)
info = TP::ModelService::Stub.new(address, :this_channel_is_insecure)
                             .get_server_info(TP::GetServerInfoRequest.new, deadline: Time.now + 5)
puts "batches of at most #{info.max_batch_items} items"

# Always set a deadline: a call that runs out raises GRPC::DeadlineExceeded.
begin
  response = stub.predict(
    TP::PredictRequest.new(items: [
      TP::IndicatorItem.new(id: '1', value: 'paypal-login-secure.xyz'),
      TP::IndicatorItem.new(id: '2', value: 'http://example.com/login'),
      TP::IndicatorItem.new(id: '3', value: '???')
    ]),
    deadline: Time.now + 5
  )
rescue GRPC::BadStatus => e # the whole call failed
  abort "#{e.code}: #{e.details}"
end
unknown = TP::ErrorReason.lookup(TP::ErrorReason::INDICATOR_TYPE_UNKNOWN).to_s
# One result per item, in request order; a bad item has `error` instead of a score.
response.results.each do |r|
  if r.error
    label = reason_of(r.error) == unknown ? 'not an indicator' : reason_of(r.error)
    puts "#{r.id}: #{label}: #{r.error.message}"
    next
  end
  puts format('%s: %s %s score=%.3f', r.id, r.indicator, r.verdict, r.score)
  r.reasons.each { |reason| puts "    #{reason.code}: #{reason.message}" }
end

# A stream: an Enumerator of requests in, one response per request out, in order.
batches = [%w[example.com example.org], %w[login-paypal.example.net]].map do |batch|
  TP::StreamPredictDomainsRequest.new(items: batch.map { |d| TP::DomainItem.new(id: d, value: d) })
end
stub.stream_predict_domains(batches.each, deadline: Time.now + 10).each do |resp|
  resp.results.each { |r| puts "#{r.id}: #{r.verdict}" }
end

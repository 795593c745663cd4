# The Ruby client for threatpredict.v1: code generated from proto/ (lib/threatpredict/v1, never edited
# by hand; `npm run generate:clients -- ruby` regenerates it) plus lib/threatpredict.rb, which loads it.
Gem::Specification.new do |spec|
  spec.name = 'threatpredict-client'
  spec.version = '1.0.0'
  spec.summary = 'gRPC client for the threatpredict.v1 threat prediction API'
  spec.description = 'Generated messages and service stubs for threatpredict.v1 (PredictionService, ModelService).'
  spec.authors = ['threatpredict']
  spec.license = 'MPL-2.0'
  spec.files = Dir['lib/**/*.rb'] + ['README.md']
  spec.require_paths = ['lib']
  spec.required_ruby_version = '>= 2.7'
  # The code comes from protoc 3.21 (Debian bookworm's), whose Ruby output is the descriptor DSL that
  # google-protobuf 4.x no longer reads.
  spec.add_dependency 'google-protobuf', '~> 3.21'
  spec.add_dependency 'googleapis-common-protos-types', '~> 1.4'
  spec.add_dependency 'grpc', '~> 1.51'
end

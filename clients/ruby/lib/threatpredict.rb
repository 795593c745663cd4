# Loads the whole threatpredict.v1 client: messages, enums and both services' stubs.
# Written by hand (the generated code is lib/threatpredict/v1/).
require 'google/protobuf/well_known_types' # Any#unpack, for the ErrorInfo in an item's error
require 'google/rpc/error_details_pb'
require 'threatpredict/v1/error_reason_pb'
require 'threatpredict/v1/reason_code_pb'
require 'threatpredict/v1/prediction_service_services_pb'
require 'threatpredict/v1/model_service_services_pb'

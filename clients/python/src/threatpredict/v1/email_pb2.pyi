from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from threatpredict.v1 import prediction_pb2 as _prediction_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EmailAddress(_message.Message):
    __slots__ = ("name", "address")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ...) -> None: ...

class ReceivedHop(_message.Message):
    __slots__ = ("from_host", "from_ip", "by_host", "time")
    FROM_HOST_FIELD_NUMBER: _ClassVar[int]
    FROM_IP_FIELD_NUMBER: _ClassVar[int]
    BY_HOST_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    from_host: str
    from_ip: str
    by_host: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, from_host: _Optional[str] = ..., from_ip: _Optional[str] = ..., by_host: _Optional[str] = ..., time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuthenticationResult(_message.Message):
    __slots__ = ("method", "result", "detail")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    method: str
    result: str
    detail: str
    def __init__(self, method: _Optional[str] = ..., result: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class ParsedMessage(_message.Message):
    __slots__ = ("depth", "to", "cc", "reply_to", "return_path", "subject", "date", "message_id", "received", "authentication_results", "text_body", "html_body")
    DEPTH_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    CC_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    RETURN_PATH_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_FIELD_NUMBER: _ClassVar[int]
    AUTHENTICATION_RESULTS_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    depth: int
    to: _containers.RepeatedCompositeFieldContainer[EmailAddress]
    cc: _containers.RepeatedCompositeFieldContainer[EmailAddress]
    reply_to: _containers.RepeatedCompositeFieldContainer[EmailAddress]
    return_path: str
    subject: str
    date: _timestamp_pb2.Timestamp
    message_id: str
    received: _containers.RepeatedCompositeFieldContainer[ReceivedHop]
    authentication_results: _containers.RepeatedCompositeFieldContainer[AuthenticationResult]
    text_body: str
    html_body: str
    def __init__(self, depth: _Optional[int] = ..., to: _Optional[_Iterable[_Union[EmailAddress, _Mapping]]] = ..., cc: _Optional[_Iterable[_Union[EmailAddress, _Mapping]]] = ..., reply_to: _Optional[_Iterable[_Union[EmailAddress, _Mapping]]] = ..., return_path: _Optional[str] = ..., subject: _Optional[str] = ..., date: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., message_id: _Optional[str] = ..., received: _Optional[_Iterable[_Union[ReceivedHop, _Mapping]]] = ..., authentication_results: _Optional[_Iterable[_Union[AuthenticationResult, _Mapping]]] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., **kwargs) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("message_index", "filename", "declared_content_type", "sniffed_content_type", "size", "sha256", "executable", "macro_enabled", "archive", "double_extension", "html")
    MESSAGE_INDEX_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    DECLARED_CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SNIFFED_CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    EXECUTABLE_FIELD_NUMBER: _ClassVar[int]
    MACRO_ENABLED_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_FIELD_NUMBER: _ClassVar[int]
    DOUBLE_EXTENSION_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    message_index: int
    filename: str
    declared_content_type: str
    sniffed_content_type: str
    size: int
    sha256: str
    executable: bool
    macro_enabled: bool
    archive: bool
    double_extension: bool
    html: bool
    def __init__(self, message_index: _Optional[int] = ..., filename: _Optional[str] = ..., declared_content_type: _Optional[str] = ..., sniffed_content_type: _Optional[str] = ..., size: _Optional[int] = ..., sha256: _Optional[str] = ..., executable: bool = ..., macro_enabled: bool = ..., archive: bool = ..., double_extension: bool = ..., html: bool = ...) -> None: ...

class EmailIndicator(_message.Message):
    __slots__ = ("prediction", "found_in")
    PREDICTION_FIELD_NUMBER: _ClassVar[int]
    FOUND_IN_FIELD_NUMBER: _ClassVar[int]
    prediction: _prediction_pb2.Prediction
    found_in: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, prediction: _Optional[_Union[_prediction_pb2.Prediction, _Mapping]] = ..., found_in: _Optional[_Iterable[str]] = ...) -> None: ...

class EmailPrediction(_message.Message):
    __slots__ = ("id", "score", "verdict", "model", "reasons", "messages", "indicators", "attachments", "warnings", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    INDICATORS_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    score: float
    verdict: _prediction_pb2.Verdict
    model: _prediction_pb2.ModelRef
    reasons: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Reason]
    messages: _containers.RepeatedCompositeFieldContainer[ParsedMessage]
    indicators: _containers.RepeatedCompositeFieldContainer[EmailIndicator]
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    error: _status_pb2.Status
    def __init__(self, id: _Optional[str] = ..., score: _Optional[float] = ..., verdict: _Optional[_Union[_prediction_pb2.Verdict, str]] = ..., model: _Optional[_Union[_prediction_pb2.ModelRef, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[_prediction_pb2.Reason, _Mapping]]] = ..., messages: _Optional[_Iterable[_Union[ParsedMessage, _Mapping]]] = ..., indicators: _Optional[_Iterable[_Union[EmailIndicator, _Mapping]]] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., warnings: _Optional[_Iterable[str]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

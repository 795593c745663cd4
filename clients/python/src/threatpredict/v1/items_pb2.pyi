from google.protobuf import timestamp_pb2 as _timestamp_pb2
from threatpredict.v1 import prediction_pb2 as _prediction_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DomainItem(_message.Message):
    __slots__ = ("id", "value")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: str
    def __init__(self, id: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class UrlItem(_message.Message):
    __slots__ = ("id", "value")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: str
    def __init__(self, id: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class IpItem(_message.Message):
    __slots__ = ("id", "value", "observed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: str
    observed_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., value: _Optional[str] = ..., observed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class EmailItem(_message.Message):
    __slots__ = ("id", "value")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: bytes
    def __init__(self, id: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class IndicatorItem(_message.Message):
    __slots__ = ("id", "value", "type", "observed_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    value: str
    type: _prediction_pb2.IndicatorType
    observed_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., value: _Optional[str] = ..., type: _Optional[_Union[_prediction_pb2.IndicatorType, str]] = ..., observed_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

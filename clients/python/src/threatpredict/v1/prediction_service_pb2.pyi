from google.api import annotations_pb2 as _annotations_pb2
from threatpredict.v1 import email_pb2 as _email_pb2
from threatpredict.v1 import items_pb2 as _items_pb2
from threatpredict.v1 import prediction_pb2 as _prediction_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PredictDomainsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.DomainItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.DomainItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class PredictDomainsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class StreamPredictDomainsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.DomainItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.DomainItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class StreamPredictDomainsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class PredictUrlsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.UrlItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.UrlItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class PredictUrlsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class StreamPredictUrlsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.UrlItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.UrlItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class StreamPredictUrlsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class PredictIpsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.IpItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.IpItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class PredictIpsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class StreamPredictIpsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.IpItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.IpItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class StreamPredictIpsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class PredictEmailsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.EmailItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.EmailItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class PredictEmailsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_email_pb2.EmailPrediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_email_pb2.EmailPrediction, _Mapping]]] = ...) -> None: ...

class StreamPredictEmailsRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.EmailItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.EmailItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class StreamPredictEmailsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_email_pb2.EmailPrediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_email_pb2.EmailPrediction, _Mapping]]] = ...) -> None: ...

class PredictRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.IndicatorItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.IndicatorItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class PredictResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

class StreamPredictRequest(_message.Message):
    __slots__ = ("items", "view")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_items_pb2.IndicatorItem]
    view: _prediction_pb2.ResultView
    def __init__(self, items: _Optional[_Iterable[_Union[_items_pb2.IndicatorItem, _Mapping]]] = ..., view: _Optional[_Union[_prediction_pb2.ResultView, str]] = ...) -> None: ...

class StreamPredictResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[_prediction_pb2.Prediction]
    def __init__(self, results: _Optional[_Iterable[_Union[_prediction_pb2.Prediction, _Mapping]]] = ...) -> None: ...

"""Writing pages of KIM members. Being written."""

from news.views.public import _Stub

PostMineView = PostCreateView = PostUpdateView = PhotoAddView = PhotoRemoveView = _Stub
PostSubmitView = _Stub

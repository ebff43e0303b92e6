"""Review pages of Dinkominfo staff. Being written."""

from news.views.public import _Stub

ModerationQueueView = PostReviewView = PostModerateView = _Stub

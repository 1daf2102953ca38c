"""The backend of each analysis capability, chosen in settings.

    ANALYSIS_BACKENDS = {"topic": "xinfang.analysis.backends.topic.LinearTopicSuggester", ...}

A deployment overrides one entry (a dotted path to a class taking no arguments) to plug in
its own backend; the built-in ones are the defaults. Instances are built once per process.
"""

from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings

DEFAULT_BACKENDS = {
    "topic": "xinfang.analysis.backends.topic.LinearTopicSuggester",
    "kind": "xinfang.analysis.backends.kind.RuleKindSuggester",
    "duplicates": "xinfang.analysis.backends.duplicates.ShingleDuplicateFinder",
    "risk": "xinfang.analysis.backends.risk.LexiconRiskDetector",
    "reply": "xinfang.analysis.backends.reply.RuleReplyChecker",
    "reply_draft": "xinfang.analysis.backends.reply_draft.TemplateReplyDrafter",
    "hotspots": "xinfang.analysis.hotspots.ClusterHotspotFinder",
    "similar": "xinfang.analysis.backends.similar.IndexSimilarCaseSearch",
    "person": "xinfang.analysis.backends.person.RecordPersonMatcher",
}


@cache
def backend(capability: str) -> Any:
    path = {**DEFAULT_BACKENDS, **getattr(settings, "ANALYSIS_BACKENDS", {})}[capability]
    module_name, class_name = path.rsplit(".", 1)
    return getattr(import_module(module_name), class_name)()


def forget_backends() -> None:
    """After training a new model (or in tests), so the next call loads the current one."""
    backend.cache_clear()

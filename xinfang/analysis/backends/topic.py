"""内容分类 suggestions: the newest trained model, or keyword rules until one exists.

What a Suggestion holds:
- value: a Topic.full_name. The model ranks first-level classes, so the value is usually
  a first-level name ("城乡建设", which is also that Topic row's full_name); where the text
  names a third-level topic of that class (topic_rules.TopicRules.leaf), the value is the
  leaf's full name ("城乡建设 › 住房保障与房地产 › 物业服务"). Names, not ids: a model trained
  from a CSV knows no database, and full names are unique (Topic.full_name) and the same
  in every database. `topics_for` maps values to Topic rows.
- confidence: the model's calibrated probability of the first-level class; for keyword
  rules, the class's share of the keyword score, at most 0.6 (rules are a rough guide).
- reason: the words of the text that weighed most (never words the text lacks), and the
  model version or "关键词规则".

`version` is the model version suggestions come from now (or RULES_VERSION), for the caller
to store with what it records; `suggest_versioned` returns the version that made these
suggestions with them (a new model may be loaded between two calls).

Models are looked up in settings.ANALYSIS_MODEL_DIR at most every RECHECK_SECONDS, so a
model trained by the job consumer reaches every web process within a minute, without a
restart. The organisation tree's names are made dictionary words at the same time.
"""

import logging
import time
from threading import Lock

from django.conf import settings
from django.db.models import Count, Max

from xinfang.analysis import model_store
from xinfang.analysis.interfaces import Suggestion
from xinfang.analysis.text import add_dictionary_words, fold
from xinfang.analysis.topic_model import TopicModel, raw_document
from xinfang.analysis.topic_rules import SEPARATOR, TopicRules, default_rules

logger = logging.getLogger(__name__)

CAPABILITY = "topic"
RULES_VERSION = "topic-rules-1"
RULES_MAX_CONFIDENCE = 0.6
RECHECK_SECONDS = 60.0


def _quote(words: list[str] | tuple[str, ...]) -> str:
    return "、".join(f"“{word}”" for word in words)


def feed_organisation_names(signature: tuple[int, int] | None) -> tuple[int, int]:
    """Make the organisation tree's names dictionary words when the tree has grown.

    Returns the tree's (count, newest id), which the caller passes back next time: a
    rename is picked up with the next addition or restart."""
    from xinfang.orgs.models import Organisation

    current = Organisation.objects.aggregate(count=Count("id"), newest=Max("id"))
    now = (int(current["count"] or 0), int(current["newest"] or 0))
    if now != signature:
        add_dictionary_words(Organisation.objects.values_list("name", flat=True).iterator())
    return now


class LinearTopicSuggester:
    def __init__(self) -> None:
        self.rules: TopicRules = default_rules()
        # (model, version) swapped as one value, so a reader never pairs a model with another's version
        self._current: tuple[TopicModel | None, str] = (None, RULES_VERSION)
        self._seen: str | None = None  # newest version name in the directory at the last look
        self._checked_at = float("-inf")
        self._orgs: tuple[int, int] | None = None
        self._lock = Lock()

    @property
    def version(self) -> str:
        """The version suggestions come from now (looking for a newer model first)."""
        self.refresh()
        return self._current[1]

    def refresh(self, *, force: bool = False) -> None:
        """Load the newest model if it changed (at most every RECHECK_SECONDS unless forced)."""
        now = time.monotonic()
        if not force and now - self._checked_at < RECHECK_SECONDS:
            return
        with self._lock:
            self._checked_at = now
            self._orgs = feed_organisation_names(self._orgs)
            root = settings.ANALYSIS_MODEL_DIR
            newest = model_store.newest_version_name(root, CAPABILITY)
            if newest == self._seen and not force:
                return
            self._seen = newest
            found = model_store.newest_loadable(root, CAPABILITY)
            model, version = self._current
            if found is None:
                self._current = (None, RULES_VERSION)
            elif model is None or found[0].version != version:
                stored, pipeline = found
                try:
                    self._current = (TopicModel(pipeline), stored.version)
                except Exception:  # not the pipeline this code builds: keep what works
                    logger.exception("analysis model %s is not a topic pipeline: skipped", stored.version)

    def suggest(self, title: str, text: str, *, limit: int = 3) -> list[Suggestion]:
        return self.suggest_versioned(title, text, limit=limit)[1]

    def suggest_versioned(self, title: str, text: str, *, limit: int = 3) -> tuple[str, list[Suggestion]]:
        self.refresh()
        model, version = self._current
        if model is None:
            return version, self._from_rules(title, text, limit)
        document = raw_document(title, text)
        if not document:
            return version, []
        features = model.features(document)
        folded = fold(f"{title}\n{text}")
        suggestions = []
        for label, probability in model.rank(document, features=features)[: max(0, limit)]:
            words = model.evidence(document, label, features=features)
            reason = f"模型 {version}：" + (
                f"文中{_quote(words)}等词多见于该类信访" if words else "综合全文判断"
            )
            suggestions.append(self._refined(label, round(probability, 3), reason, folded))
        return version, suggestions

    def first_level_labels(self) -> list[str]:
        """The first-level classes suggestions may name: the trained model's labels, or the topic
        tree's first level before a model exists."""
        self.refresh()
        model, _ = self._current
        return list(model.labels) if model is not None else list(self.rules.classes)

    def refine(self, first: str, confidence: float, reason: str, title: str, text: str) -> Suggestion:
        """A first-level suggestion, refined to the third-level topic the text names, if any."""
        return self._refined(first, confidence, reason, fold(f"{title}\n{text}"))

    def _from_rules(self, title: str, text: str, limit: int) -> list[Suggestion]:
        folded = fold(f"{title}\n{text}")
        matches = self.rules.rank_folded(folded)
        total = sum(match.score for match in matches)
        suggestions = []
        for match in matches[: max(0, limit)]:
            confidence = round(RULES_MAX_CONFIDENCE * match.score / total, 3)
            reason = f"关键词规则（尚无训练好的模型）：文中有{_quote(match.words[:4])}"
            suggestions.append(self._refined(match.value, confidence, reason, folded))
        return suggestions

    def _refined(self, first: str, confidence: float, reason: str, folded: str) -> Suggestion:
        leaf = self.rules.leaf_folded(first, folded)
        if leaf is None:
            return Suggestion(first, first, confidence, reason)
        return Suggestion(
            leaf.value,
            leaf.value,
            confidence,
            f"{reason}；文中提到{_quote(leaf.words[:3])}，对应三级分类“{leaf.value.split(SEPARATOR)[-1]}”",
        )


def topics_for(values: list[str]) -> dict[str, int]:
    """Topic ids of suggestion values (full names); values without a Topic row are left out."""
    from xinfang.cases.models import Topic

    return dict(Topic.objects.filter(full_name__in=values).values_list("full_name", "id"))

"""Risk signals: extreme-intent words with negation, clause boundaries, traditional and
full-width text (table-driven), and the signals a case's facts add."""

from datetime import date

import pytest

from xinfang.analysis.backends.risk import (
    CaseFacts,
    DeadlineState,
    LexiconRiskDetector,
    case_signals,
    lexicon,
)
from xinfang.analysis.interfaces import RiskSignal


def codes(text: str, title: str = "") -> list[str]:
    return sorted(signal.code for signal in LexiconRiskDetector().signals(title, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # threats
        ("如果再不解决，我就去北京上访。", ["words.beijing"]),
        ("如果再不解决就去北京", ["words.beijing"]),
        ("再拖下去我们只能进京讨个说法", ["words.beijing"]),
        ("逼得我们不得不去北京", ["words.beijing"]),
        ("不排除到北京上访", ["words.beijing"]),
        ("我真的不想活了", ["words.self_harm"]),
        ("实在没有办法，只能喝农药了", ["words.self_harm"]),
        ("大不了同归于尽", ["words.harm_others"]),
        ("明天全体业主到市政府门口静坐，拉横幅", ["words.gathering"]),
        ("村民准备堵路讨说法", ["words.gathering"]),
        ("我们将继续上访到省里", ["words.escalate"]),
        ("再不答复我就去上访", ["words.escalate"]),
        # negation in the clause
        ("我们不会去上访，只希望尽快解决。", []),
        ("请放心，我绝不会自杀。", []),
        ("村民没有堵路，也没有围堵政府。", []),
        ("我们不想拉横幅维权，不想给社会造成不良影响。", []),
        ("决没有越级上访之意。", []),
        ("我不会再去北京了", []),
        ("为了不堵门，每天早上到处联系车主", []),
        # a negation governs its own clause only
        ("我不会自杀，但如果再不处理我就去北京", ["words.beijing"]),
        ("我们没有闹事；下周一集体去市政府静坐", ["words.gathering"]),
        ("不会的，我要去北京", ["words.beijing"]),
        # harmless phrases that contain a word
        ("小区房价跌成了跳楼价", []),
        ("请问进京证怎么办理", []),
        ("该路段是人员聚集场所，建议增设护栏", []),
        ("该路口是最拥堵路段", []),
        ("退休人员七十多人聚集到省政府信访厅", ["words.gathering"]),
        ("不存在聚众闹事", []),
        ("我想去北京看病，异地就医怎么报销", []),
        ("需要减轻生产成本", []),
        # traditional characters and full-width forms
        ("如果再不解決，我們就去北京上訪！", ["words.beijing"]),
        ("我們絕不會自殺", []),
        ("ＩＦ再不处理，全体业主就去　北京", ["words.beijing"]),
        ("我们不会去北京上访", []),
        # several categories at once, each signalled once
        (
            "再不解决就去北京，到时候全村人都来堵路，我也不想活了",
            ["words.beijing", "words.gathering", "words.self_harm"],
        ),
        # nothing
        ("请求尽快维修小区电梯", []),
        ("", []),
    ],
)
def test_extreme_intent_words(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_signal_quotes_the_clause_and_counts_repeats() -> None:
    (signal,) = LexiconRiskDetector().signals("再不解决就去北京", "我们说到做到，一定去北京讨说法。")

    assert signal == RiskSignal(
        code="words.beijing", label="扬言进京上访", evidence="“再不解决就【去北京】”（共2处）"
    )


def test_title_is_read_too() -> None:
    assert codes("请尽快处理。", title="再不解决就去北京上访") == ["words.beijing"]


def test_every_lexicon_category_has_one_label() -> None:
    labels: dict[str, set[str]] = {}
    for term in lexicon():
        labels.setdefault(term.category, set()).add(term.label)
    assert set(labels) == {"self_harm", "harm_others", "beijing", "escalate", "gathering"}
    assert all(len(names) == 1 for names in labels.values())


def test_case_facts_become_signals_about_the_matter() -> None:
    facts = CaseFacts(
        place="西湖区翠苑街道",
        head_count=12,
        skip_level=True,
        earlier_cases=3,
        deadline=DeadlineState.OVERDUE,
        deadline_label="办理期限",
        deadline_due=date(2026, 3, 2),
    )
    words = LexiconRiskDetector().signals("", "不解决就去北京")

    signals = case_signals(facts, words)

    assert [s.code for s in signals] == [
        "case.collective",
        "case.skip_level",
        "case.repeat",
        "case.overdue",
        "words.beijing",
    ]
    assert signals[0].evidence == "12人联名或集体反映同一事项（西湖区翠苑街道）"
    assert signals[3].evidence == "办理期限已过（2026-03-02）"
    # A signal states a fact about a matter; nothing is a number rating the petitioner.
    assert all(isinstance(s, RiskSignal) and not any(c.isdigit() for c in s.code) for s in signals)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (CaseFacts(), []),
        (CaseFacts(collective=True), ["case.collective"]),
        (CaseFacts(head_count=4), []),
        (CaseFacts(deadline=DeadlineState.DUE_SOON), ["case.due_soon"]),
    ],
)
def test_case_facts_table(facts: CaseFacts, expected: list[str]) -> None:
    assert [s.code for s in case_signals(facts)] == expected

"""The similar-case index: exact cosine ranking, snapshot + delta, a new case findable at once,
the rebuild command."""

import io
import json

import numpy as np
import pytest
from django.core.management import call_command

from xinfang.analysis import similarity
from xinfang.analysis.case_index import CaseIndex, case_index, words_of_row
from xinfang.analysis.text import similarity_words
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user, register_case

TEXTS = [
    "小区夜间施工噪音扰民 请求制止",
    "工地夜间打桩噪音 影响休息",
    "公司拖欠农民工工资 请求支付",
    "学校乱收费 补课费",
    "拖欠工资 三个月未发",
]


def brute_force(texts: list[str], query: str) -> list[int]:
    built = similarity.SnapshotBuilder()
    vectors = [similarity.term_counts(similarity_words(text)) for text in texts]
    for case_id, (ids, counts) in enumerate(vectors, start=1):
        built.add(case_id, ids, counts)
    idf = built.build().idf()
    q_ids, q_w = similarity.query_vector(similarity_words(query), idf)
    q = dict(zip(q_ids.tolist(), q_w.tolist(), strict=True))
    scores = []
    for case_id, (ids, counts) in enumerate(vectors, start=1):
        d_ids, d_w = similarity.weigh(ids, counts, idf, similarity.TERMS_PER_DOC)
        scores.append(
            (sum(q.get(t, 0.0) * w for t, w in zip(d_ids.tolist(), d_w.tolist(), strict=True)), case_id)
        )
    return [case_id for score, case_id in sorted(scores, reverse=True) if score > 0]


def test_snapshot_ranks_as_brute_force_cosine() -> None:
    builder = similarity.SnapshotBuilder()
    for case_id, text in enumerate(TEXTS, start=1):
        builder.add(case_id, *similarity.term_counts(similarity_words(text)))
    snapshot = builder.build()
    ids, weights = similarity.query_vector(similarity_words("拖欠工资 请求支付"), snapshot.idf())
    found = snapshot.search(ids, weights, limit=10)
    assert [case_id for case_id, _ in found] == brute_force(TEXTS, "拖欠工资 请求支付")
    assert found[0][0] == 3 and 0 < found[0][1] <= 1
    assert all(score > 0 for _, score in found)


def test_builder_refuses_out_of_order_documents() -> None:
    builder = similarity.SnapshotBuilder()
    builder.add(5, *similarity.term_counts(["噪音"]))
    with pytest.raises(ValueError):
        builder.add(5, *similarity.term_counts(["噪音"]))


def test_snapshot_survives_save_and_load_and_delta_is_searched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    builder = similarity.SnapshotBuilder()
    for case_id, text in enumerate(TEXTS, start=1):
        builder.add(case_id, *similarity.term_counts(similarity_words(text)))
    path = similarity.save_snapshot(tmp_path, builder.build())
    assert similarity.newest_snapshot_dir(tmp_path) == path
    loaded = similarity.load_snapshot(path)
    assert loaded.n_docs == len(TEXTS) and loaded.max_case_id == len(TEXTS)
    delta = similarity.Delta(loaded.idf())
    delta.add([(10, *similarity.term_counts(similarity_words("宝石社区工地夜间施工噪音")))])
    ids, weights = similarity.query_vector(similarity_words("夜间施工噪音"), loaded.idf())
    merged = similarity.merge_results(loaded.search(ids, weights, 5), delta.search(ids, weights, 5), limit=5)
    assert {case_id for case_id, _ in merged[:3]} == {1, 2, 10}
    assert merged[0][0] == 10  # the closest wording


def test_a_new_case_is_findable_at_once_and_after_a_rebuild(tree: OrgTree, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.ANALYSIS_MODEL_DIR = tmp_path
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    first = register_case(
        registrar, tree.township_a, title="宝石社区工地夜间施工噪音扰民", request="请求制止夜间施工"
    )
    index = case_index()
    assert index.search(similarity_words("夜间施工噪音"))[0][0] == first.pk
    # Registered after the index was first used: found on the next search, no restart.
    second = register_case(registrar, tree.township_a, title="拖欠农民工工资", request="请求支付工资")
    assert index.search(similarity_words("拖欠工资"))[0][0] == second.pk

    out = io.StringIO()
    call_command("analysis", "index", "--workers", "1", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["documents"] == 2 and summary["bytes_on_disk"] > 0
    fresh = CaseIndex()
    fresh.refresh(force=True)
    assert fresh.size == 2
    third = register_case(registrar, tree.township_a, title="学校乱收费", request="请求退还补课费")
    assert fresh.search(similarity_words("学校收费"))[0][0] == third.pk
    assert fresh.search(similarity_words("夜间施工噪音"))[0][0] == first.pk


def test_index_words_come_from_every_text_field() -> None:
    words = words_of_row(("标题噪音", "事实打桩", "诉求制止", "宝石社区", "某建筑公司"))
    assert {"噪音", "打桩", "制止"} <= set(words)
    assert np.all(similarity.term_counts(words)[1] >= 1)


def test_a_case_committed_after_the_snapshot_read_but_with_a_lower_id_is_found(
    tree: OrgTree, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from xinfang.cases.models import Case

    settings.ANALYSIS_MODEL_DIR = tmp_path
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    late = register_case(registrar, tree.township_a, title="宝石社区路灯不亮", request="请求修复路灯")
    newer = register_case(registrar, tree.township_a, title="学校乱收费", request="请求退费")
    # The rebuild read the cases while `late` was not yet committed: snapshot it without `late`.
    builder = similarity.SnapshotBuilder()
    builder.add(newer.pk, *similarity.term_counts(words_of_row(("学校乱收费", "", "请求退费", "", ""))))
    similarity.save_snapshot(tmp_path / "similar", builder.build())
    index = CaseIndex()
    index.refresh(force=True)
    assert index.search(similarity_words("路灯不亮"))[0][0] == late.pk
    assert [pk for pk, _ in index.search(similarity_words("学校收费"))].count(newer.pk) == 1
    assert Case.objects.count() == 2

"""xinfang analysis train [--csv FILE.csv]

Trains a new topic model, from the office's own cases or from a labelled CSV (`label` and
`text_segmented`, or `title` + `text`), stores it as a new version under
settings.ANALYSIS_MODEL_DIR and prints its manifest as one JSON object (version, source,
samples, labels, held-out metrics, seconds).
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from xinfang.analysis.training import train_topic_model_from_csv, train_topic_model_from_history

HELP = "训练内容分类模型（默认用本单位的历史信访事项），输出模型清单 JSON"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--csv", type=Path, help="改用带 label 列的 CSV 文件训练")


def run(*, stdout: TextIO, **options: Any) -> None:
    path = options.get("csv")
    stored = train_topic_model_from_csv(path) if path else train_topic_model_from_history()
    stdout.write(json.dumps(stored.manifest, ensure_ascii=False) + "\n")

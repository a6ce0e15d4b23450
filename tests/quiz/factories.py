from datetime import timedelta

import factory
from django.utils import timezone

from cyberweek.quiz.models import (
    Contest,
    Difficulty,
    Entry,
    PaperRule,
    Question,
    QuestionVersion,
    Topic,
)
from cyberweek.quiz.question_files import text_digest
from tests.accounts.factories import UserFactory
from tests.programme.factories import EditionFactory

_counter = iter(range(1, 10**9))


def make_question(
    topic=Topic.PERSONAL_INFORMATION,
    difficulty=Difficulty.EASY,
    kind=Question.Kind.SINGLE,
    *,
    text=None,
    correct=("A",),
    options=None,
):
    n = next(_counter)
    text = text or f"第{n}题：以下哪种做法能保护个人信息？"
    if kind == Question.Kind.TRUE_FALSE:
        options = [
            {"key": "T", "text": "正确", "text_en": "True"},
            {"key": "F", "text": "错误", "text_en": "False"},
        ]
        correct = correct if correct != ("A",) else ("T",)
    options = options or [
        {"key": k, "text": f"选项{k}{n}", "text_en": f"Option {k}{n}"} for k in "ABCD"
    ]
    question = Question.objects.create(
        code=f"T{n}", kind=kind, topic=topic, difficulty=difficulty, text_digest=text_digest(text)
    )
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        text=text,
        text_en=f"Question {n}",
        options=options,
        correct=list(correct),
        explanation=f"解析{n}",
        explanation_en=f"Explanation {n}",
    )
    question.current = version
    question.save()
    return question


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    edition = factory.SubFactory(EditionFactory)
    slug = factory.Sequence(lambda n: f"contest-{n}")
    title = factory.Sequence(lambda n: f"网络安全知识竞赛{n}")
    title_en = factory.Sequence(lambda n: f"Knowledge contest {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    time_limit_minutes = 20
    attempts_allowed = 2
    pass_mark = 60
    youth_track = True
    is_published = True


def contest_with_paper(*, questions=5, points=10, **kwargs):
    """A published, open contest whose paper draws `questions` single-choice questions of
    personal information protection (the bank holds twice as many)."""
    contest = ContestFactory(**kwargs)
    for _ in range(questions * 2):
        make_question()
    PaperRule.objects.create(
        contest=contest, topic=Topic.PERSONAL_INFORMATION, count=questions, points=points
    )
    return contest


def entry_for(contest, user=None, **fields):
    user = user or UserFactory()
    defaults = {"display_name": "李小明", "show_name": False}
    defaults.update(fields)
    return Entry.objects.create(contest=contest, user=user, **defaults)

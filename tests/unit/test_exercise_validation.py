"""Malformed bank files fail with the right file, line and message."""

from __future__ import annotations

import textwrap

import pytest

from mfml.exercises import BankError
from mfml.exercises.bank import load_yaml_bank
from mfml.exercises.validate import validate_bank

GOOD = textwrap.dedent(
    """\
    chapter: 98
    exercises:
      - id: "98.1"
        level: 1
        title: Sum
        params: |
          u = rng.integers(1, 9, size=3)
        prompt: |
          Sum the entries of $\\mathbf{{u}} = {u}$.
        starter: |
          answer = ...
        hints:
          - Add them up.
          - Use `u.sum()`.
        solution:
          explanation: |
            $\\sum_i u_i$.
          code: |
            answer = int(u.sum())
        check:
          kind: number
        wrong:
          - code: answer = int(u.sum()) + 1
            feedback: incorrect
    """
)


def load_and_validate(tmp_path, text, name="ch98.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    validate_bank(load_yaml_bank(path))


def line_of(text, needle, occurrence=1):
    """1-based line of the n-th line containing needle."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def expect(tmp_path, text, needle, message, name="ch98.yml", occurrence=1):
    with pytest.raises(BankError) as caught:
        load_and_validate(tmp_path, text, name)
    line = line_of(text, needle, occurrence)
    assert str(caught.value).startswith(f"{tmp_path / name}:{line}: "), str(caught.value)
    assert message in str(caught.value)


def test_the_template_is_valid(tmp_path):
    load_and_validate(tmp_path, GOOD)


def test_missing_field(tmp_path):
    text = GOOD.replace("    title: Sum\n", "")
    expect(tmp_path, text, '- id: "98.1"', "missing field `title`")


def test_unknown_field_suggests_the_right_one(tmp_path):
    text = GOOD.replace("    hints:", "    hint:")
    expect(tmp_path, text, "hint:", "unknown field `hint` (did you mean `hints`?)")


def test_unknown_level(tmp_path):
    expect(tmp_path, GOOD.replace("level: 1", "level: 5"), "level: 5", "unknown level 5")


def test_too_few_hints(tmp_path):
    text = GOOD.replace("      - Use `u.sum()`.\n", "")
    expect(tmp_path, text, "hints:", "too few hints: 1, level 1 needs 2")


def test_levels_three_and_four_need_three_hints(tmp_path):
    expect(tmp_path, GOOD.replace("level: 1", "level: 3"), "hints:", "level 3 needs 3")


def test_id_must_follow_the_numbering(tmp_path):
    expect(tmp_path, GOOD.replace('"98.1"', '"98.2"'), "98.2", 'id should be "98.1"')


def test_id_must_be_a_quoted_string(tmp_path):
    expect(tmp_path, GOOD.replace('"98.1"', "98.1"), "id: 98.1", "must be a quoted string")


def test_file_name_and_chapter_agree(tmp_path):
    expect(tmp_path, GOOD, "chapter: 98", "named for chapter 97", name="ch97.yml")


def test_unknown_check_kind(tmp_path):
    expect(tmp_path, GOOD.replace("kind: number", "kind: numbr"), "numbr", "unknown check kind")


def test_automatic_check_needs_wrong_answers(tmp_path):
    text = GOOD.split("    wrong:")[0]
    expect(tmp_path, text, "check:", "needs `wrong`")


def test_unknown_feedback_category(tmp_path):
    text = GOOD.replace("feedback: incorrect", "feedback: wrong")
    expect(tmp_path, text, "feedback: wrong", "unknown feedback 'wrong'")


def test_solution_that_raises_points_at_the_failing_line(tmp_path):
    text = GOOD.replace(
        "        answer = int(u.sum())\n    check",
        "        total = u.sum()\n        answer = int(totl)\n    check",
    )
    expect(tmp_path, text, "int(totl)", "solution code raised NameError")


def test_reference_that_fails_its_own_check(tmp_path):
    text = GOOD.replace("answer = int(u.sum())\n", "answer = str(u.sum())\n", 1)
    expect(tmp_path, text, "answer = str(u.sum())", "fails its own check")


def test_wrong_answer_message_must_be_text_and_fill(tmp_path):
    with_message = GOOD.replace(
        "feedback: incorrect", 'feedback: incorrect\n        message: "Off by one: {u}"'
    )
    load_and_validate(tmp_path, with_message)
    empty = GOOD.replace("feedback: incorrect", 'feedback: incorrect\n        message: ""')
    expect(tmp_path, empty, 'message: ""', "`message` must be non-empty text")
    unknown = GOOD.replace("feedback: incorrect", 'feedback: incorrect\n        message: "{w}"')
    expect(tmp_path, unknown, 'message: "{w}"', "text uses {w}")


def test_wrong_answer_with_the_wrong_declared_feedback(tmp_path):
    text = GOOD.replace("feedback: incorrect", "feedback: wrong_shape")
    expect(tmp_path, text, "- code: answer = int(u.sum()) + 1", "should get `wrong_shape`")


def test_wrong_answer_that_raises(tmp_path):
    text = GOOD.replace("answer = int(u.sum()) + 1", "answer = 1 / 0")
    expect(tmp_path, text, "answer = 1 / 0", "wrong answer 1 raised ZeroDivisionError")


def test_prompt_field_not_in_params(tmp_path):
    text = GOOD.replace("= {u}$", "= {v}$")
    expect(tmp_path, text, "Sum the entries", "uses {v}")


def test_prompt_with_single_braces_under_params(tmp_path):
    text = GOOD.replace("\\mathbf{{u}}", "\\mathbf{u")
    expect(tmp_path, text, "Sum the entries", "double literal braces")


def test_starter_must_leave_the_answer_open(tmp_path):
    text = GOOD.replace("answer = ...\n", "answer = 0\n")
    expect(tmp_path, text, "answer = 0", "starter's answer gets `incorrect`")


def test_yaml_syntax_error(tmp_path):
    text = GOOD.replace('"98.1"', '"98.1')
    with pytest.raises(BankError) as caught:
        load_and_validate(tmp_path, text)
    assert "YAML syntax" in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "ch98.yml") + ":")
    assert f"starts at line {line_of(text, '98.1')}" in str(caught.value)


def test_duplicate_key(tmp_path):
    text = GOOD.replace("    title: Sum\n", "    title: Sum\n    title: Again\n")
    expect(tmp_path, text, "title: Again", "duplicate key 'title'")


def test_choice_with_a_correct_letter_out_of_range(tmp_path):
    text = GOOD.replace(
        "      kind: number\n", "      kind: choice\n      options: [x, y]\n      correct: c\n"
    )
    expect(tmp_path, text, "correct: c", "`correct` must be a letter from a to b")


def test_expression_domain_must_be_an_interval(tmp_path):
    text = GOOD.replace(
        "      kind: number\n",
        "      kind: expression\n      answer: f\n      variables: [x]\n"
        "      domain: {x: [1, 0]}\n",
    )
    expect(tmp_path, text, "domain:", "domain of `x` must be [lo, hi]")


def test_build_cli_fails_with_file_and_line(tmp_path, capsys):
    from mfml.exercises.build import main

    (tmp_path / "ch98.yml").write_text(GOOD.replace("level: 1", "level: 0"), encoding="utf-8")
    assert main(["build", "--bank", str(tmp_path), "--notebooks", str(tmp_path / "out")]) == 1
    line = line_of(GOOD, "level: 1")
    assert f"ch98.yml:{line}: exercise 98.1: unknown level 0" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()

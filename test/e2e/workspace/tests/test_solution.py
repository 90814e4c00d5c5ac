from models import Result
from solution import total_score


def test_total_score():
    assert total_score([1, 2, 3]) == 6


def test_result():
    assert Result(6) == Result(6)

"""Evaluasi Budaya Kerja: a unit's or institution's evidence per rubric criterion, judged by
the institution's evaluator (METHOD.md §5).

Deadline (a decision of this app): the national administrator sets one evaluation deadline per
period (`EvaluationSchedule`); without one, the period's closing date is the deadline. A first
submission must come on or before the deadline; a resubmission after the evaluator returned
criteria for revision is accepted later too, since the evaluator asked for it.
"""

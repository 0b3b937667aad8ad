"""The Qt-free domain of Gridwatch: taxonomy, difficulty levels, the incident
workflow state machine, deadlines and the audit trail's vocabulary.

Nothing in this package imports Qt or touches the database; it is plain
Python, tested without a QApplication and shared with the intake service.
"""

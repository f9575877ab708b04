"""Routing suggestions learned from the office's own work: a topic classifier over rjieba tokens
(classifier.py) and the lead unit it implies (suggest.py)."""
